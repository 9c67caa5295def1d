import { pickDevice, type DeviceChoice } from './device-choice';

/**
 * Rings on the chosen ringer device, and on the default speakers too when asked (the headset may be on the
 * desk). A synthesised two-tone ring: no audio file to ship, nothing to fetch.
 */
export class Ringer {
  private ctx: AudioContext | undefined;
  private elements: HTMLAudioElement[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly doc: Document) {}

  get ringing(): boolean { return this.ctx !== undefined; }

  async start(ringer: DeviceChoice | null, alsoSpeakers: boolean): Promise<void> {
    if (this.ctx) return;
    const win = this.doc.defaultView as (Window & typeof globalThis) | null;
    if (!win?.AudioContext) return;
    const ctx = new win.AudioContext();
    this.ctx = ctx;
    const gain = ctx.createGain();
    gain.gain.value = 0;
    const a = ctx.createOscillator(); a.frequency.value = 440; a.connect(gain);
    const b = ctx.createOscillator(); b.frequency.value = 480; b.connect(gain);
    const dest = ctx.createMediaStreamDestination();
    gain.connect(dest);
    a.start(); b.start();
    // 2 s on, 4 s off.
    const cycle = () => { const t = ctx.currentTime; gain.gain.setValueAtTime(0.15, t); gain.gain.setValueAtTime(0, t + 2); };
    cycle();
    this.timer = setInterval(cycle, 6000);
    const devices = await win.navigator.mediaDevices?.enumerateDevices().catch(() => []) ?? [];
    const targets = [pickDevice(devices, 'audiooutput', ringer) ?? ''];
    if (alsoSpeakers && targets[0] !== '') targets.push('');
    for (const sink of targets) {
      const el = this.doc.createElement('audio') as HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };
      el.srcObject = dest.stream;
      el.dataset.ringer = sink || 'default';
      if (sink && el.setSinkId) await el.setSinkId(sink).catch(() => undefined);
      this.doc.body.appendChild(el);
      void el.play().catch(() => undefined);
      this.elements.push(el);
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const el of this.elements.splice(0)) { el.srcObject = null; el.remove(); }
    void this.ctx?.close().catch(() => undefined);
    this.ctx = undefined;
  }
}
