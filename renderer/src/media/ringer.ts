import { ignorePromise } from '@common/ignore-promise';
import type { DeviceChoice } from './device-choice';
import { routeOutput, type SinkElement } from './device-routing';

/**
 * Rings on the chosen ringer device, and on the default speakers too when asked (the headset may be on the
 * desk). A synthesised two-tone ring: no audio file to ship, nothing to fetch. Follows plug and unplug: a ringer
 * that disappears mid-ring falls back to the default output, one that appears takes the ring over.
 * The tone generator is built at the first ring and kept, suspended between calls: starting an audio context opens
 * the audio output, which would otherwise sit on the path from a call arriving to its ring.
 */
export class Ringer {
  private tone: { ctx: AudioContext; gain: GainNode; stream: MediaStream } | undefined;
  private active = false;
  private elements: SinkElement[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  private generation = 0;

  constructor(private readonly doc: Document) {}

  get ringing(): boolean {
    return this.active;
  }

  private toneFor(win: Window & typeof globalThis): { ctx: AudioContext; gain: GainNode; stream: MediaStream } {
    if (this.tone) return this.tone;
    const ctx = new win.AudioContext();
    const gain = ctx.createGain();
    gain.gain.value = 0;
    for (const hz of [440, 480]) {
      const o = ctx.createOscillator();
      o.frequency.value = hz;
      o.connect(gain);
      o.start();
    }
    const dest = ctx.createMediaStreamDestination();
    gain.connect(dest);
    this.tone = { ctx, gain, stream: dest.stream };
    return this.tone;
  }

  /** The outputs ringing now (sink ids; '' is the system default). */
  sinks(): string[] {
    return this.elements.map((e) => (e.dataset.ringer === 'default' ? '' : (e.dataset.ringer ?? '')));
  }

  async start(ringer: DeviceChoice | null, alsoSpeakers: boolean): Promise<void> {
    if (this.active) return;
    const win = this.doc.defaultView as (Window & typeof globalThis) | null;
    if (!win?.AudioContext) return;
    const gen = ++this.generation;
    this.active = true;
    const { ctx, gain, stream } = this.toneFor(win);
    if (ctx.state === 'suspended') ignorePromise(ctx.resume().catch(() => undefined));
    // 2 s on, 4 s off.
    const cycle = () => {
      const t = ctx.currentTime;
      gain.gain.setValueAtTime(0.15, t);
      gain.gain.setValueAtTime(0, t + 2);
    };
    cycle();
    this.timer = setInterval(cycle, 6000);
    const devices = (await win.navigator.mediaDevices?.enumerateDevices().catch(() => [])) ?? [];
    // Stopped (answered, cancelled) while the devices were listed: ring nowhere.
    if (gen !== this.generation) return;
    const chosen = ringer ? await this.play(stream, devices, ringer, gen) : undefined;
    if (gen !== this.generation) return;
    // The chosen ringer, plus the default speakers when asked; the default alone when there is no ringer.
    if (chosen === undefined || (alsoSpeakers && chosen !== '')) await this.play(stream, devices, null, gen);
  }

  /** Plug, unplug or a new choice while ringing: ring again on what is there now. */
  async reroute(ringer: DeviceChoice | null, alsoSpeakers: boolean): Promise<void> {
    if (!this.active) return;
    this.stop();
    await this.start(ringer, alsoSpeakers);
  }

  stop(): void {
    this.generation++;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const el of this.elements.splice(0)) {
      el.srcObject = null;
      el.remove();
    }
    if (this.active && this.tone) {
      const { ctx, gain } = this.tone;
      gain.gain.cancelScheduledValues(0);
      gain.gain.value = 0;
      // Suspended, the context renders nothing and holds no audio output until the next ring.
      ignorePromise(ctx.suspend().catch(() => undefined));
    }
    this.active = false;
  }

  /** The page is going away: the tone generator goes too. */
  dispose(): void {
    this.stop();
    ignorePromise(this.tone?.ctx.close().catch(() => undefined));
    this.tone = undefined;
  }

  private async play(
    stream: MediaStream,
    devices: ReadonlyArray<MediaDeviceInfo>,
    choice: DeviceChoice | null,
    gen: number,
  ): Promise<string | undefined> {
    const el = this.doc.createElement('audio') as SinkElement;
    el.srcObject = stream;
    const sink = (await routeOutput(el, devices, choice)) ?? '';
    if (gen !== this.generation) {
      el.srcObject = null;
      return undefined;
    }
    el.dataset.ringer = sink || 'default';
    this.doc.body.appendChild(el);
    ignorePromise(el.play());
    this.elements.push(el);
    return sink;
  }
}
