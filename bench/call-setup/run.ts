import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SessionState } from 'sip.js';
// @ts-expect-error: plain JavaScript module shared with `npm run lab`
import { startLab } from '../../test/lab/lab-core.mjs';
import { startAgentCore } from '../../test/support/agent-core';
import type { LabEnv } from '../../test/support/lab-env';
import { labAccount } from '../../test/support/lab-env';
import { SipParty, until } from '../../test/support/sip-party';
import { formatRow, summarise } from '../support/stats';

/**
 * Call set-up through a real Kamailio, measured in the core (signalling only; media is the fake renderer):
 *  - offer: the caller sends INVITE → the agent's core shows the call ringing (what the UI renders next);
 *  - answer: the agent answers → the caller's dialog is established (200 OK + ACK through the proxy).
 * The audio part of call set-up needs Chromium and is not measured here (see the closing note of the issue).
 */
const calls = Number(process.argv.find((a) => a.startsWith('--calls='))?.split('=')[1] ?? (process.argv.includes('--quick') ? 20 : 60));
const dir = mkdtempSync(path.join(os.tmpdir(), 'diadema-bench-calls-'));
const lab = (await startLab({ dir, media: false })) as { env: LabEnv; stop(): Promise<void> };
const a = labAccount(lab.env, 1);
const b = labAccount(lab.env, 2);
const agent = await startAgentCore({ account: { server: lab.env.ws, user: a.user, password: a.password } });
const far = await new SipParty({ server: lab.env.ws, aor: b.uri, user: b.user, password: b.password }).start();
const offer: number[] = [];
const answer: number[] = [];
try {
  for (let i = 0; i < calls; i++) {
    // Event-driven timing (no polling): the instant the core reports ringing / the caller's dialog confirms.
    const ringing = new Promise<{ at: number; id: string }>((resolve) => {
      const off = agent.core.calls.onChange((snap) => {
        const c = snap.calls.find((x) => x.state === 'ringing');
        if (c) { off(); resolve({ at: performance.now(), id: c.id }); }
      });
    });
    const t0 = performance.now();
    const inviter = far.call(a.uri, ['X-Account-Id: 1234']);
    const established = new Promise<number>((resolve) => inviter.stateChange.addListener((st) => { if (st === SessionState.Established) resolve(performance.now()); }));
    const { at: t1, id } = await ringing;
    await agent.core.handlers['call.answer']({ callId: id });
    const t2 = await established;
    offer.push(t1 - t0);
    answer.push(t2 - t1);
    await inviter.bye();
    await until(() => agent.core.calls.snapshot().calls.every((c) => c.state === 'ended'), 5000, 'ended');
  }
  console.log(`call set-up through Kamailio on loopback, ${calls} calls (ms)`);
  console.log(formatRow('INVITE sent → ringing in core', summarise(offer), 'ms'));
  console.log(formatRow('answer → dialog established', summarise(answer), 'ms'));
} finally {
  await far.stop();
  await agent.dispose();
  await lab.stop();
  rmSync(dir, { recursive: true, force: true });
}
