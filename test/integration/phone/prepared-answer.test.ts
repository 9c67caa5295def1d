import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { labAccount } from '../../support/lab-env';
import { endAllCalls, startAgentCore, type AgentCore } from '../../support/agent-core';
import { SipParty, until } from '../../support/sip-party';

// Media prepared while a call rings (`calls.prepareWhileRinging`), through the real Kamailio of the lab, with the
// fake media renderer on the real bridge: what is asked of the renderer, and that all of it is released whenever
// the call ends without being answered here. The same in Chromium with real WebRTC: test/e2e/prepared-answer.test.ts.
const lab = inject('lab');
const agentAccount = labAccount(lab, 1);
const farAccount = labAccount(lab, 2);

let agent: AgentCore;
let far: SipParty;

beforeAll(async () => {
  agent = await startAgentCore({
    account: { server: lab.ws, user: agentAccount.user, password: agentAccount.password },
  });
  far = await new SipParty({
    server: lab.ws,
    aor: farAccount.uri,
    user: farAccount.user,
    password: farAccount.password,
  }).start();
});
afterAll(async () => {
  await far?.stop();
  await agent?.dispose();
});
afterEach(async () => {
  await endAllCalls(agent);
  await agent.core.settings.set({ 'calls.prepareWhileRinging': true });
  far.onInvite = 'answer';
});

const ringingOn = async (a: AgentCore) => {
  await until(() => a.core.calls.snapshot().calls.some((c) => c.state === 'ringing'), 5000, 'ringing');
  return a.core.calls.snapshot().calls.find((c) => c.state === 'ringing')!;
};
const stateOf = (a: AgentCore, id: string) => a.core.calls.snapshot().calls.find((c) => c.id === id)?.state;
const ops = (a: AgentCore, id: string) => a.media.requestsFor(id).map((r) => r.op);

describe('media prepared while the call rings', () => {
  it('is prepared with the offer the call rang with; answering applies no offer again, and the call works', async () => {
    const inviter = far.call(agentAccount.uri);
    const call = await ringingOn(agent);
    await until(() => agent.media.open.has(call.id), 5000, 'prepared');
    const prepare = agent.media.requestsFor(call.id, 'prepare');
    expect(prepare).toHaveLength(1);
    expect(prepare[0]!.sdp).toMatch(/^v=0/);
    expect(prepare[0]!.sdp).toContain('m=audio');
    expect(agent.core.calls.snapshot().calls.find((c) => c.id === call.id)?.state).toBe('ringing');

    await agent.core.handlers['call.answer']({ callId: call.id });
    await until(() => stateOf(agent, call.id) === 'active', 5000, 'active');
    await until(() => inviter.state === 'Established', 5000, 'caller established');
    // Only the answer was asked for at answer time.
    expect(ops(agent, call.id)).toEqual(['prepare', 'getDescription']);

    await inviter.bye();
    await until(() => stateOf(agent, call.id) === 'ended', 5000, 'ended');
    await until(() => !agent.media.open.has(call.id), 5000, 'media closed');
    expect(ops(agent, call.id).filter((o) => o === 'close')).toHaveLength(1);
  });

  it('is released when the agent rejects the call', async () => {
    far.call(agentAccount.uri);
    const call = await ringingOn(agent);
    await until(() => agent.media.open.has(call.id), 5000, 'prepared');
    await agent.core.handlers['call.reject']({ callId: call.id });
    await until(() => stateOf(agent, call.id) === 'ended', 5000, 'ended');
    await until(() => !agent.media.open.has(call.id), 5000, 'released');
    expect(ops(agent, call.id)).toEqual(['prepare', 'close']);
    expect(agent.core.calls.snapshot().calls.find((c) => c.id === call.id)?.endReason).toBe('rejected');
  });

  it('is released when the caller cancels', async () => {
    const inviter = far.call(agentAccount.uri);
    const call = await ringingOn(agent);
    await until(() => agent.media.open.has(call.id), 5000, 'prepared');
    await inviter.cancel();
    await until(() => stateOf(agent, call.id) === 'ended', 5000, 'ended');
    await until(() => !agent.media.open.has(call.id), 5000, 'released');
    expect(ops(agent, call.id)).toEqual(['prepare', 'close']);
  });

  it('is released on the phone that did not answer when the call was answered elsewhere', async () => {
    // The same account on a second phone: Kamailio rings both and cancels the one that did not answer.
    const other = await startAgentCore({
      account: { server: lab.ws, user: agentAccount.user, password: agentAccount.password },
    });
    try {
      const inviter = far.call(agentAccount.uri);
      const here = await ringingOn(agent);
      const there = await ringingOn(other);
      await until(() => agent.media.open.has(here.id) && other.media.open.has(there.id), 5000, 'both prepared');
      await other.core.handlers['call.answer']({ callId: there.id });
      await until(() => inviter.state === 'Established', 5000, 'caller established');
      await until(() => stateOf(agent, here.id) === 'ended', 5000, 'ended here');
      await until(() => !agent.media.open.has(here.id), 5000, 'released here');
      expect(ops(agent, here.id)).toEqual(['prepare', 'close']);
      expect(agent.core.calls.snapshot().calls.find((c) => c.id === here.id)?.endReason).not.toBe('rejected');
      // The phone that answered keeps its media.
      expect(stateOf(other, there.id)).toBe('active');
      expect(other.media.open.has(there.id)).toBe(true);
      await inviter.bye();
    } finally {
      await other.dispose();
    }
  });

  it('a prepare that failed (no microphone while ringing) leaves the answer to the normal path', async () => {
    agent.media.failNextPrepare = 'NotReadableError: device in use';
    const inviter = far.call(agentAccount.uri);
    const call = await ringingOn(agent);
    await until(() => agent.media.requestsFor(call.id, 'prepare').length === 1, 5000, 'prepare asked');
    await agent.core.handlers['call.answer']({ callId: call.id });
    await until(() => inviter.state === 'Established', 5000, 'caller established');
    expect(ops(agent, call.id)).toEqual(['prepare', 'setDescription', 'getDescription']);
    await inviter.bye();
  });

  it('is not prepared when calls.prepareWhileRinging is off: the microphone opens at the answer', async () => {
    await agent.core.settings.set({ 'calls.prepareWhileRinging': false });
    const inviter = far.call(agentAccount.uri);
    const call = await ringingOn(agent);
    // Give a prepare every chance to be asked for.
    await new Promise((r) => setTimeout(r, 200));
    expect(agent.media.open.has(call.id)).toBe(false);
    await agent.core.handlers['call.answer']({ callId: call.id });
    await until(() => inviter.state === 'Established', 5000, 'caller established');
    expect(ops(agent, call.id)).toEqual(['setDescription', 'getDescription']);
    await inviter.bye();
  });
});
