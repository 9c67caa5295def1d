import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
// @ts-expect-error: plain JavaScript module shared with `npm run lab`
import { startLab } from '../../test/lab/lab-core.mjs';
import { toneWav } from '../../test/support/audio-files';
import type { LabEnv } from '../../test/support/lab-env';
import { labAccount } from '../../test/support/lab-env';
import {
  callState,
  click,
  connect,
  inboundLevel,
  openPage,
  startAgent,
  stopAgent,
  type Agent,
} from '../../test/support/mute-agents';
import { scoreClip } from '../../test/support/vad-eval';
import { clipSet, onsetClip, readWav } from '../../test/support/voice-clips';
import { VoiceActivityDetector } from '../../renderer/src/media/vad';
import { reExecInPrivateNetwork } from '../support/netns';
import { formatRow, summarise } from '../support/stats';

/**
 * bench/mute:
 *  1. mute command → outbound audio silent at the far end: agent A (tone microphone) clicks Mute; agent B's
 *     getStats inbound audioLevel, polled every 10 ms in B's page, falls below 0.001. Both stamped with Date.now()
 *     (one machine, one clock).
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
const built = spawnSync(process.execPath, [path.join(root, 'build', 'bundle.mjs')], {
  stdio: ['ignore', 'ignore', 'inherit'],
});
if (built.status !== 0) {
  console.error('build failed');
  process.exit(1);
}

/** Resolves with Date.now() when B's inbound level has stayed below `below` for one poll (10 ms polls). */
const farEndSilentAt = (p: Page, below: number, timeoutMs: number) =>
  p.evaluate(
    async ([b, t]) => {
      const pcs = (window as unknown as { __diademaTest: { pcs: RTCPeerConnection[] } }).__diademaTest.pcs.filter(
        (pc) => pc.connectionState !== 'closed',
      );
      const end = Date.now() + t!;
      while (Date.now() < end) {
        let level = 1;
        for (const pc of pcs)
          (await pc.getStats()).forEach((s: Record<string, unknown>) => {
            if (s.type === 'inbound-rtp' && s.kind === 'audio') level = Number(s.audioLevel ?? 1);
          });
        if (level < b!) return Date.now();
        await new Promise((r) => setTimeout(r, 10));
      }
      return NaN;
    },
    [below, timeoutMs] as const,
  );

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
const silentMs: number[] = [];
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

  // 1. mute → silent at the far end.
  let pageA = await openPage(a, toneWav(440));
  await connect(pageA, pageB, accB.user, poll);
  for (let i = 0; i < rounds; i++) {
    await until(async () => (await inboundLevel(pageB)) > 0.01, 15_000, 'far end hears A');
    await pageA.waitForTimeout(300);
    const silent = farEndSilentAt(pageB, 0.001, 5000);
    const t0 = await pageA.evaluate(() => {
      const t = Date.now();
      (document.querySelector('[data-testid=mute-toggle]') as HTMLButtonElement).click();
      return t;
    });
    const t1 = await silent;
    if (Number.isFinite(t1)) silentMs.push(t1 - t0);
    await click(pageA, 'mute-toggle');
  }
  await click(pageA, 'call-hangup');
  await until(async () => /ended|none/.test(await callState(pageB)), 10_000, 'hang-up');

  // 2. speech onset → warning.
  pageA = await openPage(a, onsetClip(rounds + 2));
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
  for (const x of agents) await stopAgent(x);
  await lab.stop();
  rmSync(dir, { recursive: true, force: true });
}

console.log(`mute through Kamailio + rtpengine, two Chromium agents on loopback (${rounds} rounds)`);
console.log(formatRow('mute click → far end silent', summarise(silentMs), 'ms', 1));
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
