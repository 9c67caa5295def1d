import type { MuteSource } from '@common/contract/mute';
import type { Settings } from '@common/settings/schema';
import { systemClock, type Clock } from '@common/clock';
import { Emitter } from '@common/emitter';

export type { MuteSource };

/** One change of the mute state: what it is now, who asked, when. */
export interface MuteChange {
  muted: boolean;
  source: MuteSource;
  at: number;
}

export interface MuteStateOptions {
  /** `mute.onCallStart`: the state every call starts in. */
  onCallStart: () => Settings['mute.onCallStart'];
  clock?: Clock;
}

/**
 * The one mute state of the agent, and the rule that every call starts in the configured state. Buttons, the
 * headset, hotkeys and the call manager all change it through `set`; the renderer applies it to the sender track
 * and the headset lights follow it, but neither holds a mute of its own.
 */
export class MuteState {
  private state = false;
  private readonly changed = new Emitter<MuteChange>();
  private readonly clock: Clock;

  constructor(private readonly o: MuteStateOptions) {
    this.clock = o.clock ?? systemClock;
  }

  readonly onChange = this.changed.on;
  get muted(): boolean {
    return this.state;
  }

  /** The one mute command; returns the state now. Setting the state it already has changes nothing. */
  set(muted: boolean, source: MuteSource): boolean {
    if (this.state === muted) return muted;
    this.state = muted;
    this.changed.emit({ muted, source, at: this.clock.now() });
    return muted;
  }

  /**
   * A call is being placed or answered: the call-start state is in place before any media is negotiated, so not a
   * syllable leaves before it applies. Not for a consult call, and not while another call is in conversation
   * (dialling out mid-call must not mute that conversation); a call on hold is no reason to wait.
   */
  callStarting(o: { consult: boolean; anotherInConversation: boolean }): void {
    if (o.consult || o.anotherInConversation) return;
    this.set(this.startsMuted(), 'call-start');
  }

  /** A call was established: it starts in the configured state, whatever the previous call ended in. */
  callEstablished(o: { consult: boolean }): void {
    if (!o.consult) this.set(this.startsMuted(), 'call-start');
  }

  /** The last live call ended: nobody is left to be muted towards. */
  lastCallEnded(): void {
    if (this.state) this.set(false, 'call-start');
  }

  private startsMuted(): boolean {
    return this.o.onCallStart() === 'muted';
  }
}
