import { promises as fs } from 'node:fs';
import path from 'node:path';
import { bytesToHex, DescriptorError, hexToBytes, parseReportDescriptor } from '../../common/hid/report-descriptor';
import { encodeLeds, EventDecoder, type ControlEvent } from '../../common/hid/report-codec';
import {
  buildTelephonyModel,
  outputNames,
  type OutputName,
  type TelephonyModel,
} from '../../common/hid/telephony-model';
import type { CliIo } from './doctor-command';

const usage = `usage: diadema hid list
       diadema hid decode --descriptor HEX [--report HEX]... [--leds NAME,...]
LED names: ${outputNames.join(', ')}
`;

export function describeModel(model: TelephonyModel) {
  const shape = (b: { reportId: number; bitOffset: number; bitSize: number; relative: boolean }) => ({
    reportId: b.reportId,
    bitOffset: b.bitOffset,
    bitSize: b.bitSize,
    relative: b.relative,
  });
  return {
    channel: model.channel ?? null,
    inputs: Object.fromEntries(Object.entries(model.inputs).map(([k, v]) => [k, shape(v)])),
    outputs: Object.fromEntries(Object.entries(model.outputs).map(([k, v]) => [k, shape(v)])),
  };
}

/** `diadema hid …`: list connected headsets, or decode a descriptor and reports offline (IT and tests). */
export async function runHidCommand(
  args: string[],
  io: CliIo,
  o: {
    sysfs?: string;
    listDevices?: () => Promise<
      Array<{ path?: string; vendorId: number; productId: number; product?: string; usagePage?: number }>
    >;
  } = {},
): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'decode') {
    let descriptor: string | undefined;
    const reports: string[] = [];
    let leds: string[] = [];
    for (let i = 0; i < rest.length; i += 2) {
      const k = rest[i],
        v = rest[i + 1];
      if (v === undefined) {
        io.err(`hid decode: ${k} needs a value\n${usage}`);
        return 2;
      }
      if (k === '--descriptor') descriptor = v;
      else if (k === '--report') reports.push(v);
      else if (k === '--leds')
        leds = v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
      else {
        io.err(`hid decode: unknown option ${k}\n${usage}`);
        return 2;
      }
    }
    if (!descriptor) {
      io.err(`hid decode: --descriptor is required\n${usage}`);
      return 2;
    }
    const unknownLed = leds.find((l) => !(outputNames as readonly string[]).includes(l));
    if (unknownLed) {
      io.err(`hid decode: unknown LED ${unknownLed}; known: ${outputNames.join(', ')}\n`);
      return 2;
    }
    let model: TelephonyModel;
    try {
      model = buildTelephonyModel(parseReportDescriptor(hexToBytes(descriptor)));
    } catch (e) {
      io.err(
        `hid decode: the descriptor cannot be used: ${e instanceof DescriptorError ? e.message : (e as Error).message}\n`,
      );
      return 1;
    }
    const decoder = new EventDecoder(model);
    const events: ControlEvent[] = [];
    const ignored: Array<{ report: string; reason: string }> = [];
    for (const r of reports) {
      let bytes: Uint8Array;
      try {
        bytes = hexToBytes(r);
      } catch {
        ignored.push({ report: r.slice(0, 64), reason: 'not-hex' });
        continue;
      }
      const res = decoder.push(bytes);
      events.push(...res.events);
      if (res.ignored) ignored.push({ report: r.slice(0, 64), reason: res.ignored.reason });
    }
    const on = new Set(leds as OutputName[]);
    const touched = new Set([...on].map((l) => model.outputs[l]?.reportId).filter((x): x is number => x !== undefined));
    const ledReports = encodeLeds(model, on, touched).map((r) => bytesToHex(r.bytes));
    io.out(
      `${JSON.stringify({ ...describeModel(model), events, ledReports, ...(ignored.length ? { ignored } : {}) })}\n`,
    );
    return 0;
  }
  if (sub === 'list') {
    const list = o.listDevices ?? (async () => (await import('node-hid')).devicesAsync());
    let devices;
    try {
      devices = await list();
    } catch (e) {
      io.err(`hid list: cannot enumerate HID devices: ${(e as Error).message}\n`);
      return 1;
    }
    const seen = new Set<string>();
    let n = 0;
    for (const d of devices) {
      const key = d.path ?? `${d.vendorId}:${d.productId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      n++;
      let caps = 'descriptor unavailable';
      const node = d.path && /\/dev\/(hidraw\d+)$/.exec(d.path)?.[1];
      if (node) {
        try {
          const raw = await fs.readFile(path.join(o.sysfs ?? '/sys/class/hidraw', node, 'device', 'report_descriptor'));
          const m = buildTelephonyModel(parseReportDescriptor(new Uint8Array(raw)));
          caps = m.channel
            ? `${m.channel.kind} channel; buttons: ${Object.keys(m.inputs).join(', ') || 'none'}; lights: ${Object.keys(m.outputs).join(', ') || 'none'}`
            : 'no telephony controls';
        } catch (e) {
          caps = `descriptor unreadable (${(e as Error).message})`;
        }
      }
      io.out(
        `${d.vendorId.toString(16).padStart(4, '0')}:${d.productId.toString(16).padStart(4, '0')} ${d.product ?? '(no name)'} ${d.path ?? ''}\n    ${caps}\n`,
      );
    }
    if (n === 0)
      io.out('no HID devices found (on Linux, check the udev rule in build/udev and that you can read /dev/hidraw*)\n');
    return 0;
  }
  io.err(usage);
  return 2;
}
