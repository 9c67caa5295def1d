import { isCustomerLeg, isLive } from '@common/calls/call-state';
import type { AgentView } from '@common/contract/agent';
import type { CallsSnapshot } from '@common/contract/calls';
import type { CurrentNote } from '@common/contract/notes';
import { Emitter } from '@common/emitter';

/**
 * Which call's note is the one the agent writes now, decided once here for every window: the answered customer
 * call (a consult leg has no note of its own), else the call whose after-call work is running, else none.
 */
export function currentNoteOf(calls: CallsSnapshot, agent: AgentView): CurrentNote {
  const answered = calls.calls.find((c) => isLive(c) && c.answeredAt !== undefined && isCustomerLeg(c));
  const acw = agent.state === 'acw' ? agent.acw?.callId : undefined;
  return { callId: answered?.id ?? acw ?? null };
}

/** Follows the calls and the agent state and announces the current note when it changes. */
export class CurrentNoteTracker {
  private current: CurrentNote = { callId: null };
  private readonly changes = new Emitter<CurrentNote>();
  readonly onChange = this.changes.on;

  constructor(private readonly read: { calls: () => CallsSnapshot; agent: () => AgentView }) {}

  get(): CurrentNote {
    return this.current;
  }

  /** Call after any change of the calls or the agent state. */
  update(): void {
    const next = currentNoteOf(this.read.calls(), this.read.agent());
    if (next.callId === this.current.callId) return;
    this.current = next;
    this.changes.emit(next);
  }
}
