import type { MuteReport, MuteStatus } from '@common/contract/mute';
import { systemClock, type Clock } from '@common/clock';
import { Emitter } from '@common/emitter';
import type { CallEvent } from '../phone/call-manager';

/** Levels above this count as audio leaving (getStats audioLevel is 0..1, linear). Speech sits around 0.02–0.3. */
const leakLevel = 0.01;
const silentLevel = 0.0005;
/** getStats levels lag a mute change; level-based checks wait this long after it. */
const levelGraceMs = 700;

export interface MuteMonitorOptions {
  clock?: Clock;
  settings: () => { longMuteSec: number; reminderEverySec: number };
  /** Ask the renderer to apply the state again (it re-sends the calls snapshot). */
  reapply: () => void;
}

/**
 * Watches the one mute state of the call for the agent: checks what the renderer reports actually leaves the PC
 * against it (and has the state re-applied on a mismatch), flags talking while muted, and raises an escalating
 * reminder when the agent has been muted so long that the customer may think the line is dead.
 */
export class MuteMonitor {
  private status: MuteStatus;
  private readonly clock: Clock;
  private reminder: unknown;
  private activeCall: string | undefined;
  private held = false;
  private readonly changes = new Emitter<MuteStatus>();

  constructor(private readonly o: MuteMonitorOptions) {
    this.clock = o.clock ?? systemClock;
    this.status = {
      muted: false,
      source: 'call-start',
      since: this.clock.now(),
      inCall: false,
      verification: 'unknown',
      reapplied: 0,
      talkingWhileMuted: false,
      analysisFailed: false,
    };
  }

  snapshot(): MuteStatus {
    return { ...this.status };
  }
  readonly onChange = this.changes.on;

  /** Feed every call-manager event here. */
  onCallEvent(e: CallEvent): void {
    switch (e.type) {
      case 'mute':
        this.set({
          muted: e.muted,
          source: e.source,
          since: e.at,
          verification: 'unknown',
          mismatch: undefined,
          talkingWhileMuted: false,
          longMute: undefined,
        });
        this.schedule();
        break;
      case 'answered':
        this.activeCall = e.call.id;
        this.held = false;
        this.set({ inCall: true, reapplied: 0, lastMismatch: undefined });
        this.schedule();
        break;
      case 'held':
      case 'resumed':
        if (e.call.id === this.activeCall) {
          this.held = e.type === 'held';
          this.set({ longMute: undefined });
          this.schedule();
        }
        break;
      case 'ended':
        if (e.call.id === this.activeCall) {
          this.activeCall = undefined;
          this.cancel();
          this.set({
            inCall: false,
            verification: 'unknown',
            mismatch: undefined,
            talkingWhileMuted: false,
            longMute: undefined,
          });
        }
        break;
      default:
        break;
    }
  }

  /** The renderer's measurement. Returns the mismatch found, if any. */
  report(r: MuteReport): MuteStatus['mismatch'] {
    const { muted } = this.status;
    // A report measured before the renderer heard of the latest change says nothing about it.
    const current = r.appliedMuted === undefined || r.appliedMuted === muted;
    // Levels from getStats trail a change by a few hundred ms; only the track state is judged at once.
    const settled = this.clock.now() - this.status.since >= levelGraceMs;
    let mismatch: MuteStatus['mismatch'];
    if (this.status.inCall && !this.held && current) {
      if (muted && r.trackEnabled) mismatch = 'track-enabled-while-muted';
      else if (muted && settled && r.outboundLevel > leakLevel) mismatch = 'audio-leaking-while-muted';
      else if (!muted && !r.trackEnabled) mismatch = 'track-disabled-while-unmuted';
      else if (!muted && settled && r.speech && r.micLevel > leakLevel && r.outboundLevel < silentLevel)
        mismatch = 'silent-while-unmuted';
    }
    const reapplied = mismatch ? this.status.reapplied + 1 : this.status.reapplied;
    const failed = r.analysisFailed ?? false;
    this.set({
      verification: !this.status.inCall ? 'unknown' : mismatch ? 'mismatch' : current ? 'ok' : this.status.verification,
      mismatch: current ? mismatch : this.status.mismatch,
      reapplied,
      ...(mismatch ? { lastMismatch: { kind: mismatch, at: this.clock.now() } } : {}),
      talkingWhileMuted: muted && this.status.inCall && r.speech && !failed,
      analysisFailed: failed,
      analysisError: failed ? (r.analysisError ?? 'error') : undefined,
    });
    if (mismatch) this.o.reapply();
    return mismatch;
  }

  private schedule(): void {
    this.cancel();
    if (!this.status.muted || !this.status.inCall || this.held) return;
    const { longMuteSec, reminderEverySec } = this.o.settings();
    const fire = (level: number) => {
      const elapsedSec = Math.round((this.clock.now() - this.status.since) / 1000);
      this.set({ longMute: { elapsedSec, level } });
      this.reminder = this.clock.setTimeout(() => fire(level + 1), reminderEverySec * 1000);
    };
    const due = Math.max(0, this.status.since + longMuteSec * 1000 - this.clock.now());
    this.reminder = this.clock.setTimeout(() => fire(1), due);
  }

  private cancel(): void {
    if (this.reminder !== undefined) {
      this.clock.clearTimeout(this.reminder);
      this.reminder = undefined;
    }
  }

  private set(patch: Partial<MuteStatus>): void {
    const next = { ...this.status, ...patch };
    for (const k of Object.keys(next) as Array<keyof MuteStatus>) if (next[k] === undefined) delete next[k];
    const changed = JSON.stringify(next) !== JSON.stringify(this.status);
    this.status = next;
    if (changed) this.changes.emit(this.snapshot());
  }
}
