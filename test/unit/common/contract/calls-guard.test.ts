import { describe, expect, it } from 'vitest';
import { callsSnapshot, type CallView } from '@common/contract/calls';
import { callViewFullyChecked, isExactCallsSnapshot } from '@common/contract/calls-guard';
import { parseEvent } from '@common/contract/dispatch';
import { callView } from '../../../support/views';

/** What the schema alone makes of a payload: the event as the renderer would get it, or nothing. */
const bySchema = (payload: unknown) => {
  const r = callsSnapshot.safeParse(payload);
  return r.success ? { name: 'calls', payload: r.data } : undefined;
};

const full: CallView = callView('c-1', {
  state: 'held',
  remote: { name: 'Ana Ruiz', number: '+34 600 000 000' },
  screenPop: [
    {
      header: 'X-Account-Id',
      label: { en: 'Account', 'es-MX': 'Cuenta', 'es-ES': 'Cuenta' },
      value: '1234',
      link: 'https://crm.example/a/1234',
    },
    { header: 'X-Queue', value: 'ventas' },
  ],
  answeredAt: 1_700_000_001_000,
  endedAt: 1_700_000_009_000,
  endReason: 'remote-hangup',
  endDetail: '486 Busy Here',
  held: true,
  heldAt: 1_700_000_002_000,
  longHold: { elapsedSec: 61, level: 2 },
  earlyMedia: false,
  autoAnswerAt: 1_700_000_000_500,
  consultFor: 'c-0',
  quality: {
    jitterMs: 1,
    lossPct: 0,
    rttMs: 20,
    mos: 4.3,
    inboundBytes: 10,
    outboundBytes: 12,
    inboundLevel: 0.2,
    outboundLevel: 0.1,
  },
});
const valid = [{ calls: [] }, { calls: [callView('c1', { state: 'ringing' })] }, { calls: [full, callView('c2')] }];

/** Small deterministic generator, so a failure names a case that can be run again. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
const weird: unknown[] = [
  undefined,
  null,
  0,
  -1,
  1.5,
  NaN,
  Infinity,
  '',
  'x'.repeat(65),
  'x'.repeat(129),
  'x'.repeat(513),
  'ringing',
  'hacked',
  'http://crm.example/a',
  'https://crm.example/a b',
  'https://user@crm.example/',
  true,
  [],
  [1],
  {},
  { en: '' },
  { en: 'a\u202eb' },
  { fr: 'Compte' },
  Array.from({ length: 33 }, (_, i) => ({ header: `H${i}`, value: 'v' })),
  Object.create(null) as unknown,
];

/** Every place in a value, as a path of keys. */
function paths(v: unknown, at: Array<string | number> = []): Array<Array<string | number>> {
  if (typeof v !== 'object' || v === null) return [at];
  const own = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
  return [at, ...own.flatMap((k) => paths((v as Record<string | number, unknown>)[k], [...at, k]))];
}
function mutate(base: unknown, r: () => number): unknown {
  const copy = structuredClone(base) as Record<string | number, unknown>;
  const all = paths(copy).filter((p) => p.length > 0);
  if (all.length === 0) return { ...copy, calls: weird[Math.floor(r() * weird.length)] };
  const path = all[Math.floor(r() * all.length)]!;
  let parent = copy;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  const how = r();
  if (how < 0.15) delete parent[last];
  else if (how < 0.3) (parent as Record<string, unknown>)[`extra${Math.floor(r() * 3)}`] = 'x';
  else if (how < 0.35 && Array.isArray(parent))
    parent.length += 1; // a hole at the end
  else parent[last] = weird[Math.floor(r() * weird.length)];
  return copy;
}

describe('calls event fast path', () => {
  it('knows every field of a call, so every well-formed snapshot takes it', () => {
    expect(callViewFullyChecked).toBe(true);
    for (const v of valid) {
      expect(isExactCallsSnapshot(v)).toBe(true);
      expect(parseEvent('calls', v)).toEqual(bySchema(v));
    }
  });

  it('refuses a bad shape and strips an unknown key exactly as the schema does', () => {
    const bad = { calls: [{ ...callView('c1'), state: 'hacked' }] };
    expect(isExactCallsSnapshot(bad)).toBe(false);
    expect(parseEvent('calls', bad)).toBeUndefined();
    const extra = { calls: [{ ...callView('c1', { state: 'ringing' }), evil: '<script>' }] };
    expect(isExactCallsSnapshot(extra)).toBe(false);
    const got = parseEvent('calls', extra);
    expect(got?.payload).toEqual({ calls: [callView('c1', { state: 'ringing' })] });
    expect(JSON.stringify(got)).not.toContain('evil');
    const undefinedKey = { calls: [{ ...callView('c1'), answeredAt: undefined }] };
    expect(isExactCallsSnapshot(undefinedKey)).toBe(false);
    expect(parseEvent('calls', undefinedKey)).toEqual(bySchema(undefinedKey));
  });

  it('gives the same event as the schema alone for thousands of damaged snapshots', () => {
    const r = rng(13);
    let fast = 0;
    let refused = 0;
    for (let i = 0; i < 4000; i++) {
      let m: unknown = valid[i % valid.length];
      for (let n = 1 + Math.floor(r() * 3); n > 0; n--) m = mutate(m, r);
      const schema = bySchema(m);
      expect(parseEvent('calls', m), `case ${i}: ${JSON.stringify(m)}`).toEqual(schema);
      if (isExactCallsSnapshot(m)) {
        fast++;
        // Taken as is only when the schema would return it unchanged.
        expect(schema?.payload, `case ${i}`).toEqual(m);
      }
      if (!schema) refused++;
    }
    // Both paths were exercised: some damage is harmless (a removed optional field), most is refused.
    expect(fast).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(1000);
  });
});
