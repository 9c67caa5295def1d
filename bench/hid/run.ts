import { readFileSync } from 'node:fs';
import path from 'node:path';
import { hexToBytes, parseReportDescriptor } from '@common/hid/report-descriptor';
import { buildTelephonyModel, type TelephonyModel } from '@common/hid/telephony-model';
import { HeadsetController } from '../../electron/node/hid/headset-controller';
import { formatRow, summarise } from '../support/stats';

/**
 * Replays reports through decode + dispatch (HeadsetController.onReport) for every shared headset with a
 * telephony channel, and prints per-report cost. Reports are derived from each device's own layout: hook down,
 * mute pulse, release, hook up, plus one unknown-ID and one short report per cycle.
 */
const rounds = process.argv.includes('--quick') ? 2_000 : 20_000;
const devices = JSON.parse(
  readFileSync(path.resolve(process.cwd(), 'test', 'fixtures', 'hid', 'headset-descriptors.json'), 'utf8'),
) as Array<{ product: string; descriptorHex: string }>;

function reportsFor(m: TelephonyModel): Uint8Array[] {
  const make = (bits: Array<{ reportId: number; bitOffset: number } | undefined>) => {
    const id = m.inputs.hookSwitch?.reportId ?? 0;
    const len = m.inputReportBytes[id] ?? 1;
    const payload = new Uint8Array(len);
    for (const b of bits) if (b && b.reportId === id) payload[b.bitOffset >> 3]! |= 1 << (b.bitOffset & 7);
    return m.usesReportIds ? Uint8Array.from([id, ...payload]) : payload;
  };
  const hook = m.inputs.hookSwitch,
    mute = m.inputs.phoneMute;
  return [
    make([hook]),
    make([hook, mute]),
    make([hook]),
    make([]),
    Uint8Array.from([0x7e, 0, 0]),
    Uint8Array.from([m.inputs.hookSwitch?.reportId ?? 0]),
  ];
}

console.log(`HID decode + dispatch per report (µs), ${rounds} cycles per device`);
const all: number[] = [];
for (const d of devices) {
  const m = buildTelephonyModel(parseReportDescriptor(hexToBytes(d.descriptorHex)));
  if (!m.channel || !m.inputs.hookSwitch) continue;
  let phase: 'ringing' | 'active' = 'ringing';
  const c = new HeadsetController(m, async () => undefined, {
    answer: () => {
      phase = 'active';
    },
    hangUp: () => {
      phase = 'ringing';
    },
    reject: () => undefined,
    hold: () => undefined,
    setMute: () => undefined,
    muteRefused: () => undefined,
    changeVolume: () => undefined,
  });
  const reports = reportsFor(m);
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    void c.onCallState({ phase, muted: false });
    for (const rep of reports) {
      const t = process.hrtime.bigint();
      c.onReport(rep);
      samples.push(Number(process.hrtime.bigint() - t) / 1000);
    }
  }
  all.push(...samples);
  console.log(formatRow(d.product.slice(0, 34), summarise(samples), 'µs', 3));
}
console.log(formatRow('all devices', summarise(all), 'µs', 3));
