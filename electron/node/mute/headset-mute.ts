import type { CallNotice } from '@common/contract/calls';
import type { MuteState } from './mute-state';

export interface HeadsetMuteOptions {
  /** A call is talking or on hold: only then is there anything to mute. */
  inConversation: () => boolean;
  mute: Pick<MuteState, 'set'>;
  /** Tells the agent (the `call.notice` event). */
  notice: (n: CallNotice) => void;
}

/**
 * The core's answer to the headset's mute button. During a call a press is a mute request like any other (source
 * `headset`). With no call there is nothing to mute: the core refuses and says so (`call.notice` `mute-on-hook`),
 * so the agent never believes a press muted something, and the renderer only shows what the core decided.
 */
export class HeadsetMute {
  constructor(private readonly o: HeadsetMuteOptions) {}

  /** The headset asks for a mute state (its call port's `setMute`). */
  request(muted: boolean): void {
    if (!this.o.inConversation()) {
      this.refused();
      return;
    }
    this.o.mute.set(muted, 'headset');
  }

  /** The headset refused a press itself because it is on-hook (its call port's `muteRefused`). */
  refused(): void {
    this.o.notice({ code: 'mute-on-hook' });
  }
}
