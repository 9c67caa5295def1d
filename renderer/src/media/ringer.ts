import { ignorePromise } from '@common/ignore-promise';
import type { DeviceChoice } from './device-choice';
import { routeOutput, type SinkElement } from './device-routing';

/**
 * Rings on the chosen ringer device, and on the default speakers too when asked (the headset may be on the
 * desk). A synthesised two-tone ring: no audio file to ship, nothing to fetch. Follows plug and unplug: a ringer
 * that disappears mid-ring falls back to the default output, one that appears takes the ring over.
 */
export class Ringer {
  private ctx: AudioContext | undefined;
  private elements: SinkElement[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  private generation = 0;

  constructor(private readonly doc: Document) {}

  get ringing(): boolean {
    return this.ctx !== undefined;
  }

  /** The outputs ringing now (sink ids; '' is the system default). */
  sinks(): string[] {
    return this.elements.map((e) => (e.dataset.ringer === 'default' ? '' : (e.dataset.ringer ?? '')));
  }

  async start(ringer: DeviceChoice | null, alsoSpeakers: boolean): Promise<void> {
    if (this.ctx) return;
    const win = this.doc.defaultView as (Window & typeof globalThis) | null;
    if (!win?.AudioContext) return;
    const gen = ++this.generation;
    const ctx = new win.AudioContext();
    this.ctx = ctx;
    const gain = ctx.createGain();
    gain.gain.value = 0;
    const a = ctx.createOscillator();
    a.frequency.value = 440;
    a.connect(gain);
    const b = ctx.createOscillator();
    b.frequency.value = 480;
    b.connect(gain);
    const dest = ctx.createMediaStreamDestination();
    gain.connect(dest);
    a.start();
    b.start();
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
    const chosen = ringer ? await this.play(dest.stream, devices, ringer, gen) : undefined;
    if (gen !== this.generation) return;
    // The chosen ringer, plus the default speakers when asked; the default alone when there is no ringer.
    if (chosen === undefined || (alsoSpeakers && chosen !== '')) await this.play(dest.stream, devices, null, gen);
  }

  /** Plug, unplug or a new choice while ringing: ring again on what is there now. */
  async reroute(ringer: DeviceChoice | null, alsoSpeakers: boolean): Promise<void> {
    if (!this.ctx) return;
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
    ignorePromise(this.ctx?.close());
    this.ctx = undefined;
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
