import type { TimelineEntry } from '@common/contract/notes';
import type { Clock } from '@common/clock';
import type { CallEvent } from '../phone/call-manager';
import type { DurableWriteQueue } from './durable-write-queue';

export interface CallRecorderOptions {
  /** Where the records go: writes nobody waits for, in order. */
  writes: Pick<DurableWriteQueue, 'enqueue'>;
  clock: Clock;
  /** At most one quality sample per call per this many ms goes to the timeline (every one counts in the summary). */
  qualityEveryMs?: number;
  /** A sync endpoint is usable: the end of after-call work re-sends a note already finished. */
  syncUsable: () => boolean;
  /** The outbox is looked at once the writes queued so far are on disk. */
  deliverAfterQueue: () => void;
}

/**
 * Turns what happens on calls into store writes: a call row when it rings or is dialled, its state changes
 * (answer, hold, resume, end with its reason), mute changes with their source, quality samples (all in the
 * call's summary, one per `qualityEveryMs` on its timeline), the after-call-work times, and other timeline entries
 * (devices, agent state) its owner passes on.
 */
export class CallRecorder {
  private readonly lastQualityAt = new Map<string, number>();

  constructor(private readonly o: CallRecorderOptions) {}

  /** The call manager's listener. */
  readonly onCallEvent = (e: CallEvent): void => {
    const w = this.o.writes;
    switch (e.type) {
      case 'offered':
      case 'dialing': {
        const c = e.call;
        w.enqueue('callStarted', {
          callId: c.id,
          direction: c.direction,
          remoteName: c.remote.name,
          remoteNumber: c.remote.number,
          at: c.startedAt,
          // The record keeps what the agent saw; the link is left out (the team's template may change or go).
          ...(c.screenPop.length > 0
            ? {
                screenPop: c.screenPop.map(({ header, label, value }) => ({
                  header,
                  ...(label ? { label } : {}),
                  value,
                })),
              }
            : {}),
        });
        return;
      }
      case 'answered':
      case 'held':
      case 'resumed':
      case 'ended': {
        const endReason = e.type === 'ended' ? e.call.endReason : undefined;
        w.enqueue('callState', { callId: e.call.id, at: e.at, state: e.type, ...(endReason ? { endReason } : {}) });
        if (e.type === 'ended') this.lastQualityAt.delete(e.call.id);
        return;
      }
      case 'mute': {
        const { callId, muted, source } = e;
        if (callId) w.enqueue('addTimeline', { callId, at: e.at, kind: 'mute', data: { muted, source } });
        return;
      }
      case 'quality': {
        const last = this.lastQualityAt.get(e.callId);
        const keep = last === undefined || e.at - last >= (this.o.qualityEveryMs ?? 10_000);
        if (keep) this.lastQualityAt.set(e.callId, e.at);
        const { mos, jitterMs, lossPct, rttMs } = e.sample;
        w.enqueue('quality', { callId: e.callId, at: e.at, mos, jitterMs, lossPct, rttMs, keep });
      }
    }
  };

  /** Something else worth keeping on a call's timeline (headset plugged or lost, agent state, a transfer attempt). */
  timeline(callId: string, kind: TimelineEntry['kind'], data: Record<string, unknown>, at = this.o.clock.now()): void {
    this.o.writes.enqueue('addTimeline', { callId, at, kind, data });
  }

  acwStarted(callId: string, at: number): void {
    this.o.writes.enqueue('acw', { callId, at, phase: 'start', enqueueUpdate: false });
  }

  acwEnded(callId: string, at: number): void {
    this.o.writes.enqueue('acw', { callId, at, phase: 'end', enqueueUpdate: this.o.syncUsable() });
    this.o.deliverAfterQueue();
  }
}
