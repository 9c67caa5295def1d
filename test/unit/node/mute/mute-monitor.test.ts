import { describe, expect, it } from 'vitest';
import { MuteMonitor } from '../../../../electron/node/mute/mute-monitor';
import type { CallEvent } from '../../../../electron/node/phone/call-manager';
import { FakeClock } from '../../../support/fake-clock';
import { callView } from '../../../support/views';

type WithoutAt<T> = T extends unknown ? Omit<T, 'at'> : never;

function setup(longMuteSec = 20, reminderEverySec = 15) {
  const clock = new FakeClock();
  let reapplied = 0;
  const m = new MuteMonitor({
    clock,
    settings: () => ({ longMuteSec, reminderEverySec }),
    reapply: () => {
      reapplied++;
    },
  });
  const ev = (e: WithoutAt<CallEvent>) => m.onCallEvent({ ...e, at: clock.now() } as CallEvent);
  return { clock, m, ev, reapplied: () => reapplied };
}
const quiet = { trackEnabled: true, outboundLevel: 0.05, micLevel: 0.05, speech: false };
/** Lets fake time pass (level checks wait for getStats to catch up with a change). */
async function advance(clock: FakeClock, ms: number) {
  clock.setTimeout(() => undefined, ms);
  await clock.fireNext();
}

describe('mute monitor', () => {
  it('records the source and time of every change', () => {
    const { m, ev, clock } = setup();
    ev({ type: 'answered', call: callView() });
    ev({ type: 'mute', muted: true, source: 'headset' });
    expect(m.snapshot()).toMatchObject({
      muted: true,
      source: 'headset',
      since: clock.now(),
      inCall: true,
      verification: 'unknown',
    });
  });

  it("detects a track re-enabled behind the core's back and has the state re-applied", async () => {
    const { m, ev, reapplied, clock } = setup();
    ev({ type: 'answered', call: callView() });
    ev({ type: 'mute', muted: true, source: 'ui' });
    expect(m.report({ trackEnabled: false, outboundLevel: 0, micLevel: 0.2, speech: true })).toBeUndefined();
    expect(m.snapshot()).toMatchObject({ verification: 'ok', talkingWhileMuted: true });
    expect(m.report({ ...quiet, trackEnabled: true })).toBe('track-enabled-while-muted');
    expect(m.snapshot()).toMatchObject({ verification: 'mismatch', reapplied: 1 });
    expect(reapplied()).toBe(1);
    // Level checks wait for getStats to catch up with the change: a trailing level right after it is not a leak.
    expect(m.report({ trackEnabled: false, outboundLevel: 0.2, micLevel: 0.2, speech: true })).toBeUndefined();
    await advance(clock, 1000);
    expect(m.report({ trackEnabled: false, outboundLevel: 0.2, micLevel: 0.2, speech: true })).toBe(
      'audio-leaking-while-muted',
    );
    // Corrected: the next report agrees, and the agent still sees that a correction happened in this call.
    expect(m.report({ trackEnabled: false, outboundLevel: 0, micLevel: 0.2, speech: false })).toBeUndefined();
    expect(m.snapshot()).toMatchObject({
      verification: 'ok',
      reapplied: 2,
      lastMismatch: { kind: 'audio-leaking-while-muted', at: 1000 },
    });
  });

  it('does not judge a report measured before the renderer applied the latest change', () => {
    const { m, ev, reapplied } = setup();
    ev({ type: 'answered', call: callView() });
    ev({ type: 'mute', muted: true, source: 'headset' });
    expect(m.report({ ...quiet, appliedMuted: false })).toBeUndefined();
    expect(m.snapshot().verification).toBe('unknown');
    expect(m.report({ ...quiet, trackEnabled: true, appliedMuted: true })).toBe('track-enabled-while-muted');
    expect(reapplied()).toBe(1);
  });

  it('tells the agent when the detector cannot run, and keeps the mute state', () => {
    const { m, ev } = setup();
    ev({ type: 'answered', call: callView() });
    ev({ type: 'mute', muted: true, source: 'ui' });
    m.report({
      trackEnabled: false,
      outboundLevel: 0,
      micLevel: 0,
      speech: true,
      analysisFailed: true,
      analysisError: 'microphone-lost',
    });
    expect(m.snapshot()).toMatchObject({
      muted: true,
      analysisFailed: true,
      analysisError: 'microphone-lost',
      talkingWhileMuted: false,
      verification: 'ok',
    });
    m.report({ trackEnabled: false, outboundLevel: 0, micLevel: 0, speech: false });
    expect(m.snapshot().analysisFailed).toBe(false);
    expect(m.snapshot().analysisError).toBeUndefined();
  });

  it('detects an unmuted agent whose voice does not leave', async () => {
    const { m, ev, clock } = setup();
    ev({ type: 'answered', call: callView() });
    await advance(clock, 1000);
    expect(m.report({ trackEnabled: true, outboundLevel: 0, micLevel: 0.3, speech: true })).toBe(
      'silent-while-unmuted',
    );
    expect(m.report({ trackEnabled: false, outboundLevel: 0, micLevel: 0, speech: false })).toBe(
      'track-disabled-while-unmuted',
    );
    expect(m.report(quiet)).toBeUndefined();
    expect(m.snapshot().verification).toBe('ok');
  });

  it('does not judge while on hold or outside a call', () => {
    const { m, ev } = setup();
    expect(m.report({ ...quiet, trackEnabled: false })).toBeUndefined();
    ev({ type: 'answered', call: callView() });
    ev({ type: 'held', call: callView('c1', { state: 'held', held: true }) });
    expect(m.report({ ...quiet, trackEnabled: false })).toBeUndefined();
  });

  it('reminds after the configured time muted, escalating, and stops on unmute', async () => {
    const { m, ev, clock } = setup(20, 15);
    ev({ type: 'answered', call: callView() });
    ev({ type: 'mute', muted: true, source: 'ui' });
    expect(await clock.fireNext()).toBe(20_000);
    expect(m.snapshot().longMute).toEqual({ elapsedSec: 20, level: 1 });
    expect(await clock.fireNext()).toBe(15_000);
    expect(m.snapshot().longMute).toEqual({ elapsedSec: 35, level: 2 });
    ev({ type: 'mute', muted: false, source: 'ui' });
    expect(m.snapshot().longMute).toBeUndefined();
    expect(clock.pending()).toEqual([]);
  });

  it('holds the reminder while the call is on hold (hold tells the far end; mute does not)', () => {
    const { m, ev, clock } = setup();
    ev({ type: 'answered', call: callView() });
    ev({ type: 'mute', muted: true, source: 'ui' });
    ev({ type: 'held', call: callView('c1', { held: true, state: 'held' }) });
    expect(clock.pending()).toEqual([]);
    ev({ type: 'resumed', call: callView() });
    expect(clock.pending()).toHaveLength(1);
    ev({ type: 'ended', call: callView('c1', { state: 'ended' }) });
    expect(clock.pending()).toEqual([]);
    expect(m.snapshot().inCall).toBe(false);
  });
});
