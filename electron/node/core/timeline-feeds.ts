import { isLive } from '@common/calls/call-state';
import type { CallsSnapshot } from '@common/contract/calls';
import type { EventPayload } from '@common/contract/contract';
import type { AgentTransition } from '../agent/agent-service';
import type { NotesService } from '../notes/notes-service';

type Timeline = Pick<NotesService, 'timeline'>;
type Snapshot = () => CallsSnapshot;

/**
 * Agent-state changes go on the timeline of the call they concern (after-call work) or of every call under way,
 * so History shows that the agent went Not ready in the middle of a call.
 */
export function agentOnTimeline(notes: Timeline, calls: Snapshot): (t: AgentTransition) => void {
  return (t) => {
    const data = { from: t.from, to: t.to, cause: t.cause, ...(t.reason ? { reason: t.reason } : {}) };
    const ids = t.callId
      ? [t.callId]
      : calls()
          .calls.filter(isLive)
          .map((c) => c.id);
    for (const id of ids) notes.timeline(id, 'agent', data, t.at);
  };
}

/** A headset plugged in or lost during a call goes on that call's timeline. */
export function headsetOnTimeline(notes: Timeline, calls: Snapshot): (v: EventPayload<'headset'>) => void {
  return (v) => {
    const data = { connected: v.connected, ...(v.product ? { product: v.product } : {}) };
    for (const c of calls().calls.filter(isLive)) notes.timeline(c.id, 'device', data);
  };
}
