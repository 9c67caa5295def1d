import { isLive } from '@common/calls/call-state';
import type { EventPayload, EventSink } from '@common/contract/contract';
import { Emitter } from '@common/emitter';
import type { ActivitySignal, AgentActivity } from './update-policy';

/**
 * The agent's activity as the core's own events tell it: a live call in the `calls` snapshot, after-call work in
 * the `agent` view. A shell connects `sink` to the core like a window does, and hands this to the update control.
 * (The core does not offer this as a ShellPort field yet; this reads the same facts the windows see.)
 */
export class ActivityFromEvents implements ActivitySignal {
  private activity: AgentActivity = { callLive: false, acwRunning: false };
  private readonly changes = new Emitter<AgentActivity>();

  readonly sink: EventSink = (name, payload) => {
    // The sink is generic over the event name, so the payload is narrowed by hand.
    if (name === 'calls') {
      this.set({ callLive: (payload as EventPayload<'calls'>).calls.some(isLive) });
    } else if (name === 'agent') {
      const agent = payload as EventPayload<'agent'>;
      this.set({ acwRunning: agent.state === 'acw' || agent.acw !== undefined });
    }
  };

  current(): AgentActivity {
    return { ...this.activity };
  }

  readonly onChange = this.changes.on;

  private set(patch: Partial<AgentActivity>): void {
    const next = { ...this.activity, ...patch };
    if (next.callLive === this.activity.callLive && next.acwRunning === this.activity.acwRunning) return;
    this.activity = next;
    this.changes.emit(this.current());
  }
}
