import type { Notification } from 'sip.js';
import type { Clock } from '@common/clock';

/**
 * The desk-phone convention for "re-read your configuration": the SIP server sends an out-of-dialog NOTIFY with
 * `Event: check-sync` (parameters such as `;reboot=false` may follow; a softphone never reboots, so they are
 * ignored). Event package names are tokens; they are compared without case so a server that writes `Check-Sync`
 * still works.
 */
export function isCheckSync(notification: Notification): boolean {
  const event = notification.request.getHeader('event');
  if (!event) return false;
  return event.split(';', 1)[0]!.trim().toLowerCase() === 'check-sync';
}

/**
 * Answers an out-of-dialog NOTIFY. `check-sync` gets 200 and `onCheckSync` runs; any other (or no) event gets 481,
 * exactly what SIP.js answers when no delegate takes out-of-dialog NOTIFYs: there is no subscription it could
 * belong to (RFC 6665 §4.1.3), and answering keeps the sender from retransmitting until its timeout.
 */
export function answerOutOfDialogNotify(notification: Notification, onCheckSync: () => void): void {
  if (!isCheckSync(notification)) {
    void notification.reject({ statusCode: 481 });
    return;
  }
  void notification.accept();
  onCheckSync();
}

/**
 * Coalesces a burst of check-sync NOTIFYs into at most one `fire` per `windowMs`: the first NOTIFY after a quiet
 * window fires at once (an agent should fetch within milliseconds of the server's nudge), and any that arrive
 * within the window after it fire once more when the window ends (so the last nudge is never lost: the profile may
 * have been published again after the first fetch began). A server or peer that sends NOTIFYs in a loop therefore
 * makes each agent fetch at most once per window, never once per request.
 */
export class CheckSyncGate {
  private lastFiredAt: number | undefined;
  private trailing: unknown;

  constructor(
    private readonly clock: Clock,
    private readonly fire: () => void,
    private readonly windowMs = 1000,
  ) {}

  nudge(): void {
    if (this.trailing !== undefined) return; // already due at the end of the window
    const now = this.clock.now();
    if (this.lastFiredAt === undefined || now - this.lastFiredAt >= this.windowMs) {
      this.lastFiredAt = now;
      this.fire();
      return;
    }
    this.trailing = this.clock.setTimeout(
      () => {
        this.trailing = undefined;
        this.lastFiredAt = this.clock.now();
        this.fire();
      },
      this.windowMs - (now - this.lastFiredAt),
    );
  }

  dispose(): void {
    if (this.trailing !== undefined) this.clock.clearTimeout(this.trailing);
    this.trailing = undefined;
  }
}
