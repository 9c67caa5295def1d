import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AgentCore } from '../../support/agent-core';
import { labAccount } from '../../support/lab-env';
import { labAgent, labParty } from '../../support/lab-parties';
import { until, type SipParty } from '../../support/sip-party';

// A network change or a resume from sleep while a call is up must not drop the call: the registration is
// refreshed on the working socket. Without a call the phone starts afresh, as before.
const lab = inject('lab');
const farAccount = labAccount(lab, 5);
let agent: AgentCore;
let far: SipParty;

beforeAll(async () => {
  agent = await labAgent(lab, 4);
  far = await labParty(lab, 5);
});
afterAll(async () => {
  await far?.stop();
  await agent?.dispose();
});

const calls = () => agent.core.calls.snapshot().calls;
const registrations = () => agent.logLines.filter((l) => l.includes('] registered ')).length;
const refreshedInPlace = () => agent.logLines.filter((l) => l.includes('registration refreshed in place')).length;

describe('network change and resume', () => {
  it('during a call: re-registers in place and the call goes on (hold still reaches the far end)', async () => {
    const ua = agent.core.phone.userAgent();
    const { callId } = await agent.core.handlers['call.dial']({ target: farAccount.user });
    await until(() => calls().find((c) => c.id === callId)?.state === 'active', 5000, 'answered');
    agent.core.shell.networkChanged();
    agent.core.shell.resumed();
    await until(() => refreshedInPlace() === 1, 5000, 'refreshed in place (once for both)');
    expect(agent.core.phone.userAgent()).toBe(ua);
    expect(agent.core.phone.snapshot().state).toBe('registered');
    expect(calls().find((c) => c.id === callId)?.state).toBe('active');
    expect(await agent.core.handlers['call.hold']({ callId, on: true })).toEqual({ held: true });
    await agent.core.handlers['call.hangup']({ callId });
    await until(() => far.byes.length > 0, 5000, 'BYE at the far end');
  });

  it('without a call: starts afresh with a new user agent', async () => {
    await until(() => calls().every((c) => c.state === 'ended'), 5000, 'no live call');
    const ua = agent.core.phone.userAgent();
    const before = registrations();
    agent.core.shell.networkChanged();
    await until(() => registrations() > before, 5000, 'registered again');
    expect(agent.core.phone.userAgent()).not.toBe(ua);
    expect(agent.core.phone.snapshot().state).toBe('registered');
  });
});
