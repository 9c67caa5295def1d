import type { Page } from 'playwright-core';

/**
 * What bench/mute stamps in the pages, on one clock: `performance.timeOrigin + performance.now()` in each page and
 * in Node (the same machine's wall clock, sub-millisecond).
 *
 * Sender side (agent A): an init script wraps `MediaStreamTrack.prototype.enabled` and `RTCRtpSender.replaceTrack`
 * and records every change of an audio track that is sending, with its time — the moment the microphone stops (or
 * starts again) reaching the encoder.
 *
 * Far end (agent B): the decoded audio itself — the received track through an AnalyserNode, RMS of its last 256
 * samples (5.3 ms at 48 kHz) read every 5 ms, in dBFS. Not getStats: both `audioLevel` and `totalAudioEnergy` come
 * from libwebrtc's level meter, a peak that decays ×4 about every 110 ms, so they report a tone (about −10 dBFS)
 * for ~450 ms after the decoder fell silent. The meter (`audioLevel`) is recorded beside it for comparison.
 */
export const stampSenders = `(() => {
  const now = () => performance.timeOrigin + performance.now();
  const changes = [];
  window.__senderChanges = changes;
  const sending = new WeakSet();
  const desc = Object.getOwnPropertyDescriptor(MediaStreamTrack.prototype, 'enabled');
  Object.defineProperty(MediaStreamTrack.prototype, 'enabled', {
    configurable: true,
    get() { return desc.get.call(this); },
    set(v) {
      const before = desc.get.call(this);
      desc.set.call(this, v);
      if (this.kind === 'audio' && sending.has(this) && before !== Boolean(v)) changes.push({ at: now(), on: Boolean(v) });
    },
  });
  const addTrack = RTCPeerConnection.prototype.addTrack;
  RTCPeerConnection.prototype.addTrack = function (track, ...rest) { sending.add(track); return addTrack.call(this, track, ...rest); };
  const addTransceiver = RTCPeerConnection.prototype.addTransceiver;
  RTCPeerConnection.prototype.addTransceiver = function (t, ...rest) {
    if (t && typeof t === 'object') sending.add(t);
    return addTransceiver.call(this, t, ...rest);
  };
  const replace = RTCRtpSender.prototype.replaceTrack;
  RTCRtpSender.prototype.replaceTrack = async function (track) {
    const had = this.track && this.track.enabled;
    const r = await replace.call(this, track);
    if (track) sending.add(track);
    const has = Boolean(track && track.enabled);
    if (this.track === track && (track === null || track.kind === 'audio') && had !== has) changes.push({ at: now(), on: has });
    return r;
  };
})();`;

/** Audio sender changes in A's page after `since` (ms on the shared clock): the first one that turns it `on`. */
export const senderChangeAfter = (p: Page, since: number, on: boolean, timeoutMs: number) =>
  p.evaluate(
    async ([s, want, t]) => {
      const w = window as unknown as { __senderChanges: Array<{ at: number; on: boolean }> };
      const end = performance.now() + t!;
      while (performance.now() < end) {
        const hit = w.__senderChanges.find((c) => c.at >= s! && c.on === want);
        if (hit) return hit.at;
        await new Promise((r) => setTimeout(r, 2));
      }
      return NaN;
    },
    [since, on, timeoutMs] as const,
  );

export interface FarEndWatch {
  /** First read whose decoded RMS crossed the threshold (shared clock), NaN if none in time. */
  decodedAt: number;
  /** First getStats whose `audioLevel` crossed the meter threshold (shared clock), NaN if none in time. */
  meterAt: number;
  /** Analyser reads made and their median interval (ms): how fine the far-end stamp is. */
  polls: number;
  medianPollMs: number;
}

/**
 * In B's page: `window.__farEndDbfs()`, the decoded RMS of the latest 256 samples of the received audio track in
 * dBFS, through an AnalyserNode made on first use (and again when the track changes). A string, evaluated as is:
 * the page's CSP allows no eval of its own.
 */
const farEndScript = `(() => {
  if (window.__farEndDbfs) return;
  let current;
  window.__farEndDbfs = () => {
    const track = window.__diademaTest.pcs
      .filter((pc) => pc.connectionState !== 'closed')
      .flatMap((pc) => pc.getReceivers())
      .map((r) => r.track)
      .find((t) => t.kind === 'audio' && t.readyState === 'live');
    if (!track) throw new Error('no received audio track');
    if (!current || current.track !== track) {
      const ctx = new AudioContext();
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 256;
      ctx.createMediaStreamSource(new MediaStream([track])).connect(analyser);
      current = { track, analyser, buf: new Float32Array(analyser.fftSize) };
    }
    current.analyser.getFloatTimeDomainData(current.buf);
    let s = 0;
    for (const x of current.buf) s += x * x;
    return 10 * Math.log10(s / current.buf.length + 1e-12);
  };
})()`;
type FarEndWindow = { __farEndDbfs: () => number };

/**
 * Starts watching B's decoded audio and returns once it reads; `done` resolves once the decoded RMS went below
 * `dbfs` (`falling`) or above it (rising), and the level meter below/above `meter`, or after `timeoutMs`.
 */
export async function watchFarEnd(
  p: Page,
  o: { falling: boolean; dbfs: number; meter: number; timeoutMs: number },
): Promise<{ done: Promise<FarEndWatch> }> {
  await p.evaluate(farEndScript);
  await p.evaluate((opts) => {
    const w = window as unknown as FarEndWindow & {
      __diademaTest: { pcs: RTCPeerConnection[] };
      __watch?: Promise<FarEndWatch>;
    };
    const dbfs = w.__farEndDbfs;
    const now = () => performance.timeOrigin + performance.now();
    const end = now() + opts.timeoutMs;
    const pcs = w.__diademaTest.pcs.filter((pc) => pc.connectionState !== 'closed');
    const crossed = (v: number, at: number) => (opts.falling ? v < at : v > at);
    const meter = (async () => {
      while (now() < end) {
        let level = opts.falling ? 1 : 0;
        for (const pc of pcs)
          (await pc.getStats()).forEach((s: Record<string, unknown>) => {
            if (s.type === 'inbound-rtp' && s.kind === 'audio') level = Number(s.audioLevel ?? level);
          });
        if (crossed(level, opts.meter)) return now();
        await new Promise((r) => setTimeout(r, 5));
      }
      return NaN;
    })();
    const decoded = (async () => {
      const gaps: number[] = [];
      let prev = now();
      let at = NaN;
      while (now() < end) {
        const t = now();
        gaps.push(t - prev);
        prev = t;
        if (crossed(dbfs(), opts.dbfs)) {
          at = t;
          break;
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      gaps.sort((a, b) => a - b);
      return { at, polls: gaps.length, medianPollMs: gaps[Math.floor(gaps.length / 2)] ?? NaN };
    })();
    w.__watch = Promise.all([decoded, meter]).then(([d, m]) => ({
      decodedAt: d.at,
      meterAt: m,
      polls: d.polls,
      medianPollMs: d.medianPollMs,
    }));
  }, o);
  return { done: p.evaluate(() => (window as unknown as { __watch: Promise<FarEndWatch> }).__watch) };
}

/** Decoded RMS at B over a few reads `ms` apart, the lowest (rising: for "clearly hears A") or highest (dBFS). */
export const decodedDbfs = async (p: Page, ms: number, pick: 'min' | 'max' = 'min') => {
  await p.evaluate(farEndScript);
  return p.evaluate(
    async ([span, which]) => {
      const dbfs = (window as unknown as FarEndWindow).__farEndDbfs;
      const reads: number[] = [];
      for (let i = 0; i < 5; i++) {
        reads.push(dbfs());
        await new Promise((r) => setTimeout(r, span! / 5));
      }
      return which === 'min' ? Math.min(...reads) : Math.max(...reads);
    },
    [ms, pick] as const,
  );
};
