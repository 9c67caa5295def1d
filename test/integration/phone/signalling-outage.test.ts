import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { SessionState } from 'sip.js';
import { RefusedError } from '@common/contract/errors';
import { startAgentCore, type AgentCore } from '../../support/agent-core';
import { labAccount } from '../../support/lab-env';
import { labParty } from '../../support/lab-parties';
import { type SipParty, until } from '../../support/sip-party';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy';

// The agent's core reaches the lab's Kamailio through a TCP relay the test cuts, as a proxy restart or a network
// hiccup would; the far end is a plain SIP.js party connected to Kamailio directly. Media here is the fake
// renderer's (no real RTP): what is proven is the signalling — the call kept, refused requests, the far end's
// target refreshed so its BYE reaches the new connection, a queued hang-up, and the bound.
const lab = inject('lab');
const agentAccount = labAccount(lab, 6);
const farN = 2;
const farAccount = labAccount(lab, farN);
const keepCallsMs = 4000;

let proxy: TcpProxy;
let agent: AgentCore;
let far: SipParty;

const calls = () => agent.core.calls.snapshot().calls;
const reg = () => agent.core.phone.snapshot();

/**
 * The agent calls the far end, which answers; settles once the far end has the agent's ACK, so the dialog is
 * confirmed at both ends. (An outage between a 200 and its ACK is not survivable: the ACK of a retransmitted 200
 * still goes to the old connection, and no re-INVITE may go out before it.)
 */
async function callUp(): Promise<string> {
  const acks = far.acks.length;
  const id = await agent.core.calls.dial(farAccount.user);
  await until(() => calls().find((c) => c.id === id)?.state === 'active', 5000, 'active');
  await until(() => far.acks.length > acks, 5000, 'the far end has the ACK');
  return id;
}

beforeAll(async () => {
  proxy = await startTcpProxy({ host: lab.host, port: lab.wsPort });
  agent = await startAgentCore({
    account: { server: proxy.wsUrl, user: agentAccount.user, password: agentAccount.password },
    phone: { registerTimeoutMs: 5000, backoffBaseMs: 200, backoffCapMs: 2000, keepCallsMs },
  });
  expect(reg().state).toBe('registered');
  far = await labParty(lab, farN);
});
afterAll(async () => {
  await far?.stop();
  await agent?.dispose();
  await proxy?.close();
});
afterEach(async () => {
  await proxy.restore();
  for (const s of far.established()) await s.bye().catch(() => undefined);
  await until(() => calls().every((c) => c.state === 'ended'), 10_000, 'calls to end');
  await until(() => reg().state === 'registered', 10_000, 'registered again');
});

describe('a signalling outage during a call', () => {
  it('keeps the call, refuses hold meanwhile, refreshes the far end’s target, and the far end’s BYE arrives', async () => {
    const id = await callUp();
    const connections = proxy.accepted;
    const acks = far.acks.length;
    await proxy.cut();
    await until(() => reg().state === 'reconnecting', 5000, 'reconnecting');
    expect(reg().callsKeptUntil).toBeGreaterThan(Date.now());
    expect(calls().find((c) => c.id === id)?.state).toBe('active');
    await expect(agent.core.calls.hold(id, true)).rejects.toEqual(new RefusedError('signalling-down'));
    await new Promise((r) => setTimeout(r, 1500));
    expect(calls().find((c) => c.id === id)?.state).toBe('active');

    await proxy.restore();
    await until(() => reg().state === 'registered', 5000, 'registered after the outage');
    expect(proxy.accepted).toBeGreaterThan(connections);
    expect(reg().callsKeptUntil).toBeUndefined();
    // The far end learnt the agent's new connection from the re-INVITE: its BYE reaches the agent.
    // The target refresh (re-INVITE) completes with its ACK at the far end.
    await until(() => far.acks.length > acks, 5000, 'the re-INVITE after reconnecting');
    const farSession = far.established().at(-1)!;
    await farSession.bye();
    await until(() => calls().find((c) => c.id === id)?.state === 'ended', 5000, 'the far end’s BYE at the agent');
    expect(calls().find((c) => c.id === id)?.endReason).toBe('remote-hangup');
    // And hold works again on the next call.
    const next = await callUp();
    expect(await agent.core.calls.hold(next, true)).toBe(true);
  });

  it('a hang-up during the outage ends the call here at once and reaches the far end on reconnect', async () => {
    const id = await callUp();
    const farSession = far.established().at(-1)!;
    await proxy.cut();
    await until(() => reg().state === 'reconnecting', 5000, 'reconnecting');
    await agent.core.calls.hangup(id);
    expect(calls().find((c) => c.id === id)).toMatchObject({ state: 'ended', endReason: 'local-hangup' });
    await new Promise((r) => setTimeout(r, 500));
    expect(farSession.state).toBe(SessionState.Established);
    await proxy.restore();
    await until(() => farSession.state === SessionState.Terminated, 8000, 'the queued BYE at the far end');
  });

  it('an outage longer than the bound ends the call with its reason; once registered again, the far end gets its BYE', async () => {
    const id = await callUp();
    const farSession = far.established().at(-1)!;
    const notices: string[] = [];
    const off = agent.core.calls.onNotice((n) => notices.push(n.code));
    await proxy.cut();
    await until(() => calls().find((c) => c.id === id)?.state === 'ended', keepCallsMs + 4000, 'the call ended');
    off();
    expect(calls().find((c) => c.id === id)?.endReason).toBe('signalling-lost');
    expect(notices).toContain('signalling-lost');
    await proxy.restore();
    await until(() => reg().state === 'registered', 10_000, 'registered afresh');
    // The far end saw nothing of the outage: without a BYE in the old dialog it would stay in the call for good.
    await until(() => farSession.state === SessionState.Terminated, 5000, 'the BYE at the far end');
  });
});
