import { ignorePromise } from '@common/ignore-promise';

/**
 * A soft tone in the agent's ear only: its own AudioContext played through an <audio> element routed to the
 * agent's speaker/headset output. It is never connected to a call's sender, so the far end cannot hear it.
 */
export class WarningTone {
  private ctx: AudioContext | undefined;
  private el: HTMLAudioElement | undefined;
  private dest: MediaStreamAudioDestinationNode | undefined;

  constructor(
    private readonly doc: Document,
    private readonly sinkId: () => Promise<string | undefined>,
  ) {}

  /** `pulses` short 660 Hz blips at a low level (escalation adds pulses). */
  async play(pulses = 1): Promise<boolean> {
    const AC = this.doc.defaultView?.AudioContext;
    if (!AC) return false;
    try {
      this.ctx ??= new AC();
      if (this.ctx.state === 'suspended') await this.ctx.resume().catch(() => undefined);
      if (!this.dest) {
        this.dest = this.ctx.createMediaStreamDestination();
        this.el = this.doc.createElement('audio');
        this.el.dataset.role = 'mute-warning-tone';
        this.el.srcObject = this.dest.stream;
        const withSink = this.el as HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };
        const id = await this.sinkId();
        if (id && withSink.setSinkId) await withSink.setSinkId(id).catch(() => undefined);
        ignorePromise(this.el.play());
      }
      const t0 = this.ctx.currentTime + 0.02;
      for (let i = 0; i < Math.min(3, Math.max(1, pulses)); i++) {
        const osc = this.ctx.createOscillator();
        const gain = this.ctx.createGain();
        osc.frequency.value = 660;
        const at = t0 + i * 0.3;
        gain.gain.setValueAtTime(0, at);
        gain.gain.linearRampToValueAtTime(0.06, at + 0.03);
        gain.gain.linearRampToValueAtTime(0, at + 0.18);
        osc.connect(gain).connect(this.dest);
        osc.start(at);
        osc.stop(at + 0.2);
      }
      return true;
    } catch {
      return false;
    }
  }

  dispose(): void {
    this.el?.remove();
    ignorePromise(this.ctx?.close());
    this.ctx = undefined;
    this.el = undefined;
    this.dest = undefined;
  }
}
