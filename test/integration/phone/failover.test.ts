import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
// @ts-expect-error: plain JavaScript module shared with the `npm run lab` command
import { registeredContacts, startLab } from '../../lab/lab-core.mjs';
import { startAgentCore, type AgentCore } from '../../support/agent-core';
import type { LabEnv } from '../../support/lab-env';
import { labAccount } from '../../support/lab-env';
import { labParty } from '../../support/lab-parties';
import { type SipParty, until } from '../../support/sip-party';

// Two SIP servers sharing the same accounts, as a call floor's two SBCs: the first is a second Kamailio started
// here (stopped and started again by the test), the second is the run's lab. The agent lists both in
// `account.servers`, first one first.
type Contact = { aor: string; contact: string };
const contacts = registeredContacts as (env: LabEnv) => Promise<Contact[]>;
type Lab = { env: LabEnv; stop(): Promise<void>; stopKamailio(): Promise<void>; startKamailio(): Promise<void> };

const lab = inject('lab');
const agentAccount = labAccount(lab, 6);
/** The far end: lab account 2, a plain SIP.js party. */
const farN = 2;

let dir: string;
let first: Lab;
let agent: AgentCore | undefined;
let far: SipParty | undefined;

/** The random user part of a SIP.js contact (`sip:<token>@<host>.invalid;transport=ws`): one user agent's binding. */
const contactUser = (uri: string) => /^sips?:([^@]+)@/.exec(uri)?.[1];
/** Whether the registrar holds a binding of this agent (any of its user agents, or the one whose contact is given). */
const registeredAt = async (env: LabEnv, contact?: string) =>
  (await contacts(env)).some(
    (c) => c.aor === agentAccount.user && (!contact || contactUser(c.contact) === contactUser(contact)),
  );
const snapshot = () => agent!.core.phone.snapshot();

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'diadema-failover-lab-'));
  first = (await startLab({ dir, media: false })) as Lab;
  far = await labParty(lab, farN);
});
afterAll(async () => {
  await far?.stop();
  await agent?.dispose();
  await first?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('account.servers: failover and failback between two Kamailio', () => {
  it('with the first server stopped, registers on the second and takes a call there', async () => {
    await first.stopKamailio();
    const start = performance.now();
    agent = await startAgentCore({
      account: { server: first.env.ws, user: agentAccount.user, password: agentAccount.password },
      settings: { 'account.servers': [first.env.ws, lab.ws] },
      phone: { registerTimeoutMs: 5000, backoffBaseMs: 200, backoffCapMs: 2000, failbackCheckMs: 300 },
    });
    console.log(`first server down → registered on the second: ${Math.round(performance.now() - start)} ms`);
    expect(snapshot()).toMatchObject({
      state: 'registered',
      server: lab.ws,
      failover: { primary: first.env.ws, reason: 'unreachable' },
    });
    // This user agent's binding (an earlier test may have left a stale one of the same account there).
    const onSecond = agent.core.phone.userAgent()!.contact.uri.toString();
    expect(await registeredAt(lab, onSecond)).toBe(true);

    far!.call(agentAccount.uri);
    await until(() => agent!.core.calls.snapshot().calls.some((c) => c.state === 'ringing'), 5000, 'ringing');
    const id = agent!.core.calls.snapshot().calls[0]!.id;
    await agent!.core.calls.answer(id);
    await until(() => agent!.core.calls.snapshot().calls[0]?.state === 'active', 5000, 'active');

    // The first server comes back during the call: the phone stays where the call is.
    await first.startKamailio();
    await new Promise((r) => setTimeout(r, 1500));
    expect(snapshot().server).toBe(lab.ws);
    expect(agent!.core.calls.snapshot().calls[0]?.state).toBe('active');

    // After the call: back to the first, and the second no longer holds a binding that would fork calls.
    await agent!.core.calls.hangup(id);
    await until(() => snapshot().server === first.env.ws && snapshot().state === 'registered', 10_000, 'failback');
    expect(snapshot().failover).toBeUndefined();
    expect(await registeredAt(first.env)).toBe(true);
    expect(await registeredAt(lab, onSecond)).toBe(false);
  });
});
