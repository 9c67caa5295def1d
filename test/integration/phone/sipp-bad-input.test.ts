import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { startAgentCore, type AgentCore } from '../../support/agent-core';
import { labAccount } from '../../support/lab-env';
import { until } from '../../support/sip-party';
import { runSipp, sipMessages } from '../../support/sipp';

// Bad input on the wire: SIPp sends INVITEs with malformed or unexpected headers through Kamailio to a running
// agent core. Each gets its SIP error from the agent itself (not a proxy timeout), and the agent is not disturbed:
// no call is shown, registration stays, and a good call afterwards rings as usual.
const lab = inject('lab');
const agentAccount = labAccount(lab, 4);
const caller = labAccount(lab, 5);
const contact = '<sip:1005@127.0.0.1:{sip_port};transport=UDP>';
let agent: AgentCore;

beforeAll(async () => {
  agent = await startAgentCore({
    account: { server: lab.ws, user: agentAccount.user, password: agentAccount.password },
  });
  expect(agent.core.phone.snapshot().state).toBe('registered');
});
afterAll(async () => {
  await agent?.dispose();
});
afterEach(async () => {
  for (const c of agent.core.calls.snapshot().calls)
    if (c.state !== 'ended') await agent.core.calls.hangup(c.id).catch(() => undefined);
});

const live = () => agent.core.calls.snapshot().calls.filter((c) => c.state !== 'ended');

/** Sends one INVITE (after the digest challenge) and returns the final responses SIPp got for it. */
async function invite(keys: {
  contact: string;
  extra: string;
}): Promise<{ code: number | null; finals: string[]; provisional: string[]; out: string }> {
  const sipp = await runSipp({
    lab,
    scenario: 'malformed-invite.xml',
    service: agentAccount.user,
    account: caller,
    timeoutS: 30,
    keys,
  });
  const r = await sipp.done;
  const starts = sipMessages(r.messages).map((m) => m.start);
  const finals = starts.filter((s) => /^SIP\/2\.0 [2-6]\d\d/.test(s) && !s.startsWith('SIP/2.0 407'));
  return { code: r.code, finals, provisional: starts.filter((s) => /^SIP\/2\.0 1/.test(s)), out: r.stdout };
}

describe('malformed INVITEs from SIPp against a running agent', () => {
  it('a malformed Contact gets 400 Bad Request from the agent (SIP.js alone dropped it: the caller waited for 408)', async () => {
    for (const bad of ['<sip:1005@127.0.0.1:{sip_port};transport=UDP', 'not a uri at all']) {
      const r = await invite({ contact: bad, extra: 'X-Account-Id: 1' });
      expect(r.code, r.out).toBe(0);
      expect(r.finals).toEqual(['SIP/2.0 400 Bad Request']);
      expect(r.provisional).not.toContain('SIP/2.0 180 Ringing');
    }
    expect(live()).toEqual([]);
    expect(agent.core.phone.snapshot().state).toBe('registered');
  });

  it('an INVITE requiring an unknown extension gets 420 with Unsupported naming it, and never rings', async () => {
    const sipp = await runSipp({
      lab,
      scenario: 'malformed-invite.xml',
      service: agentAccount.user,
      account: caller,
      timeoutS: 30,
      keys: { contact, extra: 'Require: x-teleport' },
    });
    const r = await sipp.done;
    expect(r.code, r.stdout).toBe(0);
    expect(sipMessages(r.messages).map((m) => m.start)).not.toContain('SIP/2.0 180 Ringing');
    const refusal = sipMessages(r.messages).find((m) => m.start.startsWith('SIP/2.0 420'));
    expect(refusal?.text).toMatch(/^Unsupported: x-teleport$/m);
    expect(live()).toEqual([]);
  });

  it('unparsable optional headers are ignored: the call rings with the From identity, no auto-answer, text cleaned', async () => {
    for (const extra of [
      'P-Asserted-Identity: <sip:@@@;;>',
      'Call-Info: answer-after=soon',
      'X-Account-Id: 48\u0001<b>15</b>\u202e',
    ]) {
      const sipp = await runSipp({
        lab,
        scenario: 'malformed-invite.xml',
        service: agentAccount.user,
        account: caller,
        timeoutS: 30,
        keys: { contact, extra },
      });
      await until(() => live().some((c) => c.state === 'ringing'), 5000, `ringing with ${extra}`);
      const call = live()[0]!;
      expect(call.remote.number).toBe(caller.user);
      expect(call.autoAnswerAt).toBeUndefined();
      for (const p of call.screenPop) expect(p.value).not.toMatch(/[\p{Cc}\u202e]/u);
      await agent.core.calls.reject(call.id);
      const r = await sipp.done;
      expect(r.code, r.stdout).toBe(0);
      expect(
        sipMessages(r.messages)
          .map((m) => m.start)
          .filter((s) => /^SIP\/2\.0 [2-6]/.test(s) && !s.startsWith('SIP/2.0 407')),
      ).toEqual(['SIP/2.0 486 Busy Here']);
      await until(() => live().length === 0, 5000, 'rejected');
    }
  });

  it('after all that, a good call still rings', async () => {
    const sipp = await runSipp({
      lab,
      scenario: 'malformed-invite.xml',
      service: agentAccount.user,
      account: caller,
      timeoutS: 30,
      keys: { contact, extra: 'X-Other: 1', account_id: '5', ivr_path: 'ventas>altas' },
    });
    await until(() => live().some((c) => c.state === 'ringing'), 5000, 'ringing');
    expect(live()[0]!.screenPop).toEqual([
      { header: 'X-Account-Id', value: '5' },
      { header: 'X-IVR-Path', value: 'ventas>altas' },
    ]);
    await agent.core.calls.reject(live()[0]!.id);
    expect((await sipp.done).code).toBe(0);
  });
});
