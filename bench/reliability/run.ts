import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SessionState } from 'sip.js';
// @ts-expect-error: plain JavaScript module shared with `npm run lab`
import { startLab } from '../../test/lab/lab-core.mjs';
import { startAgentCore, type AgentCore } from '../../test/support/agent-core';
import type { LabEnv } from '../../test/support/lab-env';
import { labAccount } from '../../test/support/lab-env';
import { labParty } from '../../test/support/lab-parties';
import { type SipParty, until } from '../../test/support/sip-party';
import { startTcpProxy } from '../../test/support/tcp-proxy';
import { killTypistLoop } from '../../test/support/kill-typist';
import { bundleEntries } from '../../test/support/store-build';
import { reExecInPrivateNetwork } from '../support/netns';
import { formatRow, percentile, summarise } from '../support/stats';
import { hostileFiles } from './hostile-files';
import { hostileHid } from './hostile-hid';
import { hostileHostFrames } from './hostile-host-frames';
import { hostileSip } from './hostile-sip';
import { hostileSipThroughKamailio } from './hostile-sip-kamailio';
import { printTallies, type HostileTally } from './hostile-tally';
import { midCallMediaDrill } from './midcall-media';
import { rendererCrashDrill } from './renderer-crash';
import { seededRandom } from '../../test/support/seeded-random';

/**
 * Reliability drills against a private lab (its own Kamailio), bounded in count and time. The agent is the core the
 * shells compose (`startAgentCore`, fake media renderer: signalling only), registered through a TCP relay in front
 * of Kamailio's WebSocket port that the drill cuts; the far end is a plain SIP.js party connected directly.
 *
 * R1 flaps: cycles rotating through a WebSocket cut (0.5–3 s), a Kamailio restart (down 0.5–3 s), a network-change
 * event and a resume event; per cycle the time from the server being back (or the event) to `registered`, cycles
 * that never got back within 30 s, and INVITEs offered to the agent while it was not registered (must be 0).
 * Mid-call outages: calls each cut for 2–10 s after answer; calls that survive (active after the outage, and the far
 * end's BYE after it reaches the agent), time from the relay back to registered. The same with media, two agents in
 * Chromium (`midcall-media.ts`): the audio gap at each end. R2: calls whose agent's renderer dies mid-call
 * (`renderer-crash.ts`): calls surviving, the media gap at the far end.
 * R4 hostile input: mutated SIP at the agent, random frames at the browser host's WebSocket, corrupt data files,
 * random HID input; per kind the inputs, crashes, uncaught exceptions / unhandled rejections, coded errors and
 * whether the state that should survive did (the `hostile-*.ts` files say how each is checked).
 * Store: the SIGKILL loop of bench/notes (a child typing a note killed at a random moment), what each kill lost.
 * `--quick`: 8 cycles, 3 calls, 100 hostile inputs per kind, 20 kills; `--cycles=N`, `--calls=N`, `--inputs=N`,
 * `--kamailio=N` (hostile calls through Kamailio: 100, quick 20), `--files=N` (core starts over damaged files: 96, quick 24), `--kills=N`, `--seed=N`;
 * `--only=r1,midcall,midcall-media,r2,r4,store` (or one R4 kind: r4-sip, r4-kamailio, r4-host, r4-files, r4-hid).
 */
reExecInPrivateNetwork('bench/reliability');
const args = process.argv.slice(2);
const arg = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const quick = args.includes('--quick');
const cycles = Number(arg('cycles') ?? (quick ? 8 : 100));
const callCount = Number(arg('calls') ?? (quick ? 3 : 20));
const hostileInputs = Number(arg('inputs') ?? (quick ? 100 : 1000));
const fileStarts = Number(arg('files') ?? (quick ? 24 : 96));
const kills = Number(arg('kills') ?? (quick ? 20 : 1000));
const only = arg('only')?.split(',');
const want = (part: string) => !only || only.includes(part) || (part.startsWith('r4-') && only.includes('r4'));
const needsLab = want('r1') || want('midcall') || want('r4-kamailio');
const kamailioInputs = Number(arg('kamailio') ?? (quick ? 20 : 100));
const firstSeed = Number(arg('seed') ?? Date.now() % 100_000);
const random = seededRandom(firstSeed);
const between = (lo: number, hi: number) => Math.round(lo + random() * (hi - lo));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const dir = mkdtempSync(path.join(os.tmpdir(), 'diadema-bench-reliability-'));
interface Lab {
  env: LabEnv;
  stop(): Promise<void>;
  stopKamailio(): Promise<void>;
  startKamailio(): Promise<void>;
}
const lab = needsLab ? ((await startLab({ dir, media: false })) as Lab) : undefined;
const proxy = lab ? await startTcpProxy({ host: lab.env.host, port: lab.env.wsPort }) : undefined;
let agent: AgentCore | undefined;
let far: SipParty | undefined;
const farN = 2;

const state = () => agent!.core.phone.snapshot().state;
/** Registrations completed so far (each move into `registered`): a new one proves a real re-registration. */
let registrations = 0;
/** Resolves with the ms until a registration after the `seen`-th completes, or undefined past `ms`. */
async function registeredWithin(ms: number, seen: number): Promise<number | undefined> {
  const start = performance.now();
  while (performance.now() - start < ms) {
    if (registrations > seen && state() === 'registered') return performance.now() - start;
    await sleep(5);
  }
  return undefined;
}

/** The relay-fronted agent and the far end, for R1 and the mid-call drill. */
async function startParties(): Promise<{ agentAccount: { uri: string }; farAccount: { user: string } }> {
  const agentAccount = labAccount(lab!.env, 1);
  const farAccount = labAccount(lab!.env, farN);
  // The product's own back-off and timeouts: nothing tuned for the drill.
  agent = await startAgentCore({
    account: { server: proxy!.wsUrl, user: agentAccount.user, password: agentAccount.password },
  });
  far = await labParty(lab!.env, farN);
  let last = state();
  agent.core.phone.onChange((snap) => {
    if (snap.state === 'registered' && last !== 'registered') registrations++;
    last = snap.state;
  });
  return { agentAccount, farAccount };
}

async function r1Flaps(agentAccount: { uri: string }): Promise<void> {
  if (!agent || !far || !lab || !proxy) throw new Error('the parties are not started');
  let offeredWhileDown = 0;
  agent.core.calls.onEvent((e) => {
    if (e.type === 'offered' && state() !== 'registered') offeredWhileDown++;
  });

  const kinds = ['ws-cut', 'kamailio-restart', 'network-change', 'resume'] as const;
  const back: Record<(typeof kinds)[number], number[]> = {
    'ws-cut': [],
    'kamailio-restart': [],
    'network-change': [],
    resume: [],
  };
  let lost = 0;
  const started = performance.now();
  for (let i = 0; i < cycles; i++) {
    const kind = kinds[i % kinds.length]!;
    let seen = registrations;
    if (kind === 'ws-cut' || kind === 'kamailio-restart') {
      const outage = between(500, 3000);
      if (kind === 'ws-cut') await proxy.cut();
      else await lab.stopKamailio();
      // A call offered during the outage must never reach an agent that does not know it is down.
      if (kind === 'ws-cut') far.call(agentAccount.uri);
      await sleep(outage);
      // Timed from the server being back: registrations meanwhile (none can succeed) do not count.
      seen = registrations;
      if (kind === 'ws-cut') await proxy.restore();
      else {
        await lab.startKamailio();
        // Kamailio lost its location table: the far end registers again too.
        await far.stop();
        far = await labParty(lab.env, farN);
      }
    } else if (kind === 'network-change') agent.core.shell.networkChanged();
    else agent.core.shell.resumed();
    // Every kind ends in a new registration: after an outage, and after the events (a fresh socket without calls).
    const ms = await registeredWithin(30_000, seen);
    if (ms === undefined) lost++;
    else back[kind].push(ms);
    for (const s of far.sessions) if (s.state !== SessionState.Terminated) await s.dispose().catch(() => undefined);
  }
  const r1Sec = (performance.now() - started) / 1000;
  const all = Object.values(back).flat();
  console.log(`\nR1 flaps: ${cycles} cycles in ${r1Sec.toFixed(0)} s; server back (or event) → registered (ms)`);
  for (const k of kinds) console.log(formatRow(`  ${k}`, summarise(back[k]), 'ms', 0));
  console.log(formatRow('  all', summarise(all), 'ms', 0));
  console.log(`  registrations lost (not back within 30 s): ${lost}`);
  console.log(`  calls offered to the agent while not registered: ${offeredWhileDown}`);
}

async function midCallOutages(farAccount: { user: string }): Promise<void> {
  if (!agent || !far || !proxy) throw new Error('the parties are not started');
  let survived = 0;
  let byeAfter = 0;
  const reRegistered: number[] = [];
  const outages: number[] = [];
  for (let i = 0; i < callCount; i++) {
    await until(() => state() === 'registered', 30_000, 'registered before the call');
    const acks = far.acks.length;
    const id = await agent.core.calls.dial(farAccount.user);
    await until(() => far!.acks.length > acks, 10_000, 'the far end answered and has the ACK');
    const outage = between(2000, 10_000);
    outages.push(outage);
    await proxy.cut();
    await sleep(outage);
    const seen = registrations;
    await proxy.restore();
    const ms = await registeredWithin(30_000, seen);
    if (ms !== undefined) reRegistered.push(ms);
    const view = () => agent!.core.calls.snapshot().calls.find((c) => c.id === id);
    if (view()?.state === 'active') survived++;
    // The far end hangs up after the outage; its BYE must reach the agent over the new connection.
    await sleep(500);
    const session = far.established().at(-1);
    await session?.bye().catch(() => undefined);
    try {
      await until(() => view() === undefined || view()?.state === 'ended', 5000, 'BYE at the agent');
      if (view() === undefined || view()?.endReason === 'remote-hangup') byeAfter++;
    } catch {
      await agent.core.calls.hangup(id).catch(() => undefined);
    }
  }
  console.log(
    `\nMid-call signalling outages: ${callCount} calls, outage ${Math.min(...outages)}–${Math.max(...outages)} ms`,
  );
  console.log(`  calls surviving the outage: ${survived}/${callCount}`);
  console.log(`  far-end BYE after recovery reaching the agent: ${byeAfter}/${callCount}`);
  console.log(formatRow('  relay back → registered', summarise(reRegistered), 'ms', 0));
  console.log('  audio gap: see the same drill with media in Chromium below (midcall-media)');
}

/** The store's SIGKILL loop of bench/notes, in this report: a child typing a note killed at a random moment. */
async function storeKills(): Promise<void> {
  const built = await bundleEntries({
    'store-worker': 'electron/node/store/store-worker.ts',
    'notes-typist': 'test/support/notes-typist.ts',
  });
  const file = path.join(dir, 'kill.sqlite');
  let tally;
  try {
    tally = await killTypistLoop({
      typist: built.urls['notes-typist'],
      worker: built.urls['store-worker'],
      file,
      kills,
      typeMs: () => between(20, 620),
    });
  } finally {
    built.dispose();
  }
  const { lostKeys, failed, notPrefix, lostConfirmed, torn } = tally;
  const sec = tally.ms / 1000;
  console.log(`\nStore: ${kills} SIGKILLs of a child typing a note (one key / 10 ms) in ${sec.toFixed(0)} s`);
  console.log(formatRow('  keystrokes lost per kill', summarise(lostKeys), 'keys', 0));
  console.log(formatRow('  typing lost per kill (10 ms/key)', summarise(lostKeys.map((k) => k * 10)), 'ms', 0));
  console.log(`  database not reopened: ${failed}`);
  console.log(`  draft not a prefix of what was typed: ${notPrefix}`);
  console.log(`  text confirmed durable and then lost: ${lostConfirmed}`);
  console.log(`  torn drafts (not one whole save): ${torn}`);
  console.log(`  p99 lost: ${percentile(lostKeys, 99)} keys`);
}

try {
  console.log(`seed ${firstSeed} (pass --seed=${firstSeed} to repeat the same outages and inputs)`);
  if (want('r1') || want('midcall')) {
    const { agentAccount, farAccount } = await startParties();
    if (want('r1')) await r1Flaps(agentAccount);
    if (want('midcall')) await midCallOutages(farAccount);
    await far?.stop().catch(() => undefined);
    await agent?.dispose().catch(() => undefined);
    far = undefined;
    agent = undefined;
  }
  if (want('midcall-media') || want('r2')) {
    // Both drills start their own lab (with rtpengine, on its own ports) and browser hosts from the built bundle.
    let build = true;
    if (want('midcall-media')) {
      console.log(`\nMid-call signalling outages with media, two agents in Chromium (seed ${firstSeed})`);
      await midCallMediaDrill({ calls: callCount, seed: firstSeed });
      build = false;
    }
    if (want('r2')) {
      console.log(`\nR2 renderer crashes (seed ${firstSeed})`);
      await rendererCrashDrill({ calls: callCount, seed: firstSeed, build });
    }
  }
  const tallies: HostileTally[] = [];
  if (want('r4-sip')) tallies.push(await hostileSip({ inputs: hostileInputs, random }));
  if (want('r4-kamailio'))
    tallies.push(await hostileSipThroughKamailio({ inputs: kamailioInputs, random, lab: lab!.env }));
  if (want('r4-host')) tallies.push(await hostileHostFrames({ inputs: hostileInputs, random }));
  if (want('r4-files')) tallies.push(await hostileFiles({ inputs: fileStarts, random }));
  if (want('r4-hid')) tallies.push(await hostileHid({ inputs: hostileInputs, random }));
  if (tallies.length) {
    console.log(`\nR4 hostile input (seed ${firstSeed})`);
    printTallies(tallies);
  }
  if (want('store')) await storeKills();
} finally {
  await far?.stop().catch(() => undefined);
  await agent?.dispose().catch(() => undefined);
  await proxy?.close();
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
}
