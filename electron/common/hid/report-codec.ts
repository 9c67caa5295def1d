import type { ControlBit, InputName, OutputName, TelephonyModel } from './telephony-model';
import { inputNames } from './telephony-model';

export type Decoded =
  | { ok: true; reportId: number; values: Partial<Record<InputName, number>> }
  | { ok: false; reason: 'empty' | 'unknown-report' | 'wrong-length'; reportId?: number };

function readBits(payload: Uint8Array, bit: ControlBit): number {
  let v = 0;
  for (let k = 0; k < bit.bitSize; k++) {
    const pos = bit.bitOffset + k;
    if ((payload[pos >> 3]! >> (pos & 7)) & 1) v |= 1 << k;
  }
  if (bit.logicalMin < 0 && bit.bitSize < 32 && v & (1 << (bit.bitSize - 1))) v -= 1 << bit.bitSize;
  return v;
}

/** Reads the channel's controls out of one input report. Garbage is refused with a reason, never thrown. */
export function decodeReport(model: TelephonyModel, report: Uint8Array): Decoded {
  if (report.length === 0) return { ok: false, reason: 'empty' };
  const reportId = model.usesReportIds ? report[0]! : 0;
  const payload = model.usesReportIds ? report.subarray(1) : report;
  const expected = model.inputReportBytes[reportId];
  if (expected === undefined) return { ok: false, reason: 'unknown-report', reportId };
  if (payload.length < expected) return { ok: false, reason: 'wrong-length', reportId };
  const values: Partial<Record<InputName, number>> = {};
  for (const name of inputNames) {
    const bit = model.inputs[name];
    if (bit && bit.reportId === reportId) values[name] = readBits(payload, bit);
  }
  return { ok: true, reportId, values };
}

export interface ControlEvent {
  usage: InputName;
  value: number;
}

/**
 * Turns successive decoded reports into events. Absolute controls (hook) are levels: an event when the level
 * changes. Relative controls (mute toggle, volume) are pulses: 1 then 0 is one event with value 1, and a
 * repeated 1 without the 0 between is the same press, not a new one.
 */
export class EventDecoder {
  private last: Partial<Record<InputName, number>> = {};
  constructor(private readonly model: TelephonyModel) {}
  push(report: Uint8Array): { events: ControlEvent[]; ignored?: Exclude<Decoded, { ok: true }> } {
    const d = decodeReport(this.model, report);
    if (!d.ok) return { events: [], ignored: d };
    const events: ControlEvent[] = [];
    for (const [name, value] of Object.entries(d.values) as Array<[InputName, number]>) {
      const prev = this.last[name] ?? 0;
      this.last[name] = value;
      const relative = this.model.inputs[name]!.relative;
      if (relative ? value !== 0 && prev === 0 : value !== prev) events.push({ usage: name, value });
    }
    return { events };
  }
}

/**
 * Output reports for a set of lights. Every report that carries one of the device's lights is rebuilt whole
 * from the full state, so switching one light never clears another in a packed report.
 */
export function encodeLeds(
  model: TelephonyModel,
  on: ReadonlySet<OutputName>,
  only?: ReadonlySet<number>,
): Array<{ reportId: number; bytes: Uint8Array }> {
  const byReport = new Map<number, Array<[OutputName, ControlBit]>>();
  for (const [name, bit] of Object.entries(model.outputs) as Array<[OutputName, ControlBit]>) {
    const list = byReport.get(bit.reportId) ?? [];
    list.push([name, bit]);
    byReport.set(bit.reportId, list);
  }
  const out: Array<{ reportId: number; bytes: Uint8Array }> = [];
  for (const [reportId, list] of [...byReport].sort((a, b) => a[0] - b[0])) {
    if (only && !only.has(reportId)) continue;
    const len = model.outputReportBytes[reportId] ?? 1;
    const payload = new Uint8Array(len);
    for (const [name, bit] of list) {
      if (!on.has(name)) continue;
      // On = 1 in the field's lowest bit (LED usages are 1-bit On/Off controls on every device we know).
      payload[bit.bitOffset >> 3]! |= 1 << (bit.bitOffset & 7);
    }
    const bytes = model.usesReportIds ? Uint8Array.from([reportId, ...payload]) : payload;
    out.push({ reportId, bytes });
  }
  return out;
}
