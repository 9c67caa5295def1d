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
import { reExecInPrivateNetwork } from '../support/netns';
import { formatRow, summarise } from '../support/stats';
import { browserCalls } from './browser';

/**
 * Call set-up through a real Kamailio, in two parts:
 *  1. signalling only, in the core (fake media renderer, SIP.js far end): INVITE sent → ringing in the core;
 *     answer → the caller's dialog established;
 *  2. as agents see it, two Diadema agents in Chromium (WebRTC audio): INVITE accepted by Kamailio → ringing
 *     shown in the agent's page; answer → first inbound audio bytes and first audio level above silence, on the
 *     agent's side and on the caller's side.
 * Chromium must not use the machine's other interface: part 2 runs in a private network namespace (re-exec
 * under `unshare -n`, as `npm test` does). `--calls=N` (default 60, `--quick` 20), `--no-browser` skips part 2.
 */
const args = process.argv.slice(2);
const calls = Number(args.find((a) => a.startsWith('--calls='))?.split('=')[1] ?? (args.includes('--quick') ? 20 : 60));
const browser = !args.includes('--no-browser');

if (browser) reExecInPrivateNetwork('bench/call-setup', 'run with --no-browser or DIADEMA_NO_NETNS=1');

const dir = mkdtempSync(path.join(os.tmpdir(), 'diadema-bench-calls-'));
const lab = (await startLab({ dir, media: browser })) as { env: LabEnv; stop(): Promise<void> };
try {
  await signallingOnly(lab.env);
  if (browser) {
    const samples = await browserCalls(lab.env, calls, (i) => {
      if (i % 10 === 0) console.log(`  … ${i} calls in Chromium`);
    });
    const col = (k: keyof (typeof samples)[number]) => summarise(samples.map((s) => s[k]));
    console.log(
      `\nas agents see it: two agents in Chromium, WebRTC through Kamailio, ${samples.length} calls (ms; audio polled every 5 ms)`,
    );
    console.log(formatRow('INVITE at Kamailio → ringing shown', col('inviteToRing'), 'ms'));
    console.log(formatRow('caller dials → ringing shown', col('dialToRing'), 'ms'));
    console.log(formatRow('answer → agent hears: first bytes', col('agentFirstBytes'), 'ms'));
    console.log(formatRow('answer → agent hears: level > 0.01', col('agentFirstLevel'), 'ms'));
    console.log(formatRow('answer → caller hears: first bytes', col('callerFirstBytes'), 'ms'));
    console.log(formatRow('answer → caller hears: level > 0.01', col('callerFirstLevel'), 'ms'));
  }
} finally {
  await lab.stop();
  rmSync(dir, { recursive: true, force: true });
}

async function signallingOnly(env: LabEnv): Promise<void> {
  const a = labAccount(env, 1);
  const b = labAccount(env, 2);
  const agent = await startAgentCore({ account: { server: env.ws, user: a.user, password: a.password } });
  const far = await new SipParty({ server: env.ws, aor: b.uri, user: b.user, password: b.password }).start();
  const offer: number[] = [];
  const answer: number[] = [];
  try {
    for (let i = 0; i < calls; i++) {
      // Event-driven timing (no polling): the instant the core reports ringing / the caller's dialog confirms.
      const ringing = new Promise<{ at: number; id: string }>((resolve) => {
        const off = agent.core.calls.onChange((snap) => {
          const c = snap.calls.find((x) => x.state === 'ringing');
          if (c) {
            off();
            resolve({ at: performance.now(), id: c.id });
          }
        });
      });
      const t0 = performance.now();
      const inviter = far.call(a.uri, ['X-Account-Id: 1234']);
      const established = new Promise<number>((resolve) =>
        inviter.stateChange.addListener((st) => {
          if (st === SessionState.Established) resolve(performance.now());
        }),
      );
      const { at: t1, id } = await ringing;
      await agent.core.handlers['call.answer']({ callId: id });
      const t2 = await established;
      offer.push(t1 - t0);
      answer.push(t2 - t1);
      await inviter.bye();
      await until(() => agent.core.calls.snapshot().calls.every((c) => c.state === 'ended'), 5000, 'ended');
    }
    console.log(
      `signalling only: core with fake media, SIP.js far end, through Kamailio on loopback, ${calls} calls (ms)`,
    );
    console.log(formatRow('INVITE sent → ringing in core', summarise(offer), 'ms'));
    console.log(formatRow('answer → dialog established', summarise(answer), 'ms'));
  } finally {
    await far.stop();
    await agent.dispose();
  }
}
