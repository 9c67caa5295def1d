import { describe, expect, it } from 'vitest';
import { CallRecorder } from '../../../../electron/node/notes/call-recorder';
import { callEvents } from '../../../support/call-events';
import { FakeClock } from '../../../support/fake-clock';

function setup(usable = false) {
  const clock = new FakeClock();
  const writes: Array<[string, Record<string, unknown>]> = [];
  let delivered = 0;
  const r = new CallRecorder({
    writes: {
      enqueue: (method, args) => {
        writes.push([method, args as Record<string, unknown>]);
      },
    },
    clock,
    qualityEveryMs: 10_000,
    syncUsable: () => usable,
    deliverAfterQueue: () => {
      delivered++;
    },
  });
  return { r, clock, writes, delivered: () => delivered };
}

describe('call recorder', () => {
  it('turns call-manager events into store writes: call row, states with the end reason, mute with its source', () => {
    const { r, writes } = setup();
    const c = callEvents('c1', { at: 1_000, name: 'Ana', number: '5550101' });
    r.onCallEvent(c.ring());
    r.onCallEvent(c.answer(2_000));
    r.onCallEvent(c.mute(3_000, true));
    r.onCallEvent({ type: 'mute', muted: false, source: 'ui', at: 3_500 }); // not on a call: not recorded
    r.onCallEvent(c.hold(4_000));
    r.onCallEvent(c.resume(5_000));
    r.onCallEvent(c.end(6_000, 'transferred'));
    expect(writes).toEqual([
      ['callStarted', { callId: 'c1', direction: 'inbound', remoteName: 'Ana', remoteNumber: '5550101', at: 1_000 }],
      ['callState', { callId: 'c1', at: 2_000, state: 'answered' }],
      ['addTimeline', { callId: 'c1', at: 3_000, kind: 'mute', data: { muted: true, source: 'headset' } }],
      ['callState', { callId: 'c1', at: 4_000, state: 'held' }],
      ['callState', { callId: 'c1', at: 5_000, state: 'resumed' }],
      ['callState', { callId: 'c1', at: 6_000, state: 'ended', endReason: 'transferred' }],
    ]);
  });

  it('the call row keeps the screen pop it rang with: header, label and value, not the link', () => {
    const { r, writes } = setup();
    const label = { en: 'Account', 'es-MX': 'Cuenta' };
    const link = 'https://crm.example/cases?account=4815';
    const c = callEvents('p1', {
      screenPop: [
        { header: 'X-Account-Id', label, value: '4815', link },
        { header: 'X-IVR-Path', value: '1>2' },
      ],
    });
    r.onCallEvent(c.ring());
    expect(writes[0]![1].screenPop).toEqual([
      { header: 'X-Account-Id', label, value: '4815' },
      { header: 'X-IVR-Path', value: '1>2' },
    ]);
    const plain = setup();
    plain.r.onCallEvent(callEvents('p2').ring());
    expect(plain.writes[0]![1]).not.toHaveProperty('screenPop');
  });

  it('quality: every sample counts, one per qualityEveryMs per call on the timeline; a new call starts afresh', () => {
    const { r, writes } = setup();
    const c = callEvents('q1');
    for (const at of [1_000, 5_000, 11_000, 20_999, 21_000]) r.onCallEvent(c.quality(at, 4));
    expect(writes.map(([, a]) => a.keep)).toEqual([true, false, true, false, true]);
    const sample = { callId: 'q1', at: 1_000, mos: 4, jitterMs: 2, lossPct: 0, rttMs: 30, keep: true };
    expect(writes[0]).toEqual(['quality', sample]);
    r.onCallEvent(c.end(22_000));
    r.onCallEvent(c.quality(23_000, 4));
    expect(writes.at(-1)?.[1].keep).toBe(true);
  });

  it('after-call work times; the end re-sends a finished note when sync is usable and asks for a delivery run', () => {
    const a = setup(true);
    a.r.acwStarted('c1', 10);
    a.r.acwEnded('c1', 20);
    expect(a.writes).toEqual([
      ['acw', { callId: 'c1', at: 10, phase: 'start', enqueueUpdate: false }],
      ['acw', { callId: 'c1', at: 20, phase: 'end', enqueueUpdate: true }],
    ]);
    expect(a.delivered()).toBe(1);
    const b = setup(false);
    b.r.acwEnded('c1', 20);
    expect(b.writes[0]?.[1].enqueueUpdate).toBe(false);
  });

  it('other timeline entries, stamped now unless a time is given', () => {
    const { r, writes, clock } = setup();
    clock.skip(7_000);
    r.timeline('c1', 'device', { event: 'lost' });
    r.timeline('c1', 'agent', { state: 'acw' }, 5);
    expect(writes).toEqual([
      ['addTimeline', { callId: 'c1', at: 7_000, kind: 'device', data: { event: 'lost' } }],
      ['addTimeline', { callId: 'c1', at: 5, kind: 'agent', data: { state: 'acw' } }],
    ]);
  });
});
