import { describe, expect, it } from 'vitest';
import type { AgentView } from '@common/contract/agent';
import type { CallView } from '@common/contract/calls';
import { ContractError, refusalOf } from '@common/contract/errors';
import { AgentService, type AgentSettings } from '../../../../electron/node/agent/agent-service';
import { silentLogger } from '../../../../electron/node/log';
import { FakeAgentNotes } from '../../../support/fake-agent-notes';
import { FakeClock } from '../../../support/fake-clock';
import { callView } from '../../../support/views';

function setup(s: Partial<AgentSettings> = {}, required: string[] = []) {
  const clock = new FakeClock();
  const notes = new FakeAgentNotes(required);
  const settings: AgentSettings = {
    'acw.mode': 'optional',
    'acw.durationSec': 60,
    'acw.defaultDisposition': 'resolved',
    'acw.notReadyRejectCode': 480,
    ...s,
  };
  const agent = new AgentService({ log: silentLogger, settings: () => settings, notes, clock });
  const seen: AgentView[] = [];
  agent.onChange((v) => seen.push(v));
  agent.onRegistration('registered');
  /** The call manager's events for one answered call that then ends. */
  const talk = (id: string, extra: Partial<CallView> = {}, ms = 1000) => {
    agent.onCallEvent({ type: 'answered', call: callView(id, { answeredAt: clock.now(), ...extra }), at: clock.now() });
    advance(ms);
    agent.onCallEvent({
      type: 'ended',
      call: callView(id, { state: 'ended', answeredAt: 0, endedAt: clock.now(), ...extra }),
      at: clock.now(),
    });
  };
  const advance = (ms: number) => clock.skip(ms);
  return { clock, notes, settings, agent, seen, talk, advance };
}

const refusal = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ContractError);
  expect((err as ContractError).code).toBe('refused');
  return refusalOf(err);
};

describe('agent states', () => {
  it('offers calls only while Available, rejecting with the configured code otherwise, and records each transition with its time', async () => {
    const { agent, advance, settings } = setup();
    expect(agent.gate()).toEqual({ offer: true });
    advance(5000);
    await agent.set({ state: 'not-ready', reason: 'meeting' });
    expect(agent.view()).toMatchObject({ state: 'not-ready', reason: 'meeting', since: 5000 });
    expect(agent.gate()).toEqual({ offer: false, sipCode: 480 });
    settings['acw.notReadyRejectCode'] = 603;
    expect(agent.gate()).toEqual({ offer: false, sipCode: 603 });
    advance(1000);
    await agent.set({ state: 'break' });
    expect(agent.view().reason).toBeUndefined();
    expect(agent.gate().offer).toBe(false);
    advance(1000);
    await agent.set({ state: 'available' });
    expect(agent.gate()).toEqual({ offer: true });
    expect(agent.transitions().map((t) => [t.from, t.to, t.reason, t.at, t.cause])).toEqual([
      ['available', 'not-ready', 'meeting', 5000, 'agent'],
      ['not-ready', 'break', undefined, 6000, 'agent'],
      ['break', 'available', undefined, 7000, 'agent'],
    ]);
  });

  it('goes Not ready (degraded) while registration is lost and back to Available when it returns', async () => {
    const { agent, seen } = setup();
    agent.onRegistration('reconnecting');
    expect(agent.view()).toMatchObject({ state: 'not-ready', reason: 'degraded', degraded: true });
    expect(agent.gate().offer).toBe(false);
    agent.onRegistration('failed');
    expect(agent.transitions()).toHaveLength(1);
    agent.onRegistration('registered');
    expect(agent.view()).toMatchObject({ state: 'available', degraded: false });
    expect(agent.transitions().map((t) => t.cause)).toEqual(['registration-lost', 'registration-back']);
    expect(seen.at(-1)?.state).toBe('available');
  });

  it('keeps a state the agent chose across registration loss, and Available chosen while degraded waits for registration', async () => {
    const { agent } = setup();
    await agent.set({ state: 'break' });
    agent.onRegistration('reconnecting');
    expect(agent.view()).toMatchObject({ state: 'break', degraded: true });
    agent.onRegistration('registered');
    expect(agent.view()).toMatchObject({ state: 'break', degraded: false });

    agent.onRegistration('reconnecting');
    await agent.set({ state: 'available' });
    expect(agent.view()).toMatchObject({ state: 'not-ready', reason: 'degraded' });
    agent.onRegistration('registered');
    expect(agent.view().state).toBe('available');

    agent.onRegistration('reconnecting');
    await agent.set({ state: 'not-ready', reason: 'technical' });
    agent.onRegistration('registered');
    expect(agent.view()).toMatchObject({ state: 'not-ready', reason: 'technical' });
  });
});

describe('on a call', () => {
  it('says the agent is talking from the first answered call until the last one ends, then after-call work', () => {
    const { agent, clock, seen, advance } = setup({ 'acw.durationSec': 30 });
    advance(2000);
    const first = seen.length;
    agent.onCallEvent({ type: 'answered', call: callView('c1', { answeredAt: 2000 }), at: 2000 });
    // The chosen state stays (the offer gate still reads it); the view says what the agent is doing.
    expect(agent.view()).toMatchObject({ state: 'available', onCall: { since: 2000 } });
    expect(seen.slice(first).map((v) => v.onCall)).toEqual([{ since: 2000 }]);
    advance(1000);
    agent.onCallEvent({ type: 'answered', call: callView('c2', { answeredAt: 3000, consultFor: 'c1' }), at: 3000 });
    expect(agent.view().onCall).toEqual({ since: 2000 });
    agent.onCallEvent({
      type: 'ended',
      call: callView('c2', { state: 'ended', answeredAt: 3000, consultFor: 'c1' }),
      at: 3000,
    });
    expect(agent.view().onCall).toEqual({ since: 2000 });
    advance(1000);
    agent.onCallEvent({ type: 'ended', call: callView('c1', { state: 'ended', answeredAt: 2000 }), at: clock.now() });
    expect(agent.view().onCall).toBeUndefined();
    expect(agent.view().state).toBe('acw');
    // One change for the hang-up, already in after-call work and no longer on a call.
    expect(seen.at(-1)).toMatchObject({ state: 'acw' });
    expect(seen.at(-1)?.onCall).toBeUndefined();
  });

  it('without after-call work, the hang-up still tells the renderer the call is over', () => {
    const { agent, seen, talk } = setup({ 'acw.durationSec': 0 });
    talk('c1');
    expect(agent.view()).toMatchObject({ state: 'available' });
    expect(agent.view().onCall).toBeUndefined();
    expect(seen.at(-1)?.onCall).toBeUndefined();
    expect(seen.some((v) => v.onCall?.since === 0)).toBe(true);
  });
});

describe('after-call work', () => {
  it('is not entered for a call that was never answered, nor while a time box of zero is configured', () => {
    const { agent, clock, talk } = setup({ 'acw.durationSec': 0 });
    agent.onCallEvent({ type: 'ended', call: callView('x', { state: 'ended' }), at: clock.now() });
    expect(agent.view().state).toBe('available');
    talk('c1');
    expect(agent.view().state).toBe('available');
    expect(clock.pending()).toEqual([]);
  });

  it('optional: entered on hang-up with a time box, the agent may end it at once; Ready finishes the note with its disposition', async () => {
    const { agent, notes, talk, clock } = setup({ 'acw.mode': 'optional', 'acw.durationSec': 45 });
    talk('c1');
    expect(agent.view()).toMatchObject({
      state: 'acw',
      since: 1000,
      acw: { callId: 'c1', mode: 'optional', startedAt: 1000, endsAt: 46_000, canEnd: true, needsFinishedNote: false },
    });
    expect(agent.gate()).toEqual({ offer: false, sipCode: 480 });
    expect(clock.pending()).toEqual([45_000]);
    notes.write('c1', { disposition: 'follow-up' });
    await agent.set({ state: 'available' });
    expect(agent.view().state).toBe('available');
    expect(agent.view().acw).toBeUndefined();
    expect(agent.gate().offer).toBe(true);
    expect(notes.finished).toEqual([{ callId: 'c1', disposition: 'follow-up' }]);
    expect(notes.reports).toEqual([
      { kind: 'started', callId: 'c1', at: 1000 },
      { kind: 'ended', callId: 'c1', at: 1000 },
    ]);
    expect(clock.pending()).toEqual([]);
  });

  it('mandatory-manual: no time box; Ready is refused until the note is finished, then ends it', async () => {
    const { agent, notes, talk, clock, advance } = setup({ 'acw.mode': 'mandatory-manual' });
    notes.write('c1', { disposition: null });
    talk('c1');
    expect(agent.view().acw).toMatchObject({ mode: 'mandatory-manual', canEnd: true, needsFinishedNote: true });
    expect(agent.view().acw?.endsAt).toBeUndefined();
    expect(clock.pending()).toEqual([]);
    expect(await refusal(agent.set({ state: 'available' }))).toBe('note-unfinished');
    expect(agent.view().state).toBe('acw');
    await notes.finish('c1', 'escalated');
    advance(120_000);
    await agent.set({ state: 'available' });
    expect(agent.view()).toMatchObject({ state: 'available', since: 121_000 });
    expect(notes.reports.at(-1)).toEqual({ kind: 'ended', callId: 'c1', at: 121_000 });
  });

  it('mandatory-timed: the agent may end early with a finished note; on expiry the default disposition is applied to a note without one', async () => {
    const { agent, notes, talk, clock } = setup({
      'acw.mode': 'mandatory-timed',
      'acw.durationSec': 30,
      'acw.defaultDisposition': 'no-action',
    });
    notes.write('c1', { fields: { identify: 'Ana' } });
    talk('c1');
    expect(agent.view().acw).toMatchObject({ mode: 'mandatory-timed', endsAt: 31_000, canEnd: true });
    expect(await refusal(agent.set({ state: 'available' }))).toBe('note-unfinished');
    expect(await clock.fireNext()).toBe(30_000);
    expect(notes.finished).toEqual([{ callId: 'c1', disposition: 'no-action' }]);
    expect(notes.notes.get('c1')).toMatchObject({ disposition: 'no-action', final: true });
    expect(agent.view()).toMatchObject({ state: 'available', since: 31_000 });
    expect(agent.transitions().at(-1)).toMatchObject({
      from: 'acw',
      to: 'available',
      cause: 'time-box',
      callId: 'c1',
      at: 31_000,
    });

    // Early exit with a finished note; the chosen disposition is never replaced.
    notes.write('c2', { disposition: 'follow-up' });
    talk('c2');
    await notes.finish('c2', 'follow-up');
    await agent.set({ state: 'available' });
    expect(agent.view().state).toBe('available');
    expect(notes.notes.get('c2')?.disposition).toBe('follow-up');
    expect(clock.pending()).toEqual([]);
  });

  it('on expiry keeps a disposition the agent already chose', async () => {
    const { agent, notes, talk, clock } = setup({ 'acw.mode': 'mandatory-timed', 'acw.durationSec': 10 });
    notes.write('c1', { disposition: 'escalated' });
    talk('c1');
    await clock.fireNext();
    expect(notes.finished).toEqual([{ callId: 'c1', disposition: 'escalated' }]);
    expect(agent.view().state).toBe('available');
  });

  it('timed-no-early-exit: Ready is refused before the time box ends, then the default disposition is applied and the agent is Available', async () => {
    const { agent, notes, talk, clock, advance } = setup({ 'acw.mode': 'timed-no-early-exit', 'acw.durationSec': 20 });
    talk('c1');
    expect(agent.view().acw).toMatchObject({
      mode: 'timed-no-early-exit',
      endsAt: 21_000,
      canEnd: false,
      blockedBy: 'time-box',
    });
    advance(19_000);
    expect(await refusal(agent.set({ state: 'available' }))).toBe('acw-time-box');
    expect(await refusal(agent.set({ state: 'break' }))).toBe('acw-time-box');
    expect(agent.view().state).toBe('acw');
    expect(agent.gate().offer).toBe(false);
    await clock.fireNext();
    expect(agent.view()).toMatchObject({ state: 'available', since: 21_000 });
    expect(agent.view().acw).toBeUndefined();
    // No note was written: the notes service is still asked to finish the call with the default disposition.
    expect(notes.finished).toEqual([{ callId: 'c1', disposition: 'resolved' }]);
  });

  it('returns to Available when the time box ends even if required fields keep the note a draft', async () => {
    const { agent, notes, talk, clock } = setup({ 'acw.mode': 'mandatory-timed', 'acw.durationSec': 5 }, ['assist']);
    notes.write('c1', { fields: { identify: 'x' } });
    talk('c1');
    await clock.fireNext();
    expect(agent.view().state).toBe('available');
    expect(notes.notes.get('c1')?.final).toBe(false);
  });

  it('waits for a consult leg to end before starting, and goes back to the Break the agent called out from', async () => {
    const { agent, clock } = setup({ 'acw.mode': 'mandatory-timed', 'acw.durationSec': 10 });
    await agent.set({ state: 'break' });
    agent.onCallEvent({ type: 'answered', call: callView('cust', { direction: 'outbound', answeredAt: 0 }), at: 0 });
    agent.onCallEvent({
      type: 'answered',
      call: callView('sup', { direction: 'outbound', answeredAt: 0, consultFor: 'cust' }),
      at: 0,
    });
    agent.onCallEvent({ type: 'ended', call: callView('cust', { state: 'ended', answeredAt: 0 }), at: 0 });
    expect(agent.view().state).toBe('break');
    agent.onCallEvent({
      type: 'ended',
      call: callView('sup', { state: 'ended', answeredAt: 0, consultFor: 'cust' }),
      at: 0,
    });
    expect(agent.view()).toMatchObject({ state: 'acw', acw: { callId: 'cust' } });
    await clock.fireNext();
    expect(agent.view().state).toBe('break');
  });

  it('a call made during after-call work gets its own after-call work, replacing the first', () => {
    const { agent, notes, talk, clock } = setup({ 'acw.mode': 'mandatory-manual' });
    talk('c1');
    talk('c2');
    expect(agent.view().acw?.callId).toBe('c2');
    expect(notes.reports.map((r) => `${r.kind}:${r.callId}`)).toEqual(['started:c1', 'ended:c1', 'started:c2']);
    expect(clock.pending()).toEqual([]);
  });

  it('ends in Not ready (degraded) when the registration was lost during after-call work', async () => {
    const { agent, talk } = setup({ 'acw.mode': 'optional' });
    talk('c1');
    agent.onRegistration('reconnecting');
    expect(agent.view()).toMatchObject({ state: 'acw', degraded: true });
    await agent.set({ state: 'available' });
    expect(agent.view()).toMatchObject({ state: 'not-ready', reason: 'degraded' });
    agent.onRegistration('registered');
    expect(agent.view().state).toBe('available');
  });

  it('after dispose (core shutdown hangs up the calls), an answered call ending starts no after-call work and leaves no timer', () => {
    const { agent, clock, notes } = setup();
    agent.onCallEvent({ type: 'answered', call: callView('c1', { answeredAt: 0 }), at: 0 });
    agent.dispose();
    agent.onCallEvent({ type: 'ended', call: callView('c1', { state: 'ended', answeredAt: 0, endedAt: 10 }), at: 10 });
    expect(clock.pending()).toEqual([]);
    expect(notes.reports).toEqual([]);
    expect(agent.view().state).toBe('available');
  });
});
