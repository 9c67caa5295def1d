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
import { alternateCalls, answerAfterMsDefault, measureCall, prepareCallee, type CallSample } from './browser';
import { startBusyPair } from './busy-pair';
import { KamailioMarks } from './kamailio-marks';
import { observePeerConnections } from './page-probe';
import { printRingTrace, startRingTrace } from './ring-trace';
import { startDiadema, type Phone } from './phone';
import { printMode } from './report';
import { startWebPhone } from './web-phone-host';
import { buildBundle } from '../support/bundle';

/**
 * Call set-up through a real Kamailio, in two parts:
 *  1. signalling only, in the core (fake media renderer, SIP.js far end): INVITE sent → ringing in the core;
 *     answer → the caller's dialog established;
 *  2. as phones see it, in Chromium with WebRTC audio: a Diadema caller calls, in turn, a Diadema agent, the
 *     same with `calls.prepareWhileRinging` off, and an ordinary SIP.js web phone; each call is split from the
 *     INVITE at Kamailio to two-way audible audio (browser.ts says how). On a quiet machine, then on a busy one:
 *     a second pair of Diadema agents calling each other in a loop meanwhile.
 * Chromium must not use the machine's other interface: part 2 runs in a private network namespace (re-exec
 * under `unshare -n`, as `npm test` does). `--calls=N` calls to each callee in each mode (default 30, `--quick`
 * 8), `--busy` / `--quiet` one mode only, `--no-browser` skips part 2.
 */
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const numArg = (name: string, dflt: number) =>
  Number(args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt);
const calls = numArg('calls', quick ? 8 : 30);
const browser = !args.includes('--no-browser');
const modes = { quiet: !args.includes('--busy'), busy: !args.includes('--quiet') };
/** `--trace=N`: instead of the figures, where the Diadema callee's page spends a ring (ring-trace.ts), N rings. */
const traceRings = numArg('trace', 0);
/** `--answer-after=MS`: how long each call rings, from the card shown to the Answer click (browser.ts). */
const answerAfterMs = numArg('answer-after', answerAfterMsDefault);

if (browser) reExecInPrivateNetwork('bench/call-setup', 'run with --no-browser or DIADEMA_NO_NETNS=1');

const dir = mkdtempSync(path.join(os.tmpdir(), 'diadema-bench-calls-'));
const lab = (await startLab({ dir, media: browser })) as { env: LabEnv; stop(): Promise<void> };
try {
  await signallingOnly(lab.env);
  if (browser) await asPhonesSeeIt(lab.env);
} finally {
  await lab.stop();
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Accounts: 1 the web phone, 2 Diadema not prepared, 3 Diadema, 4 the caller, 5 and 6 the busy pair (the
 * signalling part's 1 and 2 have unregistered by then).
 */
async function asPhonesSeeIt(env: LabEnv): Promise<void> {
  buildBundle();
  const marks = new KamailioMarks(env);
  const initScript = observePeerConnections;
  const phones: Phone[] = [];
  const started = async (p: Promise<Phone>) => {
    const phone = await p;
    phones.push(phone);
    return phone;
  };
  const diadema = (n: number, name: string, toneHz: number, settings: Record<string, unknown> = {}) =>
    started(startDiadema({ name, server: env.ws, account: labAccount(env, n), toneHz, settings, initScript }));
  try {
    const callees = [
      await diadema(3, 'Diadema', 440),
      await diadema(2, 'Diadema, not prepared', 440, { 'calls.prepareWhileRinging': false }),
      await started(
        startWebPhone({ server: env.ws, domain: env.domain, account: labAccount(env, 1), toneHz: 440, initScript }),
      ),
    ];
    const caller = await diadema(4, 'caller', 660);
    for (const c of callees) await prepareCallee(c);
    const progress = (r: number) => r % 5 === 0 && console.log(`  … ${r} of ${calls} rounds`);
    const about =
      `caller Diadema → each callee in turn, ${calls} calls each, answered ${answerAfterMs} ms after the ring shows ` +
      '(ms; audio polled every 5 ms)';
    const names = { ours: callees[0]!.name, unprepared: callees[1]!.name, peer: callees[2]!.name };
    const run = async () => {
      if (!traceRings) return alternateCalls(marks, caller, callees, calls, progress, answerAfterMs);
      await measureCall(marks, caller, callees[0]!); // Warm-up, unrecorded.
      const stop = await startRingTrace(callees[0]!.page);
      for (let i = 0; i < traceRings; i++) await measureCall(marks, caller, callees[0]!);
      printRingTrace(await stop(), path.resolve('dist', 'renderer'));
      return undefined;
    };
    if (modes.quiet) {
      const samples = await run();
      if (samples) printMode(`quiet machine: ${about}`, samples, names);
    }
    if (modes.busy) {
      const busyCaller = await diadema(5, 'busy caller', 550);
      const busyCallee = await diadema(6, 'busy callee', 770);
      const busy = startBusyPair(busyCaller, busyCallee);
      let samples: Map<string, CallSample[]> | undefined;
      try {
        await new Promise((r) => setTimeout(r, 3000)); // The pair's first call under way.
        samples = await run();
      } finally {
        const { calls: n, failures } = await busy.stop();
        const why = failures.length ? `: ${failures.slice(0, 3).join('; ')}` : '';
        console.log(`  busy pair: ${n} calls during the run, ${failures.length} failed${why}`);
      }
      if (samples)
        printMode(
          `busy machine (a second pair of Diadema agents calling each other meanwhile): ${about}`,
          samples,
          names,
        );
    }
  } finally {
    for (const p of phones.reverse()) await p.dispose();
  }
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
