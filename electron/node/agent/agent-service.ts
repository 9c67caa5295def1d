import { isCustomerLeg } from '@common/calls/call-state';
import { systemClock, type Clock } from '@common/clock';
import type { AcwView, AgentReason, AgentSetArgs, AgentStateName, AgentView } from '@common/contract/agent';
import { RefusedError } from '@common/contract/errors';
import type { RegistrationStateName } from '@common/contract/registration';
import { Emitter } from '@common/emitter';
import type { Settings } from '@common/settings/schema';
import type { Logger } from '../log';
import type { CallEvent, OfferGate } from '../phone/call-manager';

export type AgentSettings = Pick<
  Settings,
  'acw.mode' | 'acw.durationSec' | 'acw.defaultDisposition' | 'acw.notReadyRejectCode'
>;

/** What the agent service needs from the notes service (the store engineer's `electron/node/notes`). */
export interface AgentNotesPort {
  acwStarted(callId: string, at: number): void;
  acwEnded(callId: string, at: number): void;
  /** The call's note as it stands (null: none was written). */
  note(callId: string): Promise<{ disposition: string | null; final: boolean } | null>;
  finish(callId: string, disposition: string): Promise<{ ok: boolean; missing: string[] }>;
}

export type TransitionCause = 'agent' | 'call-ended' | 'time-box' | 'registration-lost' | 'registration-back';
export interface AgentTransition {
  from: AgentStateName;
  to: AgentStateName;
  reason?: AgentReason;
  callId?: string;
  at: number;
  cause: TransitionCause;
}

export interface AgentServiceOptions {
  log: Logger;
  settings: () => AgentSettings;
  notes?: AgentNotesPort;
  clock?: Clock;
}

interface Acw {
  view: AcwView;
  timer?: unknown;
}
/** A state the agent chose, to go back to after after-call work or degraded registration. */
type Resume = { state: 'available' } | { state: 'break' } | { state: 'not-ready'; reason: AgentReason };

/**
 * The agent's state in the main process: Available / Not ready (reason) / After-call work / Break. It is the call
 * manager's offer gate (new calls are presented only while Available), enters after-call work when an answered
 * call ends, runs the ACW time box, and sets Not ready (degraded) while the registration is down.
 */
export class AgentService {
  private state: AgentStateName = 'available';
  private reason: AgentReason | undefined;
  private since: number;
  private acw: Acw | undefined;
  /** Where the agent goes when ACW ends (what they had chosen before the call). */
  private resume: Resume = { state: 'available' };
  private degraded = false;
  private disposed = false;
  /** Answered calls still up (a consult leg keeps the customer call's ACW waiting). */
  private readonly live = new Set<string>();
  private pendingAcw: string | undefined;
  /** When the first of the answered calls now up was answered (undefined: not on a call). */
  private onCallSince: number | undefined;
  private seq = 0;
  private readonly clock: Clock;
  private readonly changes = new Emitter<AgentView>();
  private readonly transitioned = new Emitter<AgentTransition>();
  private readonly history: AgentTransition[] = [];

  constructor(private readonly o: AgentServiceOptions) {
    this.clock = o.clock ?? systemClock;
    this.since = this.clock.now();
  }

  view(): AgentView {
    return {
      state: this.state,
      since: this.since,
      degraded: this.degraded,
      ...(this.reason ? { reason: this.reason } : {}),
      ...(this.acw ? { acw: { ...this.acw.view } } : {}),
      ...(this.onCallSince !== undefined ? { onCall: { since: this.onCallSince } } : {}),
    };
  }
  readonly onChange = this.changes.on;
  readonly onTransition = this.transitioned.on;
  /** Every transition so far, oldest first (bounded). */
  transitions(): AgentTransition[] {
    return [...this.history];
  }

  /** The call manager's gate: only an Available agent is offered calls. */
  readonly gate: OfferGate = () =>
    this.state === 'available'
      ? { offer: true }
      : { offer: false, sipCode: this.o.settings()['acw.notReadyRejectCode'] };

  /** The agent asks for a state. `available` during after-call work is *Ready*. */
  async set(args: AgentSetArgs): Promise<AgentView> {
    const target: Resume =
      args.state === 'not-ready' ? { state: 'not-ready', reason: args.reason } : { state: args.state };
    if (this.acw) {
      const acw = this.acw;
      if (!acw.view.canEnd) throw new RefusedError('acw-time-box');
      if (acw.view.needsFinishedNote && this.o.notes) {
        // A store that cannot answer does not trap the agent in after-call work.
        const note = await this.o.notes.note(acw.view.callId).catch(() => null);
        if (note && !note.final) throw new RefusedError('note-unfinished');
      }
      if (this.acw !== acw) return this.view();
      if (acw.view.mode === 'optional') await this.closeNote(acw.view.callId);
      if (this.acw !== acw) return this.view();
      this.endAcw(target, 'agent');
      return this.view();
    }
    this.resume = target;
    this.apply(
      this.degraded && target.state === 'available' ? { state: 'not-ready', reason: 'degraded' } : target,
      'agent',
    );
    return this.view();
  }

  /** Feed every call-manager event here. */
  onCallEvent(e: CallEvent): void {
    if (this.disposed) return;
    if (e.type === 'answered') {
      this.live.add(e.call.id);
      if (this.onCallSince === undefined) {
        this.onCallSince = e.at;
        this.changed();
      }
      return;
    }
    if (e.type !== 'ended') return;
    const wasLive = this.live.delete(e.call.id);
    if (wasLive && e.call.answeredAt !== undefined && isCustomerLeg(e.call)) this.pendingAcw = e.call.id;
    // The last call ended: no longer talking; the after-call work that follows (if any) says so in its own change.
    const hungUp = this.live.size === 0 && this.onCallSince !== undefined;
    if (hungUp) this.onCallSince = undefined;
    if (this.pendingAcw && this.live.size === 0) {
      const callId = this.pendingAcw;
      this.pendingAcw = undefined;
      this.startAcw(callId, e.at);
      if (this.acw?.view.callId === callId) return;
    }
    if (hungUp) this.changed();
  }

  /** Feed every registration change here: not `registered` makes an Available agent Not ready (degraded). */
  onRegistration(state: RegistrationStateName): void {
    const down = state !== 'registered';
    if (down === this.degraded) return;
    this.degraded = down;
    if (down) {
      if (this.state === 'available') this.apply({ state: 'not-ready', reason: 'degraded' }, 'registration-lost');
      else this.changed();
    } else if (this.state === 'not-ready' && this.reason === 'degraded') {
      this.apply(this.resume, 'registration-back');
    } else {
      this.changed();
    }
  }

  /** Shutdown: the time box is cleared and call events that follow (the core hanging up its calls) start nothing. */
  dispose(): void {
    this.disposed = true;
    if (this.acw?.timer !== undefined) this.clock.clearTimeout(this.acw.timer);
    this.acw = undefined;
  }

  // ---- after-call work -----------------------------------------------------------------------------------

  private startAcw(callId: string, at: number): void {
    const s = this.o.settings();
    const mode = s['acw.mode'];
    const timed = mode !== 'mandatory-manual';
    const durationMs = s['acw.durationSec'] * 1000;
    // A time box of zero means no after-call work at all.
    if (timed && durationMs === 0) return;
    // A call made during after-call work ended: its own ACW replaces the earlier one. Afterwards the agent goes
    // back to what they had chosen (`resume`: Available, or the Break / Not ready they called out from).
    if (this.acw) this.endAcw(this.resume, 'call-ended', false);
    const view: AcwView = {
      callId,
      mode,
      startedAt: at,
      canEnd: mode !== 'timed-no-early-exit',
      needsFinishedNote: mode === 'mandatory-manual' || mode === 'mandatory-timed',
      ...(timed ? { endsAt: at + durationMs } : {}),
      ...(mode === 'timed-no-early-exit' ? { blockedBy: 'time-box' as const } : {}),
    };
    const acw: Acw = { view };
    this.acw = acw;
    if (timed) {
      const token = ++this.seq;
      acw.timer = this.clock.setTimeout(
        () => {
          void this.timeBoxOver(acw, token);
        },
        Math.max(0, at + durationMs - this.clock.now()),
      );
    }
    this.o.notes?.acwStarted(callId, at);
    this.apply({ state: 'acw' }, 'call-ended', callId);
  }

  private async timeBoxOver(acw: Acw, token: number): Promise<void> {
    if (this.acw !== acw || token !== this.seq) return;
    acw.timer = undefined;
    // No early exit: from here the agent may end it too (the default disposition is being applied).
    const { blockedBy: _done, ...rest } = acw.view;
    acw.view = { ...rest, canEnd: true };
    await this.closeNote(acw.view.callId);
    if (this.acw !== acw) return;
    this.endAcw(this.resume, 'time-box');
  }

  /** Finishes the call's note unless it is final, keeping its disposition or applying the default one. */
  private async closeNote(callId: string): Promise<void> {
    const notes = this.o.notes;
    if (!notes) return;
    try {
      const note = await notes.note(callId);
      if (note?.final) return;
      const disposition = note?.disposition ?? this.o.settings()['acw.defaultDisposition'];
      if (!disposition) return;
      const r = await notes.finish(callId, disposition);
      // Required fields still empty: the note stays a draft and is offered back later; the agent is not kept.
      if (!r.ok)
        this.o.log.warn('after-call work ended with an unfinished note', { callId, missing: r.missing.join(',') });
    } catch (err) {
      this.o.log.warn('could not finish the note at the end of after-call work', { callId, error: String(err) });
    }
  }

  private endAcw(next: Resume, cause: TransitionCause, apply = true): void {
    const acw = this.acw;
    if (!acw) return;
    if (acw.timer !== undefined) this.clock.clearTimeout(acw.timer);
    this.acw = undefined;
    this.seq++;
    this.o.notes?.acwEnded(acw.view.callId, this.clock.now());
    this.resume = next;
    if (apply)
      this.apply(
        this.degraded && next.state === 'available' ? { state: 'not-ready', reason: 'degraded' } : next,
        cause,
        acw.view.callId,
      );
  }

  // ---- state ---------------------------------------------------------------------------------------------

  private apply(next: { state: AgentStateName; reason?: AgentReason }, cause: TransitionCause, callId?: string): void {
    const reason = next.state === 'not-ready' ? next.reason : undefined;
    if (next.state === this.state && reason === this.reason && next.state !== 'acw') {
      this.changed();
      return;
    }
    const at = this.clock.now();
    const t: AgentTransition = {
      from: this.state,
      to: next.state,
      at,
      cause,
      ...(reason ? { reason } : {}),
      ...(callId ? { callId } : {}),
    };
    this.state = next.state;
    this.reason = reason;
    this.since = at;
    this.history.push(t);
    if (this.history.length > 500) this.history.shift();
    this.o.log.info('agent state', { from: t.from, to: t.to, reason: t.reason, cause, callId });
    this.transitioned.emit(t);
    this.changed();
  }

  private changed(): void {
    this.changes.emit(this.view());
  }
}
