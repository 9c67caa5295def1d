import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// @ts-expect-error: plain JavaScript module shared with `npm run lab`
import { startLab } from '../../test/lab/lab-core.mjs';
import { startBrowserHost, type BrowserHost } from '../../electron/browser-host/host-server';
import { silentLogger } from '../../electron/node/log';
import { startAgentCore, type AgentCore } from '../../test/support/agent-core';
import { launchAgentBrowser } from '../../test/support/chromium';
import { FakeHid } from '../../test/support/fake-hid';
import { jabraDescriptor, jabraInfo } from '../../test/support/shared-headsets';
import { toneWav } from '../../test/support/audio-files';
import type { LabEnv } from '../../test/support/lab-env';
import { labAccount } from '../../test/support/lab-env';
import {
  callState,
  click,
  connect,
  observeMedia,
  openPage,
  startAgent,
  stopAgent,
  type Agent,
} from '../../test/support/mute-agents';
import { scoreClip } from '../../test/support/vad-eval';
import { clipSet, onsetClip, readWav } from '../../test/support/voice-clips';
import { VoiceActivityDetector } from '../../renderer/src/media/vad';
import { reExecInPrivateNetwork } from '../support/netns';
import { decodedDbfs, senderChangeAfter, stampSenders, watchFarEnd, type FarEndWatch } from './decoder';
import { formatRow, summarise } from '../support/stats';
import { buildBundle } from '../support/bundle';

/**
 * bench/mute:
 *  1. mute and unmute, from a click in A's page and from a headset report (a real Jabra descriptor behind a
 *     node-hid stand-in, as in test/e2e/headset.test.ts): trigger → A's audio sender track disabled (or enabled),
 *     and trigger → the decoded energy at B below −60 dBFS (or above −40 dBFS again), from getStats
 *     totalAudioEnergy / totalSamplesDuration deltas polled every 5 ms (./decoder.ts). Chromium's level meter
 *     (inbound audioLevel < 0.001) is printed beside it: it is what this bench measured before, and mostly the
 *     meter's own decay. All stamps on one clock (performance.timeOrigin + performance.now(), pages and Node).
 *  2. speech onset → warning shown: agent A muted, microphone = 2.5 s silence / 2 s speech cycles. The onset is
 *     measured on a clone of the analysis microphone track (RMS over 10 ms crosses -40 dBFS after ≥ 1 s below
 *     -50 dBFS), the warning by a MutationObserver; both in A's page.
 *  3. detection rate and false alarms of the detector on the generated clips, per sensitivity (Node).
 * Chromium WebRTC needs the private network namespace that `npm test` uses: this re-runs itself under unshare.
 */
const quick = process.argv.includes('--quick');
const rounds = quick ? 6 : 20;

reExecInPrivateNetwork('bench/mute');

const root = process.cwd();
buildBundle(root);

const until = async (fn: () => Promise<boolean>, ms: number, what: string) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
};

const dir = mkdtempSync(path.join(os.tmpdir(), 'diadema-bench-mute-'));
const lab = (await startLab({ dir })) as { env: LabEnv; stop(): Promise<void> };
const agents: Agent[] = [];
interface Split {
  sender: number[];
  decoded: number[];
  meter: number[];
  missed: number;
  pollMs: number[];
}
const split = (): Split => ({ sender: [], decoded: [], meter: [], missed: 0, pollMs: [] });
const figures = {
  click: { mute: split(), unmute: split() },
  headset: { mute: split(), unmute: split() },
};
/** One round's stamps: trigger, the sender change, and the far end's decoder / meter crossing. */
const record = (f: Split, t0: number, sender: number, far: FarEndWatch) => {
  if (Number.isFinite(sender)) f.sender.push(sender - t0);
  if (Number.isFinite(far.decodedAt)) f.decoded.push(far.decodedAt - t0);
  else f.missed++;
  if (Number.isFinite(far.meterAt)) f.meter.push(far.meterAt - t0);
  f.pollMs.push(far.medianPollMs);
};
let jitterMs: number | undefined;
let coreH: AgentCore | undefined;
let hostH: BrowserHost | undefined;
let browserH: Awaited<ReturnType<typeof launchAgentBrowser>> | undefined;
const warnMs: number[] = [];
let missedWarnings = 0;
try {
  const accA = labAccount(lab.env, 1);
  const accB = labAccount(lab.env, 2);
  const a = await startAgent(accA, lab.env.ws);
  agents.push(a);
  const b = await startAgent(accB, lab.env.ws);
  agents.push(b);
  const pageB = await openPage(b, toneWav(660));
  const poll = async (fn: () => Promise<string>, want: string) =>
    until(async () => (await fn()) === want, 15_000, want);

  // 1. mute / unmute → sender, → decoder at the far end; from a click and from a headset report.
  const hid = new FakeHid();
  const hidPath = '/dev/hidraw9';
  hid.plug(jabraInfo(hidPath), jabraDescriptor());
  const accH = labAccount(lab.env, 3);
  coreH = await startAgentCore({ hid, account: { server: lab.env.ws, user: accH.user, password: accH.password } });
  coreH.media.detach(); // Chromium hosts the media, not the Node stand-in.
  hostH = await startBrowserHost({
    core: coreH.core,
    rendererDir: path.join(root, 'dist', 'renderer'),
    log: silentLogger,
  });
  browserH = await launchAgentBrowser({ audioFile: toneWav(440) });
  const pageH = await browserH.context.newPage();
  await pageH.addInitScript({ content: observeMedia + stampSenders });
  await pageH.goto(hostH.url);
  await pageH.locator('[data-testid=registration-state][data-state=registered]').waitFor({ timeout: 15_000 });
  const headset = () => hid.handles.get(hidPath)!;
  await pageB.getByTestId('dial-input').fill(accH.user);
  await pageB.getByTestId('dial-input').press('Enter');
  await poll(() => callState(pageH), 'ringing');
  headset().send('020100'); // hook switch: off-hook answers
  await poll(() => callState(pageH), 'active');
  await poll(() => callState(pageB), 'active');
  const clock = () => performance.timeOrigin + performance.now();
  const triggers = {
    click: () =>
      pageH.evaluate(() => {
        const t = performance.timeOrigin + performance.now();
        (document.querySelector('[data-testid=mute-toggle]') as HTMLButtonElement).click();
        return t;
      }),
    headset: async () => {
      const t = clock();
      headset().send('020500'); // Mute pressed (with the hook off), then released
      headset().send('020100');
      return t;
    },
  };
  for (let i = 0; i < rounds; i++) {
    for (const [how, trigger] of Object.entries(triggers) as Array<[keyof typeof triggers, () => Promise<number>]>) {
      await until(async () => (await decodedDbfs(pageB, 200)) > -40, 15_000, 'far end hears A');
      await pageH.waitForTimeout(200);
      const silent = await watchFarEnd(pageB, { falling: true, dbfs: -60, meter: 0.001, timeoutMs: 3000 });
      const t0 = await trigger();
      const off = await senderChangeAfter(pageH, t0 - 1, false, 3000);
      record(figures[how].mute, t0, off, await silent.done);
      await until(async () => (await decodedDbfs(pageB, 100, 'max')) < -60, 5000, 'far end silent');
      await pageH.waitForTimeout(200);
      const audible = await watchFarEnd(pageB, { falling: false, dbfs: -40, meter: 0.01, timeoutMs: 3000 });
      const t1 = await trigger();
      const on = await senderChangeAfter(pageH, t1 - 1, true, 3000);
      record(figures[how].unmute, t1, on, await audible.done);
    }
  }
  // The far end's jitter buffer: how much of trigger → decoded is audio waiting to be played out at B.
  jitterMs = await pageB.evaluate(async () => {
    const pcs = (window as unknown as { __diademaTest: { pcs: RTCPeerConnection[] } }).__diademaTest.pcs;
    let delay = 0;
    let emitted = 0;
    for (const pc of pcs.filter((x) => x.connectionState !== 'closed'))
      (await pc.getStats()).forEach((s: Record<string, unknown>) => {
        if (s.type !== 'inbound-rtp' || s.kind !== 'audio') return;
        delay += Number(s.jitterBufferDelay ?? 0);
        emitted += Number(s.jitterBufferEmittedCount ?? 0);
      });
    return emitted ? (1000 * delay) / emitted : NaN;
  });
  headset().send('020000'); // on-hook: hang up
  await until(async () => /ended|none/.test(await callState(pageB)), 10_000, 'hang-up');
  await browserH.dispose();
  browserH = undefined;

  // 2. speech onset → warning.
  const pageA = await openPage(a, onsetClip(rounds + 2));
  await connect(pageA, pageB, accB.user, poll);
  await click(pageA, 'mute-toggle');
  await pageA.evaluate(async () => {
    const w = window as unknown as {
      __diademaTest: { streams: Array<{ stream: MediaStream; raw: boolean }> };
      __onsets: number[];
      __warnings: number[];
    };
    const deadline = Date.now() + 10_000;
    let raw: MediaStream | undefined;
    while (!raw && Date.now() < deadline) {
      raw = w.__diademaTest.streams.find((s) => s.raw)?.stream;
      if (!raw) await new Promise((r) => setTimeout(r, 50));
    }
    if (!raw) throw new Error('no analysis stream');
    w.__onsets = [];
    w.__warnings = [];
    const ctx = new AudioContext();
    const an = ctx.createAnalyser();
    an.fftSize = 512;
    ctx.createMediaStreamSource(new MediaStream([raw.getAudioTracks()[0]!.clone()])).connect(an);
    const buf = new Float32Array(an.fftSize);
    let quietSince = Date.now();
    setInterval(() => {
      an.getFloatTimeDomainData(buf);
      let s = 0;
      for (let i = buf.length - 480; i < buf.length; i++) s += buf[i]! * buf[i]!;
      const db = 10 * Math.log10(s / 480 + 1e-12);
      const now = Date.now();
      if (db < -50) {
        if (!quietSince) quietSince = now;
      } else if (db > -40) {
        if (quietSince && now - quietSince >= 1000) w.__onsets.push(now);
        quietSince = 0;
      }
    }, 10);
    let shown = false;
    new MutationObserver(() => {
      const now = document.querySelector('[data-testid=mute-warning-talking]') !== null;
      if (now && !shown) w.__warnings.push(Date.now());
      shown = now;
    }).observe(document.body, { childList: true, subtree: true });
  });
  await pageA.waitForTimeout((rounds + 1) * 4500);
  const { onsets, warnings } = await pageA.evaluate(() => {
    const w = window as unknown as { __onsets: number[]; __warnings: number[] };
    return { onsets: w.__onsets, warnings: w.__warnings };
  });
  for (const o of onsets) {
    const w = warnings.find((x) => x >= o && x - o < 2500);
    if (w === undefined) missedWarnings++;
    else warnMs.push(w - o);
  }
  await click(pageA, 'call-hangup');
} finally {
  await browserH?.dispose();
  await hostH?.close();
  await coreH?.dispose();
  for (const x of agents) await stopAgent(x);
  await lab.stop();
  rmSync(dir, { recursive: true, force: true });
}

console.log(`mute through Kamailio + rtpengine, two Chromium agents on loopback (${rounds} rounds)`);
for (const how of ['click', 'headset'] as const) {
  for (const dir of ['mute', 'unmute'] as const) {
    const f = figures[how][dir];
    const what = how === 'click' ? `${dir} click` : `headset ${dir} report`;
    console.log(formatRow(`${what} → sender ${dir === 'mute' ? 'silent' : 'live'}`, summarise(f.sender), 'ms', 1));
    console.log(
      formatRow(`${what} → far end decoded ${dir === 'mute' ? '< −60' : '> −40'} dBFS`, summarise(f.decoded), 'ms', 1),
    );
    console.log(
      formatRow(
        `${what} → far end meter ${dir === 'mute' ? '< 0.001' : '> 0.01'} (audioLevel)`,
        summarise(f.meter),
        'ms',
        1,
      ),
    );
    if (f.missed) console.log(`  ${what}: ${f.missed} rounds without a decoder crossing within 3 s`);
  }
}
const pollMs = Object.values(figures).flatMap((x) => [...x.mute.pollMs, ...x.unmute.pollMs]);
console.log(
  `far end: decoded audio read every ${summarise(pollMs).median.toFixed(1)} ms (median); ` +
    `mean jitter-buffer delay over the calls ${jitterMs?.toFixed(1) ?? '—'} ms`,
);
console.log(formatRow('speech onset → warning shown', summarise(warnMs), 'ms', 1));
console.log(`speech onsets without a warning within 2.5 s: ${missedWarnings}`);

// 3. The detector on the generated clips (1-second windows flagged as speech).
console.log('\ndetector on generated clips (Node, 20 ms blocks): windows flagged as speech / windows');
const clips = clipSet(12);
const sens = ['low', 'medium', 'high'] as const;
console.log(
  `${'clip'.padEnd(24)}${'kind'.padEnd(11)}${sens.map((s) => s.padStart(10)).join('')}   first detection (medium)`,
);
const totals = Object.fromEntries(sens.map((s) => [s, { hit: 0, speechW: 0, fa: 0, otherW: 0 }]));
for (const c of clips) {
  const scores = sens.map((s) => scoreClip(c, s));
  scores.forEach((sc, i) => {
    const t = totals[sens[i]!]!;
    if (c.speech) {
      t.hit += sc.flaggedWindows;
      t.speechW += sc.windows;
    } else {
      t.fa += sc.flaggedWindows;
      t.otherW += sc.windows;
    }
  });
  const first = scores[1]!.firstDetectionMs;
  console.log(
    `${c.name.padEnd(24)}${(c.speech ? 'speech' : 'not speech').padEnd(11)}${scores.map((sc) => `${sc.flaggedWindows}/${sc.windows}`.padStart(10)).join('')}   ${first === undefined ? '—' : `${(first - 300).toFixed(0)} ms after onset`}`,
  );
}
{
  const { rate, samples } = readWav(clips[0]!.file);
  const vad = new VoiceActivityDetector(rate);
  const t0 = performance.now();
  const frames = vad.push(samples).length;
  console.log(`CPU per 16 ms frame (Node, one clip): ${((performance.now() - t0) / frames).toFixed(3)} ms`);
}
console.log(
  `${'detection rate'.padEnd(35)}${sens.map((s) => `${((100 * totals[s]!.hit) / totals[s]!.speechW).toFixed(1)}%`.padStart(10)).join('')}`,
);
console.log(
  `${'false alarms (windows)'.padEnd(35)}${sens.map((s) => `${((100 * totals[s]!.fa) / totals[s]!.otherW).toFixed(1)}%`.padStart(10)).join('')}`,
);
