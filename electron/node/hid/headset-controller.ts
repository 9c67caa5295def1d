import type { HeadsetStatus } from '@common/contract/headset';
import { Emitter } from '@common/emitter';
import { bytesToHex } from '@common/hid/report-descriptor';
import { encodeLeds, EventDecoder, type ControlEvent } from '@common/hid/report-codec';
import type { OutputName, TelephonyModel } from '@common/hid/telephony-model';

/** What the headset may ask of the phone. The core decides; the headset only requests. */
export interface HeadsetCallPort {
  answer(): void;
  hangUp(): void;
  reject(): void;
  hold(on: boolean): void;
  setMute(muted: boolean): void;
  /** A mute press with no call (on-hook): there is nothing to mute, and the agent must be told so. */
  muteRefused(): void;
  changeVolume(step: 1 | -1): void;
}
export interface HeadsetCallState {
  phase: 'idle' | 'ringing' | 'active' | 'held';
  muted: boolean;
}

/**
 * The host side of a headset. The host owns hook, mute and ring: a button press is a request, and a report
 * that merely repeats what the host already holds (the device echoing our own LED write, a second report of the
 * same press) is ignored. Lights always follow the call state, and each output report is written only when its
 * bytes change.
 */
export class HeadsetController {
  private readonly decoder: EventDecoder;
  private state: HeadsetCallState = { phase: 'idle', muted: false };
  private readonly written = new Map<number, string>();
  private status: HeadsetStatus = { usable: true };
  private garbage = 0;
  private readonly statusChanged = new Emitter<HeadsetStatus>();
  private readonly decoded = new Emitter<ControlEvent>();
  private testLights: Set<OutputName> | undefined;

  constructor(
    private readonly model: TelephonyModel,
    private readonly write: (report: Uint8Array) => Promise<void>,
    private readonly port: HeadsetCallPort,
  ) {
    this.decoder = new EventDecoder(model);
  }

  readonly onStatus = this.statusChanged.on;
  getStatus(): HeadsetStatus {
    return this.status;
  }
  /** Every decoded button event, acted on or not (the headset check screen shows them live). */
  readonly onEvent = this.decoded.on;

  /** Headset check: light the given LEDs while no call is up; `undefined` returns the lights to the call state. */
  async test(lights: ReadonlySet<OutputName> | undefined): Promise<boolean> {
    // Never during a call: the lights must tell the truth about the call.
    if (this.state.phase !== 'idle') return false;
    this.testLights = lights ? new Set(lights) : undefined;
    await this.writeLeds();
    return true;
  }

  /** An input report from the device. Never throws: garbage is counted and reported once. */
  onReport(report: Uint8Array): ControlEvent[] {
    const { events, ignored } = this.decoder.push(report);
    if (ignored) {
      if (++this.garbage === 20)
        this.setStatus({
          usable: false,
          reason: 'garbage-reports',
          detail: `${ignored.reason} (report ${bytesToHex(report.subarray(0, 8))})`,
        });
      return [];
    }
    const acted: ControlEvent[] = [];
    for (const e of events) {
      this.decoded.emit(e);
      if (this.act(e)) acted.push(e);
    }
    return acted;
  }

  private offHook(): boolean {
    return this.state.phase === 'active' || this.state.phase === 'held';
  }

  private act(e: ControlEvent): boolean {
    const relative = this.model.inputs[e.usage]?.relative ?? false;
    switch (e.usage) {
      case 'hookSwitch': {
        // A level equal to what the host holds is an echo or a repeat; a pulse toggles.
        const wantOffHook = relative ? !this.offHook() : e.value !== 0;
        if (wantOffHook === this.offHook() && !(this.state.phase === 'ringing' && wantOffHook)) return false;
        if (wantOffHook && this.state.phase === 'ringing') {
          this.port.answer();
          return true;
        }
        if (!wantOffHook && this.offHook()) {
          this.port.hangUp();
          return true;
        }
        return false;
      }
      case 'phoneMute': {
        // Mute only while off-hook: an on-hook press is refused (the device cannot show it) and reported as such.
        if (!this.offHook()) {
          if (relative || e.value !== 0) this.port.muteRefused();
          return false;
        }
        const want = relative ? !this.state.muted : e.value !== 0;
        if (want === this.state.muted) return false;
        this.port.setMute(want);
        return true;
      }
      case 'drop':
        if (this.state.phase === 'ringing') {
          this.port.reject();
          return true;
        }
        if (this.offHook()) {
          this.port.hangUp();
          return true;
        }
        return false;
      case 'flash':
        if (!this.offHook()) return false;
        this.port.hold(this.state.phase === 'active');
        return true;
      case 'volumeUp':
      case 'volumeDown':
        if (e.value === 0) return false;
        this.port.changeVolume(e.usage === 'volumeUp' ? 1 : -1);
        return true;
      default:
        return false;
    }
  }

  /** The call state from the core: lights follow it. Returns the reports written. */
  async onCallState(next: HeadsetCallState): Promise<string[]> {
    // Mute is meaningless on-hook; the call-start reset comes from the core with the new call.
    this.state = { phase: next.phase, muted: next.phase === 'active' || next.phase === 'held' ? next.muted : false };
    if (next.phase !== 'idle') this.testLights = undefined;
    return this.writeLeds();
  }

  /** After a reconnect: write every report again, whatever was cached. */
  async restore(): Promise<string[]> {
    this.written.clear();
    return this.writeLeds();
  }

  private leds(): Set<OutputName> {
    if (this.testLights) return new Set(this.testLights);
    const on = new Set<OutputName>();
    const s = this.state;
    if (s.phase === 'ringing') {
      on.add('ring');
      on.add('ringer');
    }
    if (s.phase === 'active' || s.phase === 'held') {
      on.add('offHook');
      on.add('onLine');
    }
    if (s.phase === 'held') on.add('hold');
    if ((s.phase === 'active' || s.phase === 'held') && s.muted) {
      on.add('mute');
      on.add('microphone');
    }
    return on;
  }

  private async writeLeds(): Promise<string[]> {
    const out: string[] = [];
    if (!this.status.usable && this.status.reason === 'write-failed') return out;
    for (const r of encodeLeds(this.model, this.leds())) {
      const hex = bytesToHex(r.bytes);
      if (this.written.get(r.reportId) === hex) continue;
      try {
        await this.write(r.bytes);
        this.written.set(r.reportId, hex);
        out.push(hex);
      } catch (err) {
        // The device vanished mid-write: say so once; the call is not affected.
        this.setStatus({
          usable: false,
          reason: 'write-failed',
          detail: String((err as Error)?.message ?? err).slice(0, 200),
        });
        break;
      }
    }
    return out;
  }

  private setStatus(s: HeadsetStatus): void {
    this.status = s;
    this.statusChanged.emit(s);
  }
}
