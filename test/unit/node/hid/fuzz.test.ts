import { describe, expect, it } from 'vitest';
import {
  DescriptorError,
  hexToBytes,
  parseReportDescriptor,
  type ParsedDescriptor,
} from '@common/hid/report-descriptor';
import { buildTelephonyModel, outputNames, type TelephonyModel } from '@common/hid/telephony-model';
import { HeadsetController, type HeadsetCallState } from '../../../../electron/node/hid/headset-controller';
import { sharedHeadsets } from '../../../support/shared-headsets';
import { seededRandom } from '../../../support/seeded-random';

// Random and mutated descriptors and reports. The parser may refuse input only with its typed DescriptorError;
// nothing else may escape the HID modules, and a controller fed garbage never throws and never writes a report
// that is not one of its model's output reports.
const shared = sharedHeadsets.map((d) => hexToBytes(d.descriptorHex));

/** Small seeded PRNG (mulberry32), so a failure names a seed that reproduces it. */
function rng(seed: number) {
  const next = seededRandom(seed);
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    bytes: (n: number) => Uint8Array.from({ length: n }, () => Math.floor(next() * 256)),
  };
}

function mutate(r: ReturnType<typeof rng>, base: Uint8Array): Uint8Array {
  const b = [...base];
  const edits = 1 + r.int(6);
  for (let i = 0; i < edits; i++) {
    const at = r.int(b.length + 1);
    switch (r.int(4)) {
      case 0:
        if (b.length) {
          const j = Math.min(at, b.length - 1);
          b[j] = b[j]! ^ (1 << r.int(8));
        }
        break; // bit flip
      case 1:
        b.splice(at, 1 + r.int(8));
        break; // deletion / truncation
      case 2:
        b.splice(at, 0, ...r.bytes(1 + r.int(8)));
        break; // insertion
      default:
        b.length = Math.min(b.length, at); // cut
    }
  }
  return Uint8Array.from(b);
}

function parseOrRefuse(bytes: Uint8Array): ParsedDescriptor | undefined {
  try {
    return parseReportDescriptor(bytes);
  } catch (e) {
    if (e instanceof DescriptorError) return undefined;
    throw new Error(`non-typed error for ${Buffer.from(bytes).toString('hex')}: ${String(e)}`, { cause: e });
  }
}

async function feed(r: ReturnType<typeof rng>, model: TelephonyModel): Promise<{ writes: Uint8Array[] }> {
  const writes: Uint8Array[] = [];
  const port = { answer() {}, hangUp() {}, reject() {}, hold() {}, setMute() {}, muteRefused() {}, changeVolume() {} };
  const c = new HeadsetController(
    model,
    async (w) => {
      writes.push(w);
      if (r.int(20) === 0) throw new Error('device vanished');
    },
    port,
  );
  const phases: HeadsetCallState['phase'][] = ['idle', 'ringing', 'active', 'held'];
  for (let i = 0; i < 60; i++) {
    if (r.int(5) === 0) await c.onCallState({ phase: phases[r.int(4)]!, muted: r.int(2) === 1 });
    c.onReport(r.bytes(r.int(70)));
  }
  return { writes };
}

describe('HID fuzz', () => {
  it('random bytes and mutated real descriptors: parsed or refused with DescriptorError, models never throw, controllers survive garbage', async () => {
    const r = rng(20261125);
    let parsed = 0;
    let refused = 0;
    let withChannel = 0;
    for (let i = 0; i < 3000; i++) {
      const bytes = i % 3 === 0 ? r.bytes(r.int(400)) : mutate(r, shared[r.int(shared.length)]!);
      const d = parseOrRefuse(bytes);
      if (!d) {
        refused++;
        continue;
      }
      parsed++;
      const model = buildTelephonyModel(d);
      if (!model.channel) continue;
      withChannel++;
      const outputIds = new Set(outputNames.map((n) => model.outputs[n]?.reportId).filter((x) => x !== undefined));
      const { writes } = await feed(r, model);
      for (const w of writes)
        expect(outputIds.has(model.usesReportIds ? w[0]! : 0), `seed 20261125 case ${i}`).toBe(true);
    }
    // The corpus must exercise both paths, or the test proves nothing.
    expect(refused).toBeGreaterThan(100);
    expect(parsed).toBeGreaterThan(100);
    expect(withChannel).toBeGreaterThan(50);
  });
});
