/**
 * Voice-activity detector for the talking-while-muted warning. Pure: Float32 samples in, decisions out, no DOM and
 * no Web Audio, so the unit tests feed it WAV files in Node and the renderer feeds it the raw microphone.
 *
 * Speech is told from the other sounds of a call-centre desk by three measurements on each 32 ms frame
 * (16 kHz internally, 16 ms hop):
 *  - loudness in the telephone band (300–3400 Hz) above an adaptive noise floor: silence, steady fans and
 *    pink background noise raise the floor and stop counting;
 *  - periodicity (normalised autocorrelation of the pre-emphasised signal at pitch lags 2.5–14 ms, 70–400 Hz):
 *    voiced speech is periodic, breathing, hiss and pink noise are not;
 *  - low-frequency share (100–1000 Hz of the band): vowels carry their energy low, key clicks high;
 * and by duration: a frame counts only when all three agree, speech is declared after enough such frames in a
 * short window (a vowel lasts 60–200 ms; a key click 5–30 ms) and held for a hangover after the last one.
 * See `renderer/src/media/README.md` for the measured detection and false-alarm rates.
 */

export type VadSensitivity = 'low' | 'medium' | 'high';

export interface VadParams {
  /** dB above the noise floor a frame's band energy must reach. */
  marginDb: number;
  /** Minimum normalised autocorrelation peak at a pitch lag. */
  voicing: number;
  /** Minimum share of band energy below 1 kHz. */
  lowShare: number;
  /** Speech frames needed inside the decision window. */
  framesNeeded: number;
  /** Absolute floor: quieter frames never count (dBFS). */
  minDb: number;
}

export const vadPresets: Record<VadSensitivity, VadParams> = {
  low: { marginDb: 12, voicing: 0.55, lowShare: 0.45, framesNeeded: 8, minDb: -50 },
  medium: { marginDb: 9, voicing: 0.45, lowShare: 0.35, framesNeeded: 6, minDb: -55 },
  high: { marginDb: 6, voicing: 0.38, lowShare: 0.28, framesNeeded: 5, minDb: -60 },
};

export interface VadFrame {
  /** Time of the end of the frame since the detector started, ms of audio. */
  atMs: number;
  /** RMS level of the frame, 0..1 linear. */
  level: number;
  bandDb: number;
  floorDb: number;
  voicing: number;
  lowShare: number;
  /** This frame looks like voiced speech. */
  voiced: boolean;
  /** The smoothed decision: the agent is talking. */
  speech: boolean;
}

const rate = 16000;
const frameLen = 512;
const hop = 256;
const windowFrames = 15; // 240 ms decision window
const hangoverFrames = 30; // 480 ms held after the last speech frame
const minLag = Math.floor(rate / 400);
const maxLag = Math.ceil(rate / 70);

/** In-place iterative radix-2 FFT on (re, im). */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    const wr = Math.cos(ang),
      wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1,
        ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k,
          b = a + len / 2;
        const tr = re[b]! * cr - im[b]! * ci,
          ti = re[b]! * ci + im[b]! * cr;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a] = re[a]! + tr;
        im[a] = im[a]! + ti;
        const ncr = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = ncr;
      }
    }
  }
}

const hann = Float64Array.from(
  { length: frameLen },
  (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (frameLen - 1)),
);
const binHz = rate / frameLen;
const bin = (hz: number) => Math.round(hz / binHz);

/**
 * Streaming detector. `push` accepts blocks of any length at the input sample rate (8–48 kHz); it resamples to
 * 16 kHz by block averaging or sample holding (crude, and enough for these features) and returns the frames it completed.
 */
export class VoiceActivityDetector {
  private params: VadParams;
  private readonly step: number;
  private phase = 0;
  private acc = 0;
  private accN = 0;
  private readonly buf = new Float64Array(frameLen);
  private filled = 0;
  private frames = 0;
  private floorDb = -70;
  private readonly recent: boolean[] = [];
  private hang = 0;
  private speech = false;
  private readonly re = new Float64Array(frameLen);
  private readonly im = new Float64Array(frameLen);

  constructor(
    readonly inputRate: number,
    sensitivity: VadSensitivity | VadParams = 'medium',
  ) {
    if (!(inputRate >= 8000 && inputRate <= 192000)) throw new RangeError(`unsupported sample rate ${inputRate}`);
    this.params = typeof sensitivity === 'string' ? vadPresets[sensitivity] : sensitivity;
    this.step = inputRate / rate;
  }

  setSensitivity(s: VadSensitivity): void {
    this.params = vadPresets[s];
  }
  get speaking(): boolean {
    return this.speech;
  }

  push(samples: ArrayLike<number>): VadFrame[] {
    const out: VadFrame[] = [];
    for (let i = 0; i < samples.length; i++) {
      this.acc += samples[i]!;
      this.accN++;
      this.phase += 1;
      if (this.phase < this.step) continue;
      // Above 16 kHz: the mean of the block; below: each input sample held for as many outputs as it spans.
      const v = this.acc / this.accN;
      while (this.phase >= this.step) {
        this.phase -= this.step;
        this.feed(v, out);
      }
      this.acc = 0;
      this.accN = 0;
    }
    return out;
  }

  private feed(x: number, out: VadFrame[]): void {
    this.buf[this.filled++] = x;
    if (this.filled < frameLen) return;
    out.push(this.analyse());
    this.buf.copyWithin(0, hop);
    this.filled = frameLen - hop;
  }

  private analyse(): VadFrame {
    const p = this.params;
    const x = this.buf;
    let sum = 0;
    for (let i = 0; i < frameLen; i++) sum += x[i]! * x[i]!;
    const level = Math.sqrt(sum / frameLen);
    // Spectrum: band energy and low-frequency share.
    for (let i = 0; i < frameLen; i++) {
      this.re[i] = x[i]! * hann[i]!;
      this.im[i] = 0;
    }
    fft(this.re, this.im);
    let band = 0,
      low = 0;
    for (let k = bin(300); k <= bin(3400); k++) band += this.re[k]! ** 2 + this.im[k]! ** 2;
    for (let k = bin(100); k <= bin(1000); k++) low += this.re[k]! ** 2 + this.im[k]! ** 2;
    let upper = 0;
    for (let k = bin(1000) + 1; k <= bin(3400); k++) upper += this.re[k]! ** 2 + this.im[k]! ** 2;
    const lowShare = low + upper > 0 ? low / (low + upper) : 0;
    // Band energy as the dBFS of a sine that would carry it (Hann gain 0.375, two-sided spectrum).
    const bandDb = 10 * Math.log10(band / ((frameLen * frameLen * 0.375) / 2) + 1e-12);
    const voicing = this.periodicity();
    const loud = bandDb > p.minDb && bandDb > this.floorDb + p.marginDb;
    const voiced = loud && voicing >= p.voicing && lowShare >= p.lowShare;
    // Noise floor: falls at once to quieter frames, rises slowly (≈3 dB/s) so that speech never becomes floor.
    if (bandDb < this.floorDb) this.floorDb = Math.max(-90, bandDb);
    else if (!voiced) this.floorDb += Math.min(bandDb - this.floorDb, 0.05);
    this.recent.push(voiced);
    if (this.recent.length > windowFrames) this.recent.shift();
    const count = this.recent.reduce((n, v) => n + (v ? 1 : 0), 0);
    if (count >= p.framesNeeded) {
      this.speech = true;
      this.hang = hangoverFrames;
    } else if (this.hang > 0) this.hang--;
    else this.speech = false;
    this.frames++;
    return {
      atMs: (((this.frames - 1) * hop + frameLen) * 1000) / rate,
      level,
      bandDb,
      floorDb: this.floorDb,
      voicing,
      lowShare,
      voiced,
      speech: this.speech,
    };
  }

  /** Largest normalised autocorrelation of the pre-emphasised frame over pitch lags (70–400 Hz). */
  private periodicity(): number {
    const x = this.buf;
    const y = new Float64Array(frameLen);
    for (let i = 1; i < frameLen; i++) y[i] = x[i]! - 0.95 * x[i - 1]!;
    const energy = new Float64Array(frameLen + 1);
    for (let i = 0; i < frameLen; i++) energy[i + 1] = energy[i]! + y[i]! * y[i]!;
    if (energy[frameLen]! < 1e-9) return 0;
    let best = 0;
    for (let lag = minLag; lag <= maxLag; lag++) {
      let r = 0;
      const n = frameLen - lag;
      for (let i = 0; i < n; i++) r += y[i]! * y[i + lag]!;
      const e = Math.sqrt((energy[n]! - energy[0]!) * (energy[frameLen]! - energy[lag]!));
      if (e > 0 && r / e > best) best = r / e;
    }
    return best;
  }
}
