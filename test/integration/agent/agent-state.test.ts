import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AgentView } from '@common/contract/agent';
import type { CallNotice, CallsSnapshot } from '@common/contract/calls';
import { labAccount } from '../../support/lab-env';
import { endAllCalls, startAgentCore, type AgentCore } from '../../support/agent-core';
import { SipParty, until } from '../../support/sip-party';

// Agent states and after-call work against the lab's real Kamailio: while the agent is not Available, an incoming
// INVITE is answered with the configured SIP code, which the caller sees, and the agent's call list never shows it.
const lab = inject('lab');
const agentAccount = labAccount(lab, 4);
const farAccount = labAccount(lab, 5);

let agent: AgentCore;
let far: SipParty;
let ringingSeen = 0;
const agentEvents: AgentView[] = [];
const notices: CallNotice[] = [];

beforeAll(async () => {
  agent = await startAgentCore({
    account: { server: lab.ws, user: agentAccount.user, password: agentAccount.password },
    settings: { 'acw.notReadyRejectCode': 480, 'acw.mode': 'mandatory-manual' },
  });
  agent.core.connect((name, payload) => {
    if (name === 'calls') ringingSeen += (payload as CallsSnapshot).calls.filter((c) => c.state === 'ringing').length;
    if (name === 'agent') agentEvents.push(payload as AgentView);
    if (name === 'call.notice') notices.push(payload as CallNotice);
  });
  await until(() => agent.core.phone.snapshot().state === 'registered', 10_000, 'agent registered');
  await until(() => agent.core.agent.view().state === 'available', 5000, 'agent available');
  far = await new SipParty({
    server: lab.ws,
    aor: farAccount.uri,
    user: farAccount.user,
    password: farAccount.password,
    displayName: 'Caller',
  }).start();
});
afterAll(async () => {
  await far?.stop();
  await agent?.dispose();
});
afterEach(async () => {
  await endAllCalls(agent);
});

const h = () => agent.core.handlers;
const live = () => agent.core.calls.snapshot().calls.filter((c) => c.state !== 'ended');

/** Calls the agent and waits for the final answer at the caller; returns it and whether the agent ever saw it ring. */
async function callRefused(): Promise<{ code: number | undefined; rang: boolean }> {
  const before = far.rejections.length;
  const ringingBefore = ringingSeen;
  far.call(agentAccount.uri);
  await until(() => far.rejections.length > before || live().length > 0, 5000, 'final response or ringing');
  return {
    code: far.rejections.length > before ? far.rejections.at(-1) : undefined,
    rang: ringingSeen > ringingBefore || live().length > 0,
  };
}

/** Calls the agent, answers, lets the caller hang up; returns the call id. */
async function answeredCall(): Promise<string> {
  const inviter = far.call(agentAccount.uri);
  await until(() => live().some((c) => c.state === 'ringing'), 5000, 'ringing');
  const id = live()[0]!.id;
  await h()['call.answer']({ callId: id });
  await until(() => inviter.state === 'Established', 5000, 'caller established');
  await inviter.bye();
  await until(() => agent.core.calls.snapshot().calls.find((c) => c.id === id)?.state === 'ended', 5000, 'ended');
  return id;
}

describe('agent state against the lab', () => {
  it('Not ready: an incoming call is rejected with the configured code at the caller and never rings; Available again: the next call rings', async () => {
    const set = await h()['agent.set']({ state: 'not-ready', reason: 'training' });
    expect(set).toMatchObject({ state: 'not-ready', reason: 'training' });
    const noticesBefore = notices.length;
    const refused = await callRefused();
    expect(refused).toEqual({ code: 480, rang: false });
    expect(notices.slice(noticesBefore)).toContainEqual({ code: 'call-rejected-not-ready', detail: '480' });

    // Break refuses too, with the code from settings as it is now.
    await agent.core.settings.set({ 'acw.notReadyRejectCode': 603 });
    await h()['agent.set']({ state: 'break' });
    expect(await callRefused()).toEqual({ code: 603, rang: false });
    await agent.core.settings.set({ 'acw.notReadyRejectCode': 480 });

    await h()['agent.set']({ state: 'available' });
    far.call(agentAccount.uri);
    await until(() => live().some((c) => c.state === 'ringing'), 5000, 'ringing once Available');
    await h()['call.reject']({ callId: live()[0]!.id });
  });

  it('after-call work follows an answered call: calls are rejected until the agent presses Ready', async () => {
    const id = await answeredCall();
    await until(() => agent.core.agent.view().state === 'acw', 2000, 'after-call work');
    expect(agent.core.agent.view().acw).toMatchObject({ callId: id, mode: 'mandatory-manual', canEnd: true });
    expect(agentEvents.at(-1)).toMatchObject({ state: 'acw', acw: { callId: id } });

    expect(await callRefused()).toEqual({ code: 480, rang: false });
    expect(agent.core.agent.view().state).toBe('acw');

    // Mandatory: Ready needs the note finished (the real notes store answers).
    await h()['notes.save']({ callId: id, fields: { identify: 'Caller' }, text: 'called about an invoice' });
    await expect(h()['agent.set']({ state: 'available' })).rejects.toMatchObject({
      code: 'refused',
      params: { reason: 'note-unfinished' },
    });
    expect(await h()['notes.finish']({ callId: id, disposition: 'resolved' })).toEqual({ ok: true, missing: [] });
    await h()['agent.set']({ state: 'available' });
    expect(agent.core.agent.view().state).toBe('available');
    far.call(agentAccount.uri);
    await until(() => live().some((c) => c.state === 'ringing'), 5000, 'ringing after Ready');
    await h()['call.reject']({ callId: live()[0]!.id });
  });

  it('timed without early exit: Ready is refused, calls are rejected, and the agent is offered calls again when the time box ends', async () => {
    await agent.core.settings.set({
      'acw.mode': 'timed-no-early-exit',
      'acw.durationSec': 2,
      'acw.defaultDisposition': 'resolved',
    });
    const id = await answeredCall();
    await until(() => agent.core.agent.view().state === 'acw', 2000, 'after-call work');
    await expect(h()['agent.set']({ state: 'available' })).rejects.toMatchObject({
      code: 'refused',
      params: { reason: 'acw-time-box' },
    });
    expect(await callRefused()).toEqual({ code: 480, rang: false });
    await until(() => agent.core.agent.view().state === 'available', 5000, 'time box over');
    expect(agent.core.agent.view().acw).toBeUndefined();
    // The time box finished the note with the default disposition, and the store has the ACW time.
    const detail = await h()['notes.detail']({ callId: id });
    expect(detail.note).toMatchObject({ status: 'final', disposition: 'resolved' });
    expect(detail.call.acwMs).toBeGreaterThan(0);
    far.call(agentAccount.uri);
    await until(() => live().some((c) => c.state === 'ringing'), 5000, 'ringing after the time box');
    await h()['call.reject']({ callId: live()[0]!.id });
    await agent.core.settings.set({ 'acw.mode': 'mandatory-manual', 'acw.durationSec': 0 });
  });
});
