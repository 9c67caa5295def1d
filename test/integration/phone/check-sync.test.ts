import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
// @ts-expect-error: plain JavaScript module shared with the `npm run lab` command
import { notifyRegistered } from '../../lab/lab-core.mjs';
import { labAccount } from '../../support/lab-env';
import { startAgentCore, type AgentCore } from '../../support/agent-core';
import { until } from '../../support/sip-party';

type NotifyResult = { aor: string; contact: string; code: number; ms: number };
const notify = notifyRegistered as (env: unknown, o?: { event?: string; only?: string[] }) => Promise<NotifyResult[]>;

const lab = inject('lab');
const accounts = [labAccount(lab, 4), labAccount(lab, 5)];

describe('check-sync NOTIFY from the lab Kamailio', () => {
  const agents: AgentCore[] = [];
  const fired = [0, 0];

  beforeAll(async () => {
    for (const [i, a] of accounts.entries()) {
      const agent = await startAgentCore({ account: { server: lab.ws, user: a.user, password: a.password } });
      expect(agent.core.phone.snapshot().state).toBe('registered');
      agent.core.phone.onCheckSync(() => fired[i]!++);
      agents.push(agent);
    }
  });
  afterAll(async () => {
    for (const a of agents) await a.dispose();
  });

  it('reaches both agents over their WebSocket; each answers 200 and raises onCheckSync once', async () => {
    const users = accounts.map((a) => a.user);
    const results = await notify(lab, { only: users });
    expect(results.map((r) => r.aor).sort()).toEqual([...users].sort());
    expect(
      results.map((r) => r.code),
      JSON.stringify(results),
    ).toEqual([200, 200]);
    await until(() => fired[0] === 1 && fired[1] === 1, 2000, 'onCheckSync on both agents');
    // Kamailio's NOTIFY went over the connection each agent registered on (Contact host is invented).
    for (const r of results) expect(r.contact).toMatch(/transport=ws/);
  });

  it('a NOTIFY with another event is refused with 481 and raises nothing', async () => {
    const before = [...fired];
    await new Promise((r) => setTimeout(r, 1100)); // past the coalescing window, so a wrong emit would show at once
    const results = await notify(lab, { only: [accounts[0]!.user], event: 'message-summary' });
    expect(results.map((r) => r.code)).toEqual([481]);
    await new Promise((r) => setTimeout(r, 300));
    expect(fired).toEqual(before);
  });

  it('a burst of ten is answered 200 each and coalesced: one at once, one at the end of the second', async () => {
    await new Promise((r) => setTimeout(r, 1100));
    const before = [...fired];
    const start = Date.now();
    const bursts = await Promise.all(Array.from({ length: 10 }, () => notify(lab, { only: [accounts[1]!.user] })));
    expect(bursts.flat().map((r) => r.code)).toEqual(Array(10).fill(200));
    const spreadMs = Date.now() - start;
    await new Promise((r) => setTimeout(r, 1300)); // the trailing one fires at the end of the window
    // Ten NOTIFYs within one window give exactly two; a burst stretched over more windows at most one per window.
    expect(fired[1]! - before[1]!).toBeGreaterThanOrEqual(2);
    expect(fired[1]! - before[1]!).toBeLessThanOrEqual(1 + Math.ceil(spreadMs / 1000));
    expect(fired[0]).toBe(before[0]);
  });
});
