import type { CallView } from '@common/contract/calls';
import type { MuteSource } from '@common/contract/mute';
import type { MuteState } from '../mute/mute-state';
import type { CallManager } from './call-manager';

type Calls = Pick<CallManager, 'snapshot' | 'answer' | 'hangup' | 'reject' | 'hold'>;

/**
 * The call actions that need no call id: the one place the headset buttons and the keyboard shortcuts turn "answer",
 * "hang up", "hold", "mute" into a request on the right call. Each returns the call it acted on, or undefined when
 * there was nothing to act on (no ringing call to answer, no call to hang up).
 */
export class CallActions {
  constructor(
    private readonly calls: Calls,
    private readonly mute: Pick<MuteState, 'set' | 'muted'>,
  ) {}

  private find(...states: CallView['state'][]): CallView | undefined {
    return this.calls.snapshot().calls.find((c) => states.includes(c.state));
  }

  /** Answer the ringing call. */
  async answer(): Promise<string | undefined> {
    const c = this.find('ringing');
    if (c) await this.calls.answer(c.id);
    return c?.id;
  }

  /** Hang up the current call: talking, on hold, or being placed. */
  async hangUp(): Promise<string | undefined> {
    const c = this.find('active', 'held', 'dialing', 'early');
    if (c) await this.calls.hangup(c.id);
    return c?.id;
  }

  /** Refuse the ringing call. */
  async reject(): Promise<string | undefined> {
    const c = this.find('ringing');
    if (c) await this.calls.reject(c.id);
    return c?.id;
  }

  /** Put the call in conversation on hold (`on`) or resume the held one; false when the far end refused. */
  async hold(on: boolean): Promise<{ callId?: string; ok: boolean }> {
    const c = this.find(on ? 'active' : 'held');
    if (!c) return { ok: false };
    return { callId: c.id, ok: await this.calls.hold(c.id, on) };
  }

  /** Hold the call in conversation, or, when none, resume the held one. */
  async toggleHold(): Promise<{ callId?: string; ok: boolean }> {
    return this.find('active') ? this.hold(true) : this.hold(false);
  }

  /**
   * The long-mute reminder's "hold instead": put the call in conversation on hold and, once the far end accepted
   * the hold, unmute (on hold nothing leaves anyway, and the agent comes back unmuted). A refused hold changes
   * nothing: the call stays in conversation and muted.
   */
  async holdInsteadOfMute(): Promise<{ callId?: string; held: boolean; muted: boolean }> {
    const r = await this.hold(true);
    if (r.ok) this.mute.set(false, 'ui');
    return { ...(r.callId ? { callId: r.callId } : {}), held: r.ok, muted: this.mute.muted };
  }

  setMute(muted: boolean, source: MuteSource): boolean {
    return this.mute.set(muted, source);
  }

  /** Flip the mute state; the source ('headset', 'hotkey', 'ui') is recorded with the change. */
  toggleMute(source: MuteSource): boolean {
    return this.mute.set(!this.mute.muted, source);
  }
}
