import type { CallView, EndReason } from '@common/contract/calls';

/**
 * Where a call is in its SIP life, as far as the core's own decisions go (the view's `state` is what the agent
 * sees). The transitions are in README.md.
 */
export type CallPhase =
  | 'offered' // inbound INVITE presented, not answered yet
  | 'placing' // outbound INVITE sent, no final answer yet
  | 'awaiting-ack' // inbound call answered, our 200 sent, the caller's ACK not here yet: no re-INVITE
  | 'established' // in the dialog
  | 'hanging-up' // we asked to end it (BYE, CANCEL, reject)
  | 'caller-cancelled' // the caller sent CANCEL while it rang
  | 'ended';

/**
 * Why a call ended, from the phase it was in when its session terminated, when nothing more precise was learnt
 * on the way (a BYE from the far end, a refused INVITE, a completed transfer name the reason themselves).
 */
export function endReasonFrom(phase: CallPhase, view: Pick<CallView, 'state' | 'direction' | 'answeredAt'>): EndReason {
  const ringing = view.state === 'ringing';
  if (ringing && phase === 'caller-cancelled') return 'remote-cancelled';
  if (phase === 'hanging-up') {
    if (ringing) return 'rejected';
    return view.direction === 'outbound' && !view.answeredAt ? 'cancelled' : 'local-hangup';
  }
  return view.answeredAt ? 'remote-hangup' : 'failed';
}
