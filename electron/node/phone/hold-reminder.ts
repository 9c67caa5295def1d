import { systemClock, type Clock } from '@common/clock';
import type { CallView } from '@common/contract/calls';
import type { CallEvent } from './call-manager';

export type LongHold = NonNullable<CallView['longHold']>;

export interface HoldReminderOptions {
  clock?: Clock;
  /** Read at each hold, so a team profile applied meanwhile counts from the next hold on. */
  settings: () => { longHoldSec: number; reminderEverySec: number };
  /** The reminder is due (again): the call manager puts it on the call's view. */
  remind: (callId: string, longHold: LongHold) => void;
}

/**
 * Customers left on hold too long hang up angry. For each held call, once it has been on hold `longHoldSec`, the
 * agent is reminded to go back to the customer, again every `reminderEverySec` with a rising level, until the call
 * is resumed or ends. The timer lives in the core, so every screen (the window, the always-on-top bar) and the
 * headset see the same reminder at the same moment.
 */
export class HoldReminder {
  private readonly clock: Clock;
  private readonly timers = new Map<string, unknown>();

  constructor(private readonly o: HoldReminderOptions) {
    this.clock = o.clock ?? systemClock;
  }

  /** Feed every call-manager event here. */
  onCallEvent(e: CallEvent): void {
    if (e.type === 'held') this.start(e.call.id, e.call.heldAt ?? e.at);
    else if (e.type === 'resumed' || e.type === 'ended') this.cancel(e.call.id);
  }

  /** The calls whose hold is being timed. */
  timing(): string[] {
    return [...this.timers.keys()];
  }

  stop(): void {
    for (const id of [...this.timers.keys()]) this.cancel(id);
  }

  private start(callId: string, heldAt: number): void {
    this.cancel(callId);
    const { longHoldSec, reminderEverySec } = this.o.settings();
    const fire = (level: number) => {
      const elapsedSec = Math.round((this.clock.now() - heldAt) / 1000);
      this.timers.set(
        callId,
        this.clock.setTimeout(() => fire(level + 1), reminderEverySec * 1000),
      );
      this.o.remind(callId, { elapsedSec, level });
    };
    const due = Math.max(0, heldAt + longHoldSec * 1000 - this.clock.now());
    this.timers.set(
      callId,
      this.clock.setTimeout(() => fire(1), due),
    );
  }

  private cancel(callId: string): void {
    const t = this.timers.get(callId);
    if (t === undefined) return;
    this.clock.clearTimeout(t);
    this.timers.delete(callId);
  }
}
