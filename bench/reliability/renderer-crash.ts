import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { maxReloads, reloadWindowMs } from '../../electron/browser-host/page-recovery';
// @ts-expect-error: plain JavaScript module shared with `npm run lab`
import { startLab } from '../../test/lab/lab-core.mjs';
import { callQuality, callState, clickTestId, startE2eAgent, type E2eAgent } from '../../test/support/e2e-agent';
import { labAccount, type LabEnv } from '../../test/support/lab-env';
import { startOwnChromiumAgent, type OwnChromiumAgent } from '../../test/support/own-chromium-agent';
import { formatRow, summarise } from '../support/stats';
import { seededRandom } from '../../test/support/seeded-random';
import { requirePrivateNetwork } from '../support/netns';
import { buildBundle } from '../support/bundle';

/**
 * R2 renderer crashes: two Diadema agents in a call with real WebRTC through the lab's Kamailio + rtpengine. Agent A's
 * browser host runs its own headless Chromium (as `npm run start:browser` does); mid-call A's renderer dies — its
 * processes SIGKILLed, or a renderer crash through DevTools (`Page.crash`), chosen by the seed — and nothing but the
 * host brings it back: it sees the crash on its DevTools pipe and reloads the tab, the page reconnects, the core
 * re-INVITEs. Agent B is the far end (the customer).
 *
 * Per call: whether it survived (up at both ends, the re-INVITE's offer applied at B, audio both ways again), the
 * media gap at B (the longest interval without new inbound RTP packets, `inbound-rtp` `packetsReceived` polled
 * every ~10 ms; Chromium caches a report ~50 ms, the floor of this measure),
 * the time from the crash to B receiving A's audio again, and from the crash to the host's reload.
 *
 * The host reloads a page at most `maxReloads` times within `reloadWindowMs` (a page that crashes on every load is
 * not reloaded forever), so crashes are spaced to stay inside that bound. Chromium's WebRTC must stay on loopback:
 * run inside a private network namespace (`reExecInPrivateNetwork`, as renderer-crash-main.ts does).
 */
export async function rendererCrashDrill(o: {
  calls: number;
  seed: number;
  /** Build the bundle first (default); false uses `dist/` as it is. */
  build?: boolean;
}): Promise<void> {
  requirePrivateNetwork('rendererCrashDrill');
  const random = seededRandom(o.seed);
  const between = (lo: number, hi: number) => Math.round(lo + random() * (hi - lo));
  if (o.build !== false) buildBundle();
  const spacingMs = Math.ceil(reloadWindowMs / maxReloads) + 500;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'diadema-bench-renderer-crash-'));
  const lab = (await startLab({ dir, media: true })) as { env: LabEnv; stop(): Promise<void> };
  let agentA: OwnChromiumAgent | undefined;
  let agentB: E2eAgent | undefined;
  const rows: CallRow[] = [];
  try {
    const a = labAccount(lab.env, 4);
    const settings = { 'acw.durationSec': 0 };
    agentA = await startOwnChromiumAgent({ server: lab.env.ws, account: a, toneHz: 440, settings });
    agentB = await startE2eAgent({
      server: lab.env.ws,
      account: labAccount(lab.env, 5),
      toneHz: 660,
      settings,
      initScript: farEndProbe,
    });
    console.log(
      `seed ${o.seed}; ${o.calls} calls, A's renderer crashed in each after 1–4 s of audio; crashes at least ` +
        `${spacingMs} ms apart (the host reloads at most ${maxReloads} times in ${reloadWindowMs / 1000} s)`,
    );
    let lastCrash = -Infinity;
    for (let i = 0; i < o.calls; i++) {
      const how: CrashKind = random() < 0.5 ? 'kill' : 'page-crash';
      const row = await oneCall(agentA, agentB, a.user, how, between(1000, 4000), lastCrash + spacingMs);
      lastCrash = row.crashAt;
      rows.push(row);
      const f = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(0));
      console.log(
        `  call ${String(i + 1).padStart(2)}: ${how.padEnd(10)} after ${row.talkMs} ms; gap at B ${f(row.gapMs)} ms, ` +
          `crash → reload ${f(row.reloadMs)} ms, → audio at B ${f(row.backMs)} ms; survived ${row.survived}` +
          (row.problem ? ` (${row.problem})` : ''),
      );
    }
  } finally {
    await agentA?.dispose().catch(() => undefined);
    await agentB?.dispose().catch(() => undefined);
    await lab.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const n = rows.length;
  const numbers = (xs: Array<number | undefined>) => xs.filter((x): x is number => x !== undefined);
  console.log(`\nR2 renderer crashes: ${n} calls, agent A's renderer crashed mid-call in each`);
  for (const kind of ['kill', 'page-crash'] as const) {
    const of = rows.filter((r) => r.how === kind);
    console.log(`  ${kind.padEnd(10)}: ${of.filter((r) => r.survived).length}/${of.length} survived`);
  }
  console.log(
    `  calls surviving (up at both ends, re-INVITE at the far end, audio both ways): ` +
      `${rows.filter((r) => r.survived).length}/${n}`,
  );
  console.log(formatRow('  media gap at the far end (B)', summarise(numbers(rows.map((r) => r.gapMs))), 'ms', 0));
  console.log(
    formatRow('  crash → page reloaded by the host', summarise(numbers(rows.map((r) => r.reloadMs))), 'ms', 0),
  );
  console.log(formatRow('  crash → A’s audio back at B', summarise(numbers(rows.map((r) => r.backMs))), 'ms', 0));
  console.log(formatRow('  longest poll interval at B', summarise(numbers(rows.map((r) => r.pollMs))), 'ms', 0));
}

type CrashKind = 'kill' | 'page-crash';
interface CallRow {
  how: CrashKind;
  talkMs: number;
  crashAt: number;
  gapMs: number | undefined;
  backMs: number | undefined;
  reloadMs: number | undefined;
  pollMs: number | undefined;
  survived: boolean;
  problem?: string;
}

async function oneCall(
  agentA: OwnChromiumAgent,
  agentB: E2eAgent,
  aUser: string,
  how: CrashKind,
  talkMs: number,
  notBefore: number,
): Promise<CallRow> {
  const row: CallRow = {
    how,
    talkMs,
    crashAt: 0,
    gapMs: undefined,
    backMs: undefined,
    reloadMs: undefined,
    pollMs: undefined,
    survived: false,
  };
  const pB = agentB.page;
  let pA = agentA.page;
  await pB.getByTestId('dial-input').fill(aUser);
  await pB.getByTestId('dial-input').press('Enter');
  await waitFor(async () => (await callState(pA)) === 'ringing', 10_000, 'ringing at A');
  await clickTestId(pA, 'call-answer');
  await waitFor(async () => (await callState(pB)) === 'active', 10_000, 'the call up at B');
  await waitFor(async () => (await level(pA)) > 0.01 && (await level(pB)) > 0.01, 15_000, 'audio both ways');
  // The seeded time in the call, or longer when the last crash was too recent for the host's reload bound.
  row.talkMs = Math.max(talkMs, notBefore - Date.now());
  await pB.waitForTimeout(row.talkMs);

  const offersBefore = await offers(pB);
  const reloadsBefore = logLines(agentA, reloaded).length;
  const renegotiationsBefore = logLines(agentA, renegotiating).length;
  await pB.evaluate(() => (window as unknown as ProbeWindow).__probe.start());
  row.crashAt = Date.now();
  if (how === 'kill') for (const pid of agentA.rendererPids()) process.kill(pid, 'SIGKILL');
  else {
    const session = await pA.context().newCDPSession(pA);
    // The renderer dies before it can answer: the command's own result never comes.
    void session.send('Page.crash').catch(() => undefined);
  }
  try {
    await waitFor(async () => logLines(agentA, reloaded).length > reloadsBefore, 10_000, 'the host reloading the page');
    row.reloadMs = Date.parse(logLines(agentA, reloaded).at(-1)!.slice(0, 24)) - row.crashAt;
    // Attached once the reloaded page runs (the core saw it attach as the media host), not while it navigates.
    await waitFor(async () => logLines(agentA, renegotiating).length > renegotiationsBefore, 10_000, 'the page back');
    pA = await agentA.reattach();
    await waitFor(async () => (await callState(pA)) === 'active', 15_000, 'the call on the reloaded page');
    await waitFor(async () => (await offers(pB)) > offersBefore, 10_000, 'the re-INVITE at the far end');
    // Packets counted after the reload are the new page's: the old renderer was gone before the host saw it crash.
    const reloadedAt = row.crashAt + row.reloadMs;
    await waitFor(
      async () => (await pB.evaluate(() => (window as unknown as ProbeWindow).__probe.lastAt())) > reloadedAt,
      15_000,
      'A’s audio back at the far end',
    );
    // A hears B again: its inbound byte count (refreshed once a second) grows.
    const before = (await callQuality(pA)).inBytes;
    await waitFor(async () => (await callQuality(pA)).inBytes > before + 1000, 10_000, 'B’s audio back at A');
    await pB.waitForTimeout(1000);
    row.survived = (await callState(pA)) === 'active' && (await callState(pB)) === 'active';
  } catch (e) {
    row.problem = (e as Error).message;
  }
  const probe = await pB.evaluate(() => (window as unknown as ProbeWindow).__probe.stop());
  // The crash's gap: the longest that ended after the crash (packets already on their way may still land first).
  const after = probe.gaps.filter((g) => g.endedAt > row.crashAt);
  const longest = after.reduce<ProbeGap | undefined>((m, g) => (m && m.ms >= g.ms ? m : g), undefined);
  row.gapMs = longest?.ms;
  row.backMs = longest ? longest.endedAt - row.crashAt : undefined;
  row.pollMs = probe.poll;

  await clickTestId(pB, 'call-hangup');
  await waitFor(
    async () => (await callState(pA)) === 'none' && (await callState(pB)) === 'none',
    15_000,
    'both ends idle',
  ).catch(async () => {
    await clickTestId(pA, 'call-hangup');
    await waitFor(async () => /ended|none/.test(await callState(pB)), 10_000, 'the far end idle');
  });
  return row;
}

const reloaded = 'the page reloaded after its crash';
const renegotiating = 'renegotiating media after renderer change';
/** Lines of agent A's host log holding `text` (each starts with its ISO time). */
const logLines = (agent: OwnChromiumAgent, text: string) =>
  agent.host
    .stderr()
    .split('\n')
    .filter((l) => l.includes(text));
const level = async (p: Page) => (await callQuality(p)).inLevel;
const offers = (p: Page) => p.evaluate(() => (window as unknown as ProbeWindow).__offers);

interface ProbeGap {
  ms: number;
  /** Wall-clock ms (epoch) of the poll that saw the gap end. */
  endedAt: number;
}
interface ProbeWindow {
  __offers: number;
  __probe: { start(): void; lastAt(): number; stop(): Promise<{ gaps: ProbeGap[]; poll: number | undefined }> };
}

/**
 * Observation only, in the far end's page before the app loads: keeps its peer connections, counts the remote
 * offers applied (the first INVITE's and every re-INVITE's), and while started polls inbound audio every ~10 ms,
 * keeping each interval over 40 ms between polls that saw `packetsReceived` grow on any inbound audio stream (a new
 * stream, the re-INVITE's, counts from zero), with the wall-clock time it ended. Stream ids change with the new
 * page's media, so the measure spans streams; Chromium caches a report ~50 ms, the floor of this measure.
 */
const farEndProbe = `(() => {
  const Native = window.RTCPeerConnection;
  const pcs = [];
  window.__offers = 0;
  const srd = Native.prototype.setRemoteDescription;
  Native.prototype.setRemoteDescription = function (d, ...rest) {
    if (d && d.type === 'offer') window.__offers++;
    return srd.call(this, d, ...rest);
  };
  window.RTCPeerConnection = function (...a) { const pc = new Native(...a); pcs.push(pc); return pc; };
  window.RTCPeerConnection.prototype = Native.prototype;
  Object.setPrototypeOf(window.RTCPeerConnection, Native);
  let run;
  window.__probe = {
    start() {
      const r = { on: true, gaps: [], poll: undefined, seen: new Map(), lastWall: 0 };
      run = r;
      r.done = (async () => {
        let polled;
        while (r.on) {
          const now = performance.now();
          if (polled !== undefined) r.poll = Math.max(r.poll ?? 0, now - polled);
          polled = now;
          const wall = performance.timeOrigin + now;
          let grew = false;
          for (const pc of pcs) {
            if (pc.connectionState === 'closed') continue;
            (await pc.getStats()).forEach((s) => {
              if (s.type !== 'inbound-rtp' || s.kind !== 'audio') return;
              // A stream seen for the first time (the re-INVITE's new one) counts from zero.
              if (s.packetsReceived > (r.seen.get(s.id) ?? 0)) grew = true;
              r.seen.set(s.id, s.packetsReceived);
            });
          }
          if (grew) {
            if (r.lastWall && wall - r.lastWall > 40) r.gaps.push({ ms: wall - r.lastWall, endedAt: wall });
            r.lastWall = wall;
          }
          await new Promise((res) => setTimeout(res, 10));
        }
      })();
    },
    lastAt: () => (run ? run.lastWall : 0),
    async stop() {
      const r = run;
      if (!r) return { gaps: [], poll: undefined };
      r.on = false;
      await r.done;
      run = undefined;
      return { gaps: r.gaps, poll: r.poll };
    },
  };
})();`;

async function waitFor(cond: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
