import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { MediaRequest } from '@common/contract/calls';
import { endAllCalls, type AgentCore } from '../../support/agent-core';
import { labAccount } from '../../support/lab-env';
import { labAgent, labParty } from '../../support/lab-parties';
import { until, type SipParty } from '../../support/sip-party';

// "Every call starts in the configured mute state", and before any of its media is negotiated: also a second
// call answered while the first one is put on hold.
const lab = inject('lab');
const agentAccount = labAccount(lab, 4);
const supervisorAccount = labAccount(lab, 7);
let agent: AgentCore;
let first: SipParty;
let second: SipParty;
let supervisor: SipParty;

beforeAll(async () => {
  agent = await labAgent(lab, 4, { 'mute.onCallStart': 'muted', 'calls.supervisorExtension': supervisorAccount.user });
  supervisor = await labParty(lab, 7);
  first = await labParty(lab, 5);
  second = await labParty(lab, 6);
});
afterAll(async () => {
  await first?.stop();
  await second?.stop();
  await supervisor?.stop();
  await agent?.dispose();
});

const calls = () => agent.core.calls.snapshot().calls;

describe('call-start mute', () => {
  it('a second call answered while the first is held starts muted before its media is negotiated', async () => {
    const mutedAtMedia = new Map<string, boolean>();
    agent.media.onRequest = (r: MediaRequest) => {
      // Media prepared while the call rings keeps its sender silent whatever the mute state: what counts is the
      // state when the answer is negotiated.
      if (r.op === 'prepare') return;
      if (!mutedAtMedia.has(r.callId)) mutedAtMedia.set(r.callId, agent.core.muteState.muted);
    };
    first.call(agentAccount.uri);
    await until(() => calls().some((c) => c.state === 'ringing'), 5000, 'first rings');
    const a = calls().find((c) => c.state === 'ringing')!.id;
    await agent.core.handlers['call.answer']({ callId: a });
    await until(() => calls().find((c) => c.id === a)?.state === 'active', 5000, 'first answered');
    expect(mutedAtMedia.get(a)).toBe(true);
    await agent.core.handlers['call.mute']({ muted: false }); // the agent speaks to the first caller

    second.call(agentAccount.uri);
    await until(() => calls().some((c) => c.state === 'ringing'), 5000, 'second rings');
    const b = calls().find((c) => c.state === 'ringing')!.id;
    await agent.core.handlers['call.answer']({ callId: b });
    await until(() => calls().find((c) => c.id === b)?.state === 'active', 5000, 'second answered');
    expect(calls().find((c) => c.id === a)?.state).toBe('held');
    expect(mutedAtMedia.get(b)).toBe(true);
    expect(agent.core.mute.snapshot()).toMatchObject({ muted: true, source: 'call-start' });
    agent.media.onRequest = undefined;
  });

  it('a consult and an attended transfer never change mute silently: the consult keeps it, the end of the calls records its reset', async () => {
    await endAllCalls(agent, 'no live call');
    first.call(agentAccount.uri);
    await until(() => calls().some((c) => c.state === 'ringing'), 5000, 'rings');
    const a = calls().find((c) => c.state === 'ringing')!.id;
    await agent.core.handlers['call.answer']({ callId: a });
    await until(() => calls().find((c) => c.id === a)?.state === 'active', 5000, 'answered');
    await agent.core.handlers['call.mute']({ muted: false });
    await agent.core.handlers['call.mute']({ muted: true });
    const sources: string[] = [];
    const conn = agent.core.connect((name, payload) => {
      if (name === 'mute')
        sources.push(`${(payload as { muted: boolean }).muted}:${(payload as { source: string }).source}`);
    });
    const { callId: consult } = await agent.core.handlers['call.consultSupervisor']({ callId: a });
    await until(() => calls().find((c) => c.id === consult)?.state === 'active', 5000, 'supervisor answered');
    expect(agent.core.mute.snapshot()).toMatchObject({ muted: true, source: 'ui' });
    await agent.core.handlers['call.transferAttended']({ callId: a, consultCallId: consult });
    await until(
      () =>
        calls()
          .filter((c) => c.id === a || c.id === consult)
          .every((c) => c.state === 'ended'),
      8000,
      'both legs ended',
    );
    expect(agent.core.mute.snapshot()).toMatchObject({ muted: false, source: 'call-start' });
    // What the agent saw through the consult and the transfer: muted by their own choice, then (calls over) the
    // recorded reset; nothing in between.
    expect(sources.filter((x, i) => x !== sources[i - 1])).toEqual(['true:ui', 'false:call-start']);
    conn.close();
    for (const s of [...first.established(), ...supervisor.established()]) await s.bye().catch(() => undefined);
  });
});
