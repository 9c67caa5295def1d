import type { AnalysisError } from '@common/contract/mute';
import { Emitter } from '@common/emitter';
import { ignorePromise } from '@common/ignore-promise';
import { VoiceActivityDetector, type VadSensitivity } from './vad';

export interface MicAnalysisState {
  running: boolean;
  /** RMS of the raw microphone over the last frame, 0..1. */
  level: number;
  speech: boolean;
  error?: AnalysisError;
}

export interface MicAnalysisDeps {
  mediaDevices: MediaDevices | undefined;
  createContext: (() => AudioContext) | undefined;
  /** The same microphone the call uses (device choice), asked for raw: no echo cancelling, no noise suppression. */
  deviceId(): string | undefined;
  sensitivity(): VadSensitivity;
  /** Poll period; the analyser keeps 4096 samples (85 ms at 48 kHz), so anything below ~80 ms loses nothing. */
  pollMs?: number;
}

/**
 * The separate analysis path: its own getUserMedia stream of the agent's microphone (so it keeps hearing while
 * the call's sender track is disabled by mute), an AnalyserNode, and the voice-activity detector fed with the
 * samples that arrived since the last poll. It never touches the call's tracks and nothing of it is sent.
 */
export class MicAnalysis {
  private state: MicAnalysisState = { running: false, level: 0, speech: false };
  private stream: MediaStream | undefined;
  private ctx: AudioContext | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private vad: VoiceActivityDetector | undefined;
  private readonly changes = new Emitter<MicAnalysisState>();
  private starting: Promise<void> | undefined;
  private generation = 0;

  constructor(private readonly d: MicAnalysisDeps) {}

  snapshot(): MicAnalysisState {
    return { ...this.state };
  }
  readonly onChange = this.changes.on;
  get active(): boolean {
    return this.state.running || this.starting !== undefined;
  }

  start(): Promise<void> {
    if (this.state.running) return Promise.resolve();
    this.starting ??= this.open().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  stop(): void {
    this.generation++;
    this.release();
    this.set({ running: false, level: 0, speech: false, error: undefined });
  }

  private async open(): Promise<void> {
    const gen = ++this.generation;
    const md = this.d.mediaDevices;
    if (!md?.getUserMedia || !this.d.createContext) {
      this.fail('unsupported');
      return;
    }
    let stream: MediaStream;
    try {
      const id = this.d.deviceId();
      stream = await md.getUserMedia({
        audio: {
          ...(id ? { deviceId: { ideal: id } } : {}),
          echoCancellation: false,
          noiseSuppression: false,
          autoGainControl: false,
        },
        video: false,
      });
    } catch (err) {
      const name = (err as DOMException)?.name;
      this.fail(
        name === 'NotAllowedError' || name === 'SecurityError'
          ? 'permission'
          : name === 'NotFoundError' || name === 'OverconstrainedError'
            ? 'no-microphone'
            : 'error',
      );
      return;
    }
    if (gen !== this.generation) {
      for (const t of stream.getTracks()) t.stop();
      return;
    }
    const track = stream.getAudioTracks()[0];
    if (!track) {
      this.fail('no-microphone');
      return;
    }
    let created: AudioContext | undefined;
    try {
      const ctx = this.d.createContext();
      created = ctx;
      if (ctx.state === 'suspended') {
        // Still suspended: its clock stands still, so the poll finds no new samples and judges nothing.
        try {
          await ctx.resume();
        } catch {
          /* see above */
        }
      }
      // Stopped (the call ended) while the context resumed: nothing of this start may stay open.
      if (gen !== this.generation) {
        for (const t of stream.getTracks()) t.stop();
        ignorePromise(ctx.close());
        return;
      }
      const source = ctx.createMediaStreamSource(stream);
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 4096;
      analyser.smoothingTimeConstant = 0;
      source.connect(analyser);
      this.stream = stream;
      this.ctx = ctx;
      this.vad = new VoiceActivityDetector(ctx.sampleRate, this.d.sensitivity());
      // A microphone unplugged (or taken by the OS) ends the track: say so; the mute state itself is the core's.
      track.addEventListener('ended', () => {
        if (gen === this.generation) {
          this.release();
          this.fail('microphone-lost');
        }
      });
      const buf = new Float32Array(analyser.fftSize);
      let lastTime = ctx.currentTime;
      this.timer = setInterval(() => {
        const now = ctx.currentTime;
        const fresh = Math.min(buf.length, Math.round((now - lastTime) * ctx.sampleRate));
        lastTime = now;
        if (fresh <= 0 || !this.vad) return;
        analyser.getFloatTimeDomainData(buf);
        this.analyse(buf.subarray(buf.length - fresh));
      }, this.d.pollMs ?? 40);
      this.set({ running: true, level: 0, speech: false, error: undefined });
    } catch {
      for (const t of stream.getTracks()) t.stop();
      if (created && created !== this.ctx) ignorePromise(created.close());
      this.fail('error');
    }
  }

  private analyse(samples: Float32Array): void {
    const vad = this.vad!;
    const want = this.d.sensitivity();
    vad.setSensitivity(want);
    const frames = vad.push(samples);
    const last = frames.at(-1);
    if (!last) return;
    const level = Math.min(1, Math.max(...frames.map((f) => f.level)));
    if (last.speech !== this.state.speech) this.set({ level, speech: last.speech });
    else this.state = { ...this.state, level };
  }

  private fail(error: AnalysisError): void {
    this.set({ running: false, level: 0, speech: false, error });
  }

  private release(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const t of this.stream?.getTracks() ?? []) t.stop();
    this.stream = undefined;
    ignorePromise(this.ctx?.close());
    this.ctx = undefined;
    this.vad = undefined;
  }

  private set(patch: Partial<MicAnalysisState>): void {
    const next = { ...this.state, ...patch };
    if (next.error === undefined) delete next.error;
    this.state = next;
    this.changes.emit(this.snapshot());
  }
}
