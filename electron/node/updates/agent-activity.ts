import { isLive } from '@common/calls/call-state';
import type { AgentView } from '@common/contract/agent';
import type { CallsSnapshot } from '@common/contract/calls';
import { Emitter } from '@common/emitter';
import type { ActivitySignal, AgentActivity } from './update-policy';

/**
 * Is the agent busy: a live call (ringing, talking, on hold, being placed) or after-call work running. The core
 * feeds it the call snapshot and the agent view as they change and offers it to the shell (`core.shell.activity`),
 * so the update control never restarts the app in the middle of either.
 */
export class AgentActivityTracker implements ActivitySignal {
  private activity: AgentActivity = { callLive: false, acwRunning: false };
  private readonly changes = new Emitter<AgentActivity>();
  readonly onChange = this.changes.on;

  onCalls(snapshot: CallsSnapshot): void {
    this.set({ callLive: snapshot.calls.some(isLive) });
  }

  onAgent(view: AgentView): void {
    this.set({ acwRunning: view.state === 'acw' || view.acw !== undefined });
  }

  current(): AgentActivity {
    return { ...this.activity };
  }

  private set(patch: Partial<AgentActivity>): void {
    const next = { ...this.activity, ...patch };
    if (next.callLive === this.activity.callLive && next.acwRunning === this.activity.acwRunning) return;
    this.activity = next;
    this.changes.emit(this.current());
  }
}
