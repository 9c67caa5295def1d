import { systemClock, type Clock } from '@common/clock';
import type { CallNotice } from '@common/contract/calls';
import type { ControlEvent } from '@common/hid/report-codec';
import type { MuteState } from './mute-state';

/** One press is announced once, even when it reaches the core both as a button event and as a request. */
const onePressMs = 1000;

export interface HeadsetMuteOptions {
  /** A call is talking or on hold: only then is there anything to mute. */
  inConversation: () => boolean;
  mute: Pick<MuteState, 'set'>;
  /** Tells the agent (the `call.notice` event). */
  notice: (n: CallNotice) => void;
  clock?: Clock;
}

/**
 * The core's answer to the headset's mute button. During a call a press is a mute request like any other (source
 * `headset`). With no call there is nothing to mute: the core refuses and says so (`call.notice` `mute-on-hook`),
 * so the agent never believes a press muted something, and the renderer only shows what the core decided.
 */
export class HeadsetMute {
  private lastRefusal: number | undefined;
  private readonly clock: Clock;

  constructor(private readonly o: HeadsetMuteOptions) {
    this.clock = o.clock ?? systemClock;
  }

  /** The headset asks for a mute state (its call port's `setMute`). */
  request(muted: boolean): void {
    if (!this.o.inConversation()) {
      this.refuse();
      return;
    }
    this.o.mute.set(muted, 'headset');
  }

  /**
   * Every decoded button event of the headset. The headset controller itself drops a mute press while on-hook
   * (the device cannot show a mute with no call), so such a press never becomes a request: it is refused here.
   */
  pressed(e: ControlEvent): void {
    if (e.usage === 'phoneMute' && e.value !== 0 && !this.o.inConversation()) this.refuse();
  }

  private refuse(): void {
    const now = this.clock.now();
    if (this.lastRefusal !== undefined && now - this.lastRefusal < onePressMs) return;
    this.lastRefusal = now;
    this.o.notice({ code: 'mute-on-hook' });
  }
}
