import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
// @ts-expect-error: plain JavaScript module shared with `npm run lab`
import { startLab } from '../../test/lab/lab-core.mjs';
import { callState, clickTestId, registrationState, startE2eAgent, type E2eAgent } from '../../test/support/e2e-agent';
import { labAccount, type LabEnv } from '../../test/support/lab-env';
import { startTcpProxy, type TcpProxy } from '../../test/support/tcp-proxy';
import { reExecInPrivateNetwork, requirePrivateNetwork } from '../support/netns';
import { formatRow, summarise } from '../support/stats';
import { seededRandom } from '../../test/support/seeded-random';
import { buildBundle } from '../support/bundle';

/**
 * Mid-call signalling outages as the agent and the customer hear them: two Diadema agents in Chromium (browser host
 * + real WebRTC, fake microphones playing tones) through the lab's Kamailio. Agent A reaches Kamailio's WebSocket
 * through a TCP relay the drill cuts for a seeded 2–10 s while a call with B is up; B is connected directly.
 *
 * Per call: whether it is still up at both ends after the outage, whether B's hang-up after recovery reaches A, and
 * the audio gap at each end, from 1 s before the cut until 1 s after the re-INVITE that follows the reconnect has
 * been applied at both ends, placed before / during / after the outage by when it began:
 *  - received: the longest interval between inbound RTP packets (`inbound-rtp` `lastPacketReceivedTimestamp` when
 *    `packetsReceived` grows, polled every 5 ms). Chromium refreshes a peer connection's stats about every 50 ms
 *    (it caches the report), so intervals of 40–60 ms are the floor of this measure, not gaps;
 *  - played: the longest interval without audio decoded from a packet (the receiver's synchronization source
 *    `timestamp`, which concealment does not advance), read live every 5 ms.
 *
 * Chromium's WebRTC must stay on loopback: the caller runs this inside a private network namespace
 * (`reExecInPrivateNetwork`, as the standalone entry at the end of this file does).
 */
export async function midCallMediaDrill(o: {
  calls: number;
  seed: number;
  /** Self-check of the measure: B stops sending audio this long in the middle of each outage (A must see it). */
  plantGapMs?: number;
}): Promise<void> {
  requirePrivateNetwork('midCallMediaDrill');
  const random = seededRandom(o.seed);
  const between = (lo: number, hi: number) => Math.round(lo + random() * (hi - lo));
  buildBundle();

  const dir = mkdtempSync(path.join(os.tmpdir(), 'diadema-bench-midcall-media-'));
  const lab = (await startLab({ dir, media: true })) as { env: LabEnv; stop(): Promise<void> };
  let proxy: TcpProxy | undefined;
  const agents: E2eAgent[] = [];
  const rows: CallRow[] = [];
  try {
    proxy = await startTcpProxy({ host: lab.env.host, port: lab.env.wsPort });
    const settings = { 'acw.durationSec': 0 };
    const a = labAccount(lab.env, 4);
    const b = labAccount(lab.env, 5);
    const agentA = await startE2eAgent({
      server: proxy.wsUrl,
      account: a,
      toneHz: 440,
      settings,
      initScript: pageProbe,
    });
    agents.push(agentA);
    const agentB = await startE2eAgent({
      server: lab.env.ws,
      account: b,
      toneHz: 660,
      settings,
      initScript: pageProbe,
    });
    agents.push(agentB);
    console.log(`seed ${o.seed}; ${o.calls} calls, agent A behind the relay, B direct; audio polled every 5 ms`);
    for (let i = 0; i < o.calls; i++) {
      const row = await oneCall(agentA, agentB, proxy, a.user, between(2000, 10_000), o.plantGapMs);
      rows.push(row);
      const f = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(0));
      const phases = (e: Pick<EndGaps, 'gap' | 'long'>) =>
        `${f(longestIn(e, 'before'))}/${f(longestIn(e, 'outage'))}/${f(longestIn(e, 'reconnect'))}`;
      console.log(
        `  call ${String(i + 1).padStart(2)}: outage ${row.outageMs} ms, ` +
          `back → registered ${f(row.registeredMs)} ms; ` +
          `longest gap before/during/after the outage, received at A ${phases(row.a)} B ${phases(row.b)}, ` +
          `played at A ${phases(row.a.played)} B ${phases(row.b.played)} ms; ` +
          `poll ≤ ${f(row.a.poll)}/${f(row.b.poll)} ms; survived ${row.survived}, BYE after ${row.byeAfter}`,
      );
    }
  } finally {
    for (const agent of agents) await agent.dispose().catch(() => undefined);
    await proxy?.close();
    await lab.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const n = rows.length;
  const outages = rows.map((r) => r.outageMs);
  const numbers = (xs: Array<number | undefined>) => xs.filter((x): x is number => x !== undefined);
  console.log(
    `\nMid-call signalling outages in Chromium: ${n} calls, outage ${Math.min(...outages)}–${Math.max(...outages)} ms`,
  );
  console.log(`  calls surviving the outage (up at both ends): ${rows.filter((r) => r.survived).length}/${n}`);
  console.log(`  far-end BYE after recovery reaching the agent: ${rows.filter((r) => r.byeAfter).length}/${n}`);
  console.log(formatRow('  relay back → registered', summarise(numbers(rows.map((r) => r.registeredMs))), 'ms', 0));
  const ends = rows.flatMap((r) => [r.a, r.b]);
  const gapRow = (label: string, xs: Array<number | undefined>) =>
    console.log(formatRow(label, summarise(numbers(xs)), 'ms', 0));
  console.log('  audio gap (longest interval without an inbound RTP packet), per call and end:');
  gapRow(
    '    at the agent (A), whole window',
    rows.map((r) => r.a.gap),
  );
  gapRow(
    '    at the far end (B), whole window',
    rows.map((r) => r.b.gap),
  );
  gapRow(
    '    both ends, whole window',
    ends.map((e) => e.gap),
  );
  gapRow(
    '    both ends, before the cut (1 s)',
    ends.map((e) => longestIn(e, 'before')),
  );
  gapRow(
    '    both ends, during the outage',
    ends.map((e) => longestIn(e, 'outage')),
  );
  gapRow(
    '    both ends, reconnect + re-INVITE',
    ends.map((e) => longestIn(e, 'reconnect')),
  );
  console.log('  audio gap played (longest interval without audio decoded from a packet), per call and end:');
  gapRow(
    '    at the agent (A), whole window',
    rows.map((r) => r.a.played.gap),
  );
  gapRow(
    '    at the far end (B), whole window',
    rows.map((r) => r.b.played.gap),
  );
  gapRow(
    '    both ends, before the cut (1 s)',
    ends.map((e) => longestIn(e.played, 'before')),
  );
  gapRow(
    '    both ends, during the outage',
    ends.map((e) => longestIn(e.played, 'outage')),
  );
  gapRow(
    '    both ends, reconnect + re-INVITE',
    ends.map((e) => longestIn(e.played, 'reconnect')),
  );
  console.log('    (a phase without a gap over 40 ms counts as 40 ms)');
  console.log(`  calls with a gap over 200 ms at either end: ${rows.filter(overTarget).length}/${n}`);
  gapRow(
    '  longest poll interval (A and B)',
    ends.map((e) => e.poll),
  );
}

type Phase = 'before' | 'outage' | 'reconnect';
interface PlacedGap {
  ms: number;
  phase: Phase;
}
interface EndGaps {
  gap: number | undefined;
  /** The longest interval between two polls of the page's stats: a gap shorter than this cannot be told apart. */
  poll: number | undefined;
  long: PlacedGap[];
  /** Played out from packets (not concealment): what the person hears. */
  played: { gap: number | undefined; long: PlacedGap[] };
}
/** The longest gap in a phase; 40 ms (the threshold for keeping a gap) when none was longer. */
const longestIn = (e: Pick<EndGaps, 'gap' | 'long'>, phase: Phase): number | undefined =>
  e.gap === undefined ? undefined : Math.max(0, ...e.long.filter((g) => g.phase === phase).map((g) => g.ms)) || 40;

interface CallRow {
  outageMs: number;
  registeredMs: number | undefined;
  a: EndGaps;
  b: EndGaps;
  survived: boolean;
  byeAfter: boolean;
}

const overTarget = (r: CallRow) =>
  [r.a.gap, r.b.gap, r.a.played.gap, r.b.played.gap].some((g) => (g ?? Infinity) > 200);

async function oneCall(
  agentA: E2eAgent,
  agentB: E2eAgent,
  proxy: TcpProxy,
  aUser: string,
  outageMs: number,
  plantGapMs?: number,
) {
  const row: CallRow = {
    outageMs,
    registeredMs: undefined,
    a: { gap: undefined, poll: undefined, long: [], played: { gap: undefined, long: [] } },
    b: { gap: undefined, poll: undefined, long: [], played: { gap: undefined, long: [] } },
    survived: false,
    byeAfter: false,
  };
  const [pA, pB] = [agentA.page, agentB.page];
  await waitFor(async () => (await registrationState(pA)) === 'registered', 30_000, 'A registered before the call');
  await pB.getByTestId('dial-input').fill(aUser);
  await pB.getByTestId('dial-input').press('Enter');
  await waitFor(async () => (await callState(pA)) === 'ringing', 10_000, 'ringing at A');
  await clickTestId(pA, 'call-answer');
  await waitFor(async () => (await callState(pB)) === 'active', 10_000, 'the call up at B');
  await waitFor(async () => (await audioFlowing(pA)) && (await audioFlowing(pB)), 15_000, 'audio both ways');
  await Promise.all([pA, pB].map((p) => p.evaluate(() => (window as unknown as ProbeWindow).__probe.start())));
  const srd = await Promise.all([pA, pB].map(remoteDescriptions));
  await pA.waitForTimeout(1000);

  const cutAt = Date.now();
  await proxy.cut();
  if (plantGapMs) {
    await pA.waitForTimeout(outageMs / 2);
    await pB.evaluate((ms) => (window as unknown as ProbeWindow).__pauseSending(ms), plantGapMs);
    await pA.waitForTimeout(Math.max(0, outageMs / 2 - plantGapMs));
  } else await pA.waitForTimeout(outageMs);
  await proxy.restore();
  const restoredAt = Date.now();
  const backAt = performance.now();
  try {
    await waitFor(async () => (await registrationState(pA)) === 'registered', 30_000, 'A registered again');
    row.registeredMs = performance.now() - backAt;
    // The re-INVITE after the reconnect: its offer applied at B, its answer at A.
    await waitFor(
      async () => (await remoteDescriptions(pA)) > srd[0]! && (await remoteDescriptions(pB)) > srd[1]!,
      10_000,
      'the re-INVITE after the reconnect at both ends',
    );
  } catch (e) {
    console.log(`    ${(e as Error).message}`);
  }
  await pA.waitForTimeout(1000);
  const [gA, gB] = await Promise.all(
    [pA, pB].map((p) => p.evaluate(() => (window as unknown as ProbeWindow).__probe.stop())),
  );
  // Placed by when each gap began: before the cut, while the relay was cut, or after it was back (the reconnect,
  // the re-REGISTER and the re-INVITE with its new offer/answer).
  const placed = (gaps: ProbeResult['long']): PlacedGap[] =>
    gaps.map((g) => {
      const began = g.endedAt - g.ms;
      return { ms: g.ms, phase: began < cutAt ? 'before' : began < restoredAt ? 'outage' : 'reconnect' };
    });
  const place = (r: ProbeResult): EndGaps => ({
    gap: r.gap,
    poll: r.poll,
    long: placed(r.long),
    played: { gap: r.playGap, long: placed(r.playLong) },
  });
  row.a = place(gA!);
  row.b = place(gB!);
  row.survived = (await callState(pA)) === 'active' && (await callState(pB)) === 'active';

  // The far end hangs up after the recovery: its BYE must reach A over the new connection.
  await clickTestId(pB, 'call-hangup');
  try {
    await waitFor(async () => /ended|none/.test(await callState(pA)), 5000, 'the BYE at A');
    row.byeAfter = row.survived;
  } catch {
    await clickTestId(pA, 'call-hangup');
  }
  await waitFor(
    async () => /ended|none/.test(await callState(pA)) && /ended|none/.test(await callState(pB)),
    10_000,
    'both ends idle',
  ).catch(() => undefined);
  // The ended card stays a moment; the next call starts from an idle phone at both ends.
  await waitFor(async () => (await callState(pA)) === 'none' && (await callState(pB)) === 'none', 15_000, 'idle').catch(
    () => undefined,
  );
  return row;
}

interface ProbeResult {
  gap: number | undefined;
  poll: number | undefined;
  /** Gaps over 40 ms, with the wall-clock time (ms since the epoch) each ended. */
  long: Array<{ ms: number; endedAt: number }>;
  /** The same for audio played from packets (the receiver's synchronization source). */
  playGap: number | undefined;
  playLong: Array<{ ms: number; endedAt: number }>;
}
interface ProbeWindow {
  __probe: { start(): void; stop(): Promise<ProbeResult> };
  __srd: number;
  __srdAt: number[];
  __pauseSending(ms: number): Promise<void>;
}

/**
 * Observation only, run in each page before the app loads: keeps every RTCPeerConnection the page makes, counts
 * the remote descriptions applied (a re-INVITE's offer or answer), and polls inbound audio while started.
 */
const pageProbe = `(() => {
  const Native = window.RTCPeerConnection;
  const pcs = [];
  window.__srd = 0;
  window.__srdAt = [];
  const srd = Native.prototype.setRemoteDescription;
  Native.prototype.setRemoteDescription = function (...a) {
    return srd.apply(this, a).then((r) => {
      window.__srd++;
      window.__srdAt.push(performance.timeOrigin + performance.now());
      return r;
    });
  };
  window.RTCPeerConnection = function (...a) { const pc = new Native(...a); pcs.push(pc); return pc; };
  window.RTCPeerConnection.prototype = Native.prototype;
  Object.setPrototypeOf(window.RTCPeerConnection, Native);
  // For the self-check only: the call's audio sender stops sending RTP for a while.
  window.__pauseSending = async (ms) => {
    const pc = pcs.filter((p) => p.connectionState !== 'closed').at(-1);
    const sender = pc && pc.getSenders().find((s) => s.track && s.track.kind === 'audio');
    if (!sender) throw new Error('no audio sender');
    const set = async (active) => {
      const p = sender.getParameters();
      p.encodings.forEach((e) => { e.active = active; });
      await sender.setParameters(p);
    };
    await set(false);
    await new Promise((r) => setTimeout(r, ms));
    await set(true);
  };
  let run;
  window.__probe = {
    start() {
      const r = {
        on: true, gap: undefined, poll: undefined, lastAt: undefined, packets: new Map(), long: [],
        playGap: undefined, playedAt: undefined, playLong: [], done: undefined,
      };
      run = r;
      r.done = (async () => {
        let polled;
        while (r.on) {
          const now = performance.now();
          if (polled !== undefined) r.poll = Math.max(r.poll ?? 0, now - polled);
          polled = now;
          for (const pc of pcs) {
            if (pc.connectionState === 'closed') continue;
            const stats = await pc.getStats();
            stats.forEach((s) => {
              if (s.type !== 'inbound-rtp' || s.kind !== 'audio') return;
              const seen = r.packets.get(s.id);
              r.packets.set(s.id, s.packetsReceived);
              if (seen === undefined || s.packetsReceived <= seen) return;
              const at = s.lastPacketReceivedTimestamp;
              if (r.lastAt !== undefined && at > r.lastAt) {
                r.gap = Math.max(r.gap ?? 0, at - r.lastAt);
                // Longer than a few packet times: kept with the wall-clock time it ended, to place it in the drill.
                if (at - r.lastAt > 40) r.long.push({ ms: at - r.lastAt, endedAt: performance.timeOrigin + now });
              }
              if (r.lastAt === undefined || at > r.lastAt) r.lastAt = at;
            });
            // What is played: the receiver's synchronization source advances only with frames decoded from RTP
            // packets (not concealment), and is read live, without getStats' cache.
            for (const rc of pc.getReceivers()) {
              if (rc.track.kind !== 'audio') continue;
              for (const src of rc.getSynchronizationSources()) {
                if (r.playedAt !== undefined && src.timestamp > r.playedAt) {
                  const ms = src.timestamp - r.playedAt;
                  r.playGap = Math.max(r.playGap ?? 0, ms);
                  if (ms > 40) r.playLong.push({ ms, endedAt: performance.timeOrigin + now });
                }
                if (r.playedAt === undefined || src.timestamp > r.playedAt) r.playedAt = src.timestamp;
              }
            }
          }
          await new Promise((res) => setTimeout(res, 5));
        }
      })();
    },
    async stop() {
      const r = run;
      if (!r) return { gap: undefined, poll: undefined, long: [], playGap: undefined, playLong: [] };
      r.on = false;
      await r.done;
      run = undefined;
      return { gap: r.gap, poll: r.poll, long: r.long, playGap: r.playGap, playLong: r.playLong };
    },
  };
})();`;

const remoteDescriptions = (p: Page) => p.evaluate(() => (window as unknown as ProbeWindow).__srd);
const audioFlowing = (p: Page) =>
  p.evaluate(
    () => Number(document.querySelector('[data-testid=call-quality]')?.getAttribute('data-inbound-level')) > 0.01,
  );

async function waitFor(cond: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// Standalone, for a run of this drill alone (the reliability bench imports the function instead):
//   npx esbuild bench/reliability/midcall-media.ts --bundle --platform=node --format=esm --packages=external \
//     --outfile=.tmp/bench-midcall-media.mjs && flock /tmp/diadema-lab.lock node .tmp/bench-midcall-media.mjs \
//     --calls=20 --seed=1        (--plant-gap=300: B stops sending for 300 ms in each outage, which A must show)
if (/midcall-media[^/]*\.m?[jt]s$/.test(process.argv[1] ?? '')) {
  reExecInPrivateNetwork('bench/reliability midcall-media');
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  await midCallMediaDrill({
    calls: Number(arg('calls') ?? 20),
    seed: Number(arg('seed') ?? Date.now() % 100_000),
    ...(arg('plant-gap') ? { plantGapMs: Number(arg('plant-gap')) } : {}),
  });
}
