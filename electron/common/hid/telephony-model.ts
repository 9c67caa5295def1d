import type { ParsedDescriptor, ReportField } from './report-descriptor';

/**
 * The telephony view of a headset: one control channel, its input controls and its output lights, each bound to
 * a report ID and bit position read from the descriptor, never from a per-device table.
 */
export const inputNames = [
  'hookSwitch',
  'phoneMute',
  'flash',
  'redial',
  'drop',
  'lineBusy',
  'volumeUp',
  'volumeDown',
] as const;
export const outputNames = ['offHook', 'ring', 'mute', 'microphone', 'hold', 'onLine', 'ringer'] as const;
export type InputName = (typeof inputNames)[number];
export type OutputName = (typeof outputNames)[number];

const TEL = 0x0b,
  CONSUMER = 0x0c,
  LED = 0x08;
const u = (page: number, id: number) => ((page << 16) | id) >>> 0;
const inputUsages: Record<InputName, number[]> = {
  hookSwitch: [u(TEL, 0x20)],
  phoneMute: [u(TEL, 0x2f)],
  flash: [u(TEL, 0x21)],
  redial: [u(TEL, 0x24)],
  drop: [u(TEL, 0x26)],
  lineBusy: [u(TEL, 0x97)],
  volumeUp: [u(CONSUMER, 0xe9)],
  volumeDown: [u(CONSUMER, 0xea)],
};
const outputUsages: Record<OutputName, number[]> = {
  offHook: [u(LED, 0x17)],
  ring: [u(LED, 0x18)],
  mute: [u(LED, 0x09)],
  microphone: [u(LED, 0x21)],
  hold: [u(LED, 0x20)],
  onLine: [u(LED, 0x2a)],
  ringer: [u(TEL, 0x9e)],
};
/** Vendor pages that mirror the telephony controls (Jabra/Yealink, EPOS, Poly, Teams-certified). */
const vendorMirrors = [0xff30, 0xff13, 0xffa0, 0xff99];

export interface ControlBit {
  reportId: number;
  bitOffset: number;
  bitSize: number;
  relative: boolean;
  logicalMin: number;
  logicalMax: number;
}
export type ChannelKind = 'telephony' | 'consumer' | 'vendor';
export interface TelephonyModel {
  channel: { kind: ChannelKind; usagePage: number; usage: number } | undefined;
  inputs: Partial<Record<InputName, ControlBit>>;
  outputs: Partial<Record<OutputName, ControlBit>>;
  usesReportIds: boolean;
  /** Payload length in bytes of each input and output report (after the ID byte), for length checks and encoding. */
  inputReportBytes: Record<number, number>;
  outputReportBytes: Record<number, number>;
}

/** Each element of a variable field, with its usage and position. */
function elements(f: ReportField): Array<{ usage: number; bit: ControlBit }> {
  if (!f.flags.variable || f.flags.constant || f.usages.length === 0) return [];
  const out: Array<{ usage: number; bit: ControlBit }> = [];
  for (let k = 0; k < f.count; k++) {
    const usage = f.usages[Math.min(k, f.usages.length - 1)]!;
    if (k >= f.usages.length && f.usages.length > 1) break;
    out.push({
      usage,
      bit: {
        reportId: f.reportId,
        bitOffset: f.bitOffset + k * f.bitSize,
        bitSize: f.bitSize,
        relative: f.flags.relative,
        logicalMin: f.logicalMin,
        logicalMax: f.logicalMax,
      },
    });
  }
  return out;
}

function reportBytes(fields: ReportField[], kind: 'input' | 'output'): Record<number, number> {
  const out: Record<number, number> = {};
  for (const f of fields)
    if (f.kind === kind)
      out[f.reportId] = Math.max(out[f.reportId] ?? 0, Math.ceil((f.bitOffset + f.bitSize * f.count) / 8));
  return out;
}

export function buildTelephonyModel(d: ParsedDescriptor): TelephonyModel {
  const base = {
    usesReportIds: d.usesReportIds,
    inputReportBytes: reportBytes(d.fields, 'input'),
    outputReportBytes: reportBytes(d.fields, 'output'),
  };
  const inTlc = (f: ReportField, page: number, usage?: number) =>
    f.collections[0]?.usagePage === page && (usage === undefined || f.collections[0]?.usage === usage);
  const hasTelephonyInput = (fs: ReportField[]) =>
    fs.some(
      (f) => f.kind === 'input' && elements(f).some((e) => e.usage >>> 16 === TEL && (e.usage & 0xffff) !== 0x07),
    );

  // 1. The standard Telephony application collection; 2. a Consumer collection carrying telephony usages;
  // 3. a vendor mirror, only when nothing standard exists.
  const telFields = d.fields.filter((f) => inTlc(f, TEL));
  const consumerFields = d.fields.filter((f) => inTlc(f, CONSUMER));
  let channel: TelephonyModel['channel'];
  let chosen: ReportField[] = [];
  if (hasTelephonyInput(telFields)) {
    const t = telFields[0]!.collections[0]!;
    channel = { kind: 'telephony', usagePage: TEL, usage: t.usage };
    chosen = telFields;
  } else if (hasTelephonyInput(consumerFields)) {
    channel = { kind: 'consumer', usagePage: CONSUMER, usage: consumerFields[0]!.collections[0]!.usage };
    chosen = consumerFields;
  } else {
    for (const page of vendorMirrors) {
      const vf = d.fields.filter((f) => inTlc(f, page) || f.usages.some((x) => x >>> 16 === page));
      // A vendor mirror reuses the telephony usage IDs on its own page; read them as telephony.
      const mapped = vf.map((f) => ({
        ...f,
        usages: f.usages.map((x) => (x >>> 16 === page ? u(f.kind === 'output' ? LED : TEL, x & 0xffff) : x)),
      }));
      if (hasTelephonyInput(mapped)) {
        channel = { kind: 'vendor', usagePage: page, usage: vf[0]?.collections[0]?.usage ?? 0 };
        chosen = mapped;
        break;
      }
    }
  }
  const inputs: TelephonyModel['inputs'] = {};
  const outputs: TelephonyModel['outputs'] = {};
  const pick = <N extends string>(
    fs: ReportField[],
    kind: 'input' | 'output',
    table: Record<N, number[]>,
    into: Partial<Record<N, ControlBit>>,
  ) => {
    for (const f of fs) {
      if (f.kind !== kind) continue;
      for (const e of elements(f))
        for (const [name, list] of Object.entries(table) as Array<[N, number[]]>)
          if (!into[name] && list.includes(e.usage)) into[name] = e.bit;
    }
  };
  pick(chosen, 'input', inputUsages, inputs);
  pick(chosen, 'output', outputUsages, outputs);
  // Volume often lives in the Consumer collection beside the Telephony one (Plantronics, Logitech).
  if (channel && (!inputs.volumeUp || !inputs.volumeDown)) {
    const vol = { volumeUp: inputUsages.volumeUp, volumeDown: inputUsages.volumeDown };
    pick(consumerFields, 'input', vol, inputs as Partial<Record<'volumeUp' | 'volumeDown', ControlBit>>);
  }
  return { channel, inputs, outputs, ...base };
}
