import { randomUUID } from 'node:crypto';
import {
  Inviter,
  SessionState,
  UserAgent,
  type Core,
  type Invitation,
  type Session,
  type SessionDescriptionHandlerFactory,
  type URI,
} from 'sip.js';
import { isCustomerLeg, isInConversation, isLive } from '@common/calls/call-state';
import { systemClock, type Clock } from '@common/clock';
import type { CallNotice, CallView, CallsSnapshot, QualitySample } from '@common/contract/calls';
import { ContractError, RefusedError } from '@common/contract/errors';
import type { MuteSource } from '@common/contract/mute';
import { Emitter } from '@common/emitter';
import { ignorePromise } from '@common/ignore-promise';
import type { Settings } from '@common/settings/schema';
import type { Logger } from '../log';
import { MuteState } from '../mute/mute-state';
import { autoAnswerDelaySec } from './auto-answer';
import { endReasonFrom, type CallPhase } from './call-phase';
import { callerIdentity, offerProblem, plainText } from './caller-identity';
import { readScreenPop, screenPopFields } from './screen-pop-fields';
import { dialUri } from './dial-target';
import { ProxySessionDescriptionHandler, type MediaBridge } from './media-bridge';
import { estimateMos } from './quality';
import { dialogForBye, sendLateBye, type DialogForBye } from './late-bye';
import { refer, reinvite, sendInfoDtmf } from './session-ops';

export type { CallPhase, MuteSource };

export type CallSettings = Pick<
  Settings,
  | 'calls.rejectCode'
  | 'calls.autoAnswer'
  | 'calls.autoAnswerDelaySec'
  | 'calls.dtmfMethod'
  | 'calls.supervisorExtension'
  | 'calls.screenPopHeaders'
  | 'calls.screenPop'
  | 'calls.maxRingSec'
  | 'calls.prepareWhileRinging'
  | 'mute.onCallStart'
>;

/** May a new call be presented to the agent now? (Agent state: Not ready, after-call work, break.) */
export type OfferGate = () => { offer: true } | { offer: false; sipCode: 480 | 486 | 603 };

export type CallEvent =
  | { type: 'offered' | 'dialing' | 'answered' | 'held' | 'resumed' | 'ended'; call: CallView; at: number }
  | { type: 'mute'; muted: boolean; source: MuteSource; callId?: string; at: number }
  | { type: 'quality'; callId: string; sample: QualitySample; at: number };

export interface CallManagerOptions {
  log: Logger;
  bridge: MediaBridge;
  userAgent: () => UserAgent | undefined;
  domain: () => string | undefined;
  settings: () => CallSettings;
  gate?: OfferGate;
  /** The one mute state; absent = the call manager keeps its own (tests of the call model alone). */
  mute?: MuteState;
  clock?: Clock;
  /** How long an ended call stays visible before it leaves the list. */
  lingerMs?: number;
}

interface CallRecord {
  view: CallView;
  session: Session;
  phase: CallPhase;
  /** Each phase change, for a re-INVITE waiting for the caller's ACK. */
  readonly phaseChanged: Emitter<CallPhase>;
  /** The renderer connection that negotiated the call's media. */
  mediaHost?: string;
  autoAnswerTimer?: unknown;
  /** Stops the call if it is still ringing after `calls.maxRingSec`. */
  ringTimer?: unknown;
}

/** Calls carry audio only (a fresh object per session: SIP.js keeps the one it is given). */
const audioOnly = (): object => ({ constraints: { audio: true, video: false } });

/** Read afresh after an await (the compiler would keep a state narrowed before it). */
const hasEnded = (rec: CallRecord): boolean => !isLive(rec.view);
const inConversation = (rec: CallRecord): boolean => isInConversation(rec.view);

/**
 * Every call of the agent, as SIP.js sessions in the main process. The renderer and the headset only send
 * commands here and show what this reports; nothing in the UI claims a state the far end was not told about.
 */
export class CallManager {
  private readonly calls = new Map<string, CallRecord>();
  private readonly sessionIds = new WeakMap<Session, string>();
  private readonly changes = new Emitter<CallsSnapshot>();
  private readonly notices = new Emitter<CallNotice>();
  private readonly events = new Emitter<CallEvent>();
  private readonly clock: Clock;
  private readonly mute: MuteState;
  /** The transport under the calls is down (calls kept, being reconnected): nothing can be asked of far ends. */
  private signallingDown = false;
  /** Calls the agent hung up while signalling was down: their BYE goes out once it is back. */
  private readonly queuedByes = new Set<Session>();
  /** Dialogs ended here when signalling was lost for too long: their BYE goes out at the next registration. */
  private lateByes: DialogForBye[] = [];

  constructor(private readonly o: CallManagerOptions) {
    this.clock = o.clock ?? systemClock;
    this.mute = o.mute ?? new MuteState({ onCallStart: () => o.settings()['mute.onCallStart'], clock: this.clock });
    this.mute.onChange((m) => {
      const current = [...this.calls.values()].find(inConversation);
      this.events.emit({ type: 'mute', ...m, ...(current ? { callId: current.view.id } : {}) });
    });
    o.bridge.onAttach(() => this.renegotiateAfterRendererChange());
  }

  /** The factory SIP.js uses for every session: a proxy to the renderer's WebRTC handler. */
  readonly sdhFactory: SessionDescriptionHandlerFactory = (session) => {
    let id = this.sessionIds.get(session);
    if (!id) {
      id = randomUUID();
      this.sessionIds.set(session, id);
    }
    return new ProxySessionDescriptionHandler(id, this.o.bridge);
  };

  snapshot(): CallsSnapshot {
    return { calls: [...this.calls.values()].map((c) => ({ ...c.view })) };
  }
  readonly onChange = this.changes.on;
  readonly onNotice = this.notices.on;
  readonly onEvent = this.events.on;

  // ---- inbound -------------------------------------------------------------------------------------------

  /** UserAgent delegate `onInvite`. */
  readonly onInvite = (invitation: Invitation): void => {
    const problem = offerProblem(invitation.body);
    if (problem) {
      // Late offer, video-only and codec-less offers are refused before the agent is disturbed.
      this.o.log.warn('incoming INVITE refused', { problem });
      ignorePromise(invitation.reject({ statusCode: 488, reasonPhrase: 'Not Acceptable Here' }));
      return;
    }
    const gate = this.o.gate?.() ?? { offer: true };
    if (!gate.offer) {
      ignorePromise(invitation.reject({ statusCode: gate.sipCode }));
      this.notice({ code: 'call-rejected-not-ready', detail: `${gate.sipCode}` });
      return;
    }
    const id = randomUUID();
    this.sessionIds.set(invitation, id);
    const s = this.o.settings();
    const view: CallView = {
      id,
      direction: 'inbound',
      state: 'ringing',
      remote: callerIdentity(invitation.request),
      screenPop: readScreenPop(invitation.request, screenPopFields(s)),
      startedAt: this.clock.now(),
      held: false,
      earlyMedia: false,
    };
    const rec = this.track(view, invitation, 'offered');
    // A caller that vanished without a CANCEL we could match (or a proxy that never times out) must not leave the
    // call ringing for good: past the bound the phone answers 480 itself.
    rec.ringTimer = this.clock.setTimeout(() => this.ringTimedOut(rec), s['calls.maxRingSec'] * 1000);
    const autoAfter = autoAnswerDelaySec(invitation.request.getHeader('Call-Info'), s);
    if (autoAfter !== undefined && !this.anotherCallEngaged(id)) {
      view.autoAnswerAt = this.clock.now() + autoAfter * 1000;
      rec.autoAnswerTimer = this.clock.setTimeout(() => ignorePromise(this.answer(id)), autoAfter * 1000);
    }
    this.changed();
    this.events.emit({ type: 'offered', call: { ...view }, at: this.clock.now() });
    this.prepareMedia(rec);
    if (invitation.replacee) {
      // Attended transfer towards the agent: the new call takes over a conversation already under way.
      ignorePromise(this.answer(id));
      return;
    }
    ignorePromise(invitation.progress());
  };

  /** While the call rings, its media is made ready so that Answer only sends the 200 OK (`calls.prepareWhileRinging`). */
  private prepareMedia(rec: CallRecord): void {
    const offer = rec.view.direction === 'inbound' ? (rec.session as Invitation).body : undefined;
    if (!offer || rec.view.state !== 'ringing' || !this.o.settings()['calls.prepareWhileRinging']) return;
    this.o.bridge.prepare(rec.view.id, offer);
  }

  async answer(callId: string): Promise<void> {
    const rec = this.require(callId);
    if (rec.view.direction !== 'inbound' || rec.view.state !== 'ringing') throw new RefusedError('wrong-state');
    this.cancelAutoAnswer(rec);
    // Answering a second call puts the first on hold first; if the far end refuses the hold, we do not answer.
    for (const other of this.calls.values()) {
      if (other !== rec && other.view.state === 'active' && !(await this.hold(other.view.id, true))) {
        throw new RefusedError('hold-failed');
      }
    }
    this.callStarting(rec);
    await (rec.session as Invitation).accept({ sessionDescriptionHandlerOptions: audioOnly() });
  }

  async reject(callId: string): Promise<void> {
    const rec = this.require(callId);
    if (rec.view.direction !== 'inbound' || rec.view.state !== 'ringing') throw new RefusedError('wrong-state');
    this.hangingUp(rec);
    await (rec.session as Invitation).reject({ statusCode: this.o.settings()['calls.rejectCode'] });
  }

  // ---- outbound ------------------------------------------------------------------------------------------

  async dial(target: string, consultFor?: string): Promise<string> {
    this.requireSignalling(consultFor);
    const ua = this.o.userAgent();
    const domain = this.o.domain();
    if (!ua || !domain) {
      this.notice({ code: 'not-registered' });
      throw new ContractError('not-registered');
    }
    const uri = this.targetUri(target, domain);
    if (!uri) {
      this.notice({ code: 'invalid-number', detail: plainText(target, 64) });
      throw new RefusedError('invalid-target');
    }
    const inviter = new Inviter(ua, uri, { earlyMedia: true, sessionDescriptionHandlerOptions: audioOnly() });
    const id = randomUUID();
    this.sessionIds.set(inviter, id);
    const view: CallView = {
      id,
      direction: 'outbound',
      state: 'dialing',
      remote: { name: '', number: plainText(uri.user ?? target, 128) },
      screenPop: [],
      startedAt: this.clock.now(),
      held: false,
      earlyMedia: false,
      ...(consultFor ? { consultFor } : {}),
    };
    const rec = this.track(view, inviter, 'placing');
    this.callStarting(rec);
    this.changed();
    this.events.emit({ type: 'dialing', call: { ...view }, at: this.clock.now() });
    inviter
      .invite({
        requestDelegate: {
          onProgress: (response: Core.IncomingResponse) => {
            const code = response.message.statusCode ?? 0;
            if (rec.view.state === 'dialing' || rec.view.state === 'early') {
              rec.view.state = 'early';
              rec.view.earlyMedia = rec.view.earlyMedia || (code === 183 && Boolean(response.message.body));
              this.changed();
            }
          },
          onReject: (response: Core.IncomingResponse) => {
            const code = response.message.statusCode ?? 0;
            rec.view.endReason = code === 486 || code === 600 ? 'busy' : code === 487 ? 'cancelled' : 'failed';
            rec.view.endDetail = plainText(`${code} ${response.message.reasonPhrase ?? ''}`, 200);
          },
        },
      })
      .catch((err: unknown) => {
        rec.view.endReason = 'failed';
        rec.view.endDetail = plainText(String((err as Error)?.message ?? err), 200);
        this.notice({ callId: id, code: 'dial-failed', detail: rec.view.endDetail });
      });
    return id;
  }

  // ---- in the call ---------------------------------------------------------------------------------------

  async hangup(callId: string): Promise<void> {
    const rec = this.require(callId);
    this.hangingUp(rec);
    const s = rec.session;
    if (this.signallingDown && s.state === SessionState.Established) {
      // The agent is done with the call now: audio stops and the call ends here; the far end gets its BYE as soon
      // as the phone server is back (or the call is dropped with it, if it never returns).
      rec.view.endReason = 'local-hangup';
      this.queuedByes.add(s);
      this.endHere(rec);
      return;
    }
    if (s.state === SessionState.Established) await s.bye();
    else if (s instanceof Inviter) await s.cancel();
    else if (s.state === SessionState.Initial || s.state === SessionState.Establishing) {
      await (s as Invitation).reject({ statusCode: this.o.settings()['calls.rejectCode'] });
    }
  }

  /** Resolves true when the far end accepted the hold (or resume). On refusal the state stays as it was. */
  async hold(callId: string, on: boolean): Promise<boolean> {
    const rec = this.require(callId);
    this.requireSignalling(callId);
    if (!inConversation(rec)) throw new RefusedError('wrong-state');
    if (rec.view.held === on) return true;
    const s = rec.session;
    const previous = s.sessionDescriptionHandlerOptionsReInvite;
    s.sessionDescriptionHandlerOptionsReInvite = { ...previous, hold: on } as object;
    const status = await this.reinvite(rec);
    // The call may have ended while the re-INVITE was under way: it stays ended, whatever the answer.
    if (hasEnded(rec)) return false;
    if (status !== 200) {
      this.o.log.warn('hold re-INVITE refused', { callId, on, status });
      s.sessionDescriptionHandlerOptionsReInvite = previous;
      this.notice({ callId, code: on ? 'hold-failed' : 'resume-failed' });
      return false;
    }
    rec.view.held = on;
    rec.view.state = on ? 'held' : 'active';
    // Hold time counts from when the far end accepted it; a resume ends the hold and its reminder.
    if (on) rec.view.heldAt = this.clock.now();
    else {
      delete rec.view.heldAt;
      delete rec.view.longHold;
    }
    this.changed();
    this.events.emit({ type: on ? 'held' : 'resumed', call: { ...rec.view }, at: this.clock.now() });
    return true;
  }

  /**
   * The long-hold reminder of a held call (from the hold reminder), on its view for every screen that shows calls;
   * ignored once the call is no longer held, so a late reminder cannot outlive the hold.
   */
  setLongHold(callId: string, longHold: NonNullable<CallView['longHold']>): void {
    const rec = this.calls.get(callId);
    if (!rec || rec.view.state !== 'held') return;
    rec.view.longHold = { ...longHold };
    this.changed();
  }

  async dtmf(callId: string, digits: string): Promise<void> {
    const rec = this.require(callId);
    if (rec.view.state !== 'active') throw new RefusedError('wrong-state');
    if (this.o.settings()['calls.dtmfMethod'] === 'info') {
      this.requireSignalling(callId);
      await sendInfoDtmf(rec.session, digits);
      return;
    }
    const sdh = rec.session.sessionDescriptionHandler;
    if (!sdh || !sdh.sendDtmf(digits)) {
      this.notice({ callId, code: 'dtmf-failed' });
      throw new RefusedError('dtmf-failed');
    }
  }

  /** Blind transfer: REFER, then hang up only once the far end reports that the transfer target answered. */
  async transferBlind(callId: string, target: string): Promise<void> {
    const rec = this.require(callId);
    this.requireSignalling(callId);
    const uri = this.targetUri(target, this.o.domain() ?? '');
    if (!uri) {
      this.notice({ callId, code: 'invalid-number', detail: plainText(target, 64) });
      throw new RefusedError('invalid-target');
    }
    await this.transfer(rec, uri);
  }

  /** Attended transfer: the consult call replaces this one at the far end (REFER with Replaces). */
  async transferAttended(callId: string, consultCallId: string): Promise<void> {
    const rec = this.require(callId);
    this.requireSignalling(callId);
    const consult = this.require(consultCallId);
    await this.transfer(rec, consult.session);
  }

  /** Consult the supervisor in one action: hold this call, call the supervisor extension from settings. */
  async consultSupervisor(callId: string): Promise<string> {
    this.requireSignalling(callId);
    const ext = this.o.settings()['calls.supervisorExtension'];
    if (!ext) {
      this.notice({ callId, code: 'no-supervisor' });
      throw new RefusedError('no-supervisor');
    }
    this.require(callId);
    if (!(await this.hold(callId, true))) throw new RefusedError('hold-failed');
    return this.dial(ext, callId);
  }

  /** Quality sample from the renderer's getStats: keep the latest on the view, hand every one to listeners. */
  recordQuality(callId: string, sample: Omit<QualitySample, 'mos'> & { mos?: number }): void {
    const rec = this.calls.get(callId);
    if (!rec) return;
    const full: QualitySample = { ...sample, mos: estimateMos(sample) };
    rec.view.quality = full;
    this.events.emit({ type: 'quality', callId, sample: full, at: this.clock.now() });
    this.changed();
  }

  callIdsWithMedia(): string[] {
    return [...this.calls.values()].filter((c) => !hasEnded(c)).map((c) => c.view.id);
  }

  /**
   * The registration's word on the transport under the calls (RegistrationService.onSignalling). `down`: calls and
   * their media continue, requests to far ends are refused. `restored`: each call re-INVITEs so its far end sends
   * in-dialog requests (a BYE) over the new connection, and hang-ups made meanwhile send their BYE. `lost`: the
   * server did not come back in time; the calls end here.
   */
  signallingChanged(change: 'down' | 'restored' | 'lost'): void {
    this.signallingDown = change === 'down';
    if (change === 'down') return;
    for (const s of this.queuedByes) {
      if (change === 'restored' && s.state === SessionState.Established)
        s.bye().catch((err: unknown) => this.o.log.warn('queued BYE failed', { detail: String(err) }));
      else {
        this.keepLateBye(s);
        ignorePromise(s.dispose().catch(() => undefined));
      }
    }
    this.queuedByes.clear();
    for (const rec of [...this.calls.values()]) {
      if (hasEnded(rec) || rec.session.state !== SessionState.Established) continue;
      if (change === 'restored') {
        void this.reinvite(rec).then((status) => {
          if (status === 200 || hasEnded(rec)) return;
          this.o.log.warn('target refresh after reconnect refused', { callId: rec.view.id, status });
          this.notice({ callId: rec.view.id, code: 'media-failed' });
        });
      } else {
        rec.view.endReason = 'signalling-lost';
        this.notice({ callId: rec.view.id, code: 'signalling-lost' });
        this.keepLateBye(rec.session);
        this.endHere(rec);
        ignorePromise(rec.session.dispose().catch(() => undefined));
      }
    }
  }

  /**
   * The phone is registered (the registration's word). Calls ended here after signalling was lost for too long
   * are still up at their far ends, whose user agent saw nothing: their BYE goes out now, through the new user
   * agent, so no far end stays in a call nobody is on.
   */
  registered(): void {
    const ua = this.o.userAgent();
    if (!ua || this.lateByes.length === 0) return;
    const dialogs = this.lateByes;
    this.lateByes = [];
    for (const d of dialogs) {
      void sendLateBye(ua, d).then((status) => {
        if (status >= 200 && status < 300) this.o.log.info('BYE sent after signalling came back', { status });
        else this.o.log.warn('BYE after signalling came back refused', { status });
      });
    }
  }

  private keepLateBye(s: Session): void {
    if (s.state !== SessionState.Established) return;
    const d = dialogForBye(s);
    // A bound list: a server away for hours with calls coming and going must not grow it without end.
    if (d) this.lateByes = [...this.lateByes.slice(-49), d];
  }

  /** Ends every call (quit). */
  async dispose(): Promise<void> {
    for (const rec of this.calls.values()) {
      try {
        await this.hangup(rec.view.id);
      } catch {
        /* ended meanwhile: nothing left to end */
      }
    }
  }

  // ---- the call's life -----------------------------------------------------------------------------------

  private track(view: CallView, session: Session, phase: CallPhase): CallRecord {
    const rec: CallRecord = { view, session, phase, phaseChanged: new Emitter<CallPhase>() };
    this.calls.set(view.id, rec);
    session.delegate = {
      ...session.delegate,
      // RFC 3261 §14.2: a UAS must not re-INVITE before the ACK of its 2xx.
      onAck: () => {
        if (rec.phase === 'offered' || rec.phase === 'awaiting-ack') this.setPhase(rec, 'established');
      },
      onBye: (bye) => {
        ignorePromise(bye.accept());
        if (!rec.view.endReason) rec.view.endReason = 'remote-hangup';
      },
      onCancel: () => {
        this.setPhase(rec, 'caller-cancelled');
      },
    };
    session.stateChange.addListener((state) => {
      const beforeAnswer = rec.view.state === 'ringing' || rec.view.state === 'dialing' || rec.view.state === 'early';
      if (state === SessionState.Established && beforeAnswer) this.established(rec);
      else if (state === SessionState.Terminated) this.ended(rec);
    });
    return rec;
  }

  private setPhase(rec: CallRecord, phase: CallPhase): void {
    if (rec.phase === phase || rec.phase === 'ended') return;
    rec.phase = phase;
    rec.phaseChanged.emit(phase);
  }

  /** We asked to end the call; a caller's CANCEL that came first still names the end. */
  private hangingUp(rec: CallRecord): void {
    if (rec.phase !== 'caller-cancelled') this.setPhase(rec, 'hanging-up');
  }

  private callStarting(rec: CallRecord): void {
    this.mute.callStarting({
      consult: !isCustomerLeg(rec.view),
      anotherInConversation: [...this.calls.values()].some((c) => c !== rec && c.view.state === 'active'),
    });
  }

  private ringTimedOut(rec: CallRecord): void {
    rec.ringTimer = undefined;
    if (rec.view.state !== 'ringing' || hasEnded(rec)) return;
    this.o.log.info('incoming call rang unanswered too long: stopped', { callId: rec.view.id });
    rec.view.endReason = 'unanswered';
    this.hangingUp(rec);
    ignorePromise((rec.session as Invitation).reject({ statusCode: 480, reasonPhrase: 'Temporarily Unavailable' }));
  }

  private cancelRingTimer(rec: CallRecord): void {
    if (rec.ringTimer === undefined) return;
    this.clock.clearTimeout(rec.ringTimer);
    rec.ringTimer = undefined;
  }

  private established(rec: CallRecord): void {
    this.cancelRingTimer(rec);
    // An inbound call is established once our 200 is sent; its dialog is usable when the caller's ACK arrives.
    if (rec.phase === 'offered') this.setPhase(rec, 'awaiting-ack');
    else if (rec.phase === 'placing') this.setPhase(rec, 'established');
    rec.view.state = 'active';
    rec.view.answeredAt = this.clock.now();
    rec.view.earlyMedia = false;
    rec.mediaHost = this.o.bridge.hostId();
    this.mute.callEstablished({ consult: !isCustomerLeg(rec.view) });
    this.changed();
    this.events.emit({ type: 'answered', call: { ...rec.view }, at: this.clock.now() });
  }

  private ended(rec: CallRecord): void {
    if (hasEnded(rec)) return;
    this.cancelAutoAnswer(rec);
    this.cancelRingTimer(rec);
    // Rejected, cancelled, answered elsewhere or stopped unanswered: what was prepared while it rang is released.
    this.o.bridge.release(rec.view.id);
    rec.view.endReason ??= endReasonFrom(rec.phase, rec.view);
    this.setPhase(rec, 'ended');
    rec.view.state = 'ended';
    rec.view.endedAt = this.clock.now();
    rec.view.held = false;
    delete rec.view.heldAt;
    delete rec.view.longHold;
    this.changed();
    this.events.emit({ type: 'ended', call: { ...rec.view }, at: this.clock.now() });
    this.clock.setTimeout(() => {
      this.calls.delete(rec.view.id);
      this.changed();
    }, this.o.lingerMs ?? 3000);
    if (![...this.calls.values()].some((c) => !hasEnded(c))) this.mute.lastCallEnded();
  }

  /** Ends a call on this side without the far end's word: its audio stops now, its record ends. */
  private endHere(rec: CallRecord): void {
    rec.session.sessionDescriptionHandler?.close();
    this.ended(rec);
  }

  /** Refuses a request that needs the far end while the phone server is being reconnected. */
  private requireSignalling(callId?: string): void {
    if (!this.signallingDown) return;
    this.notice({ ...(callId ? { callId } : {}), code: 'signalling-down' });
    throw new RefusedError('signalling-down');
  }

  private cancelAutoAnswer(rec: CallRecord): void {
    if (rec.autoAnswerTimer === undefined) return;
    this.clock.clearTimeout(rec.autoAnswerTimer);
    rec.autoAnswerTimer = undefined;
  }

  // ---- requests inside the dialog ------------------------------------------------------------------------

  /** A re-INVITE, never before the caller's ACK of our 200 (SIP.js would tear the call down if it came after). */
  private async reinvite(rec: CallRecord): Promise<number> {
    await this.leftPhase(rec, 'awaiting-ack');
    if (hasEnded(rec)) return 0;
    return reinvite(rec.session, { clock: this.clock });
  }

  /** Settles once the call is no longer in `phase` (at once if it is not). */
  private leftPhase(rec: CallRecord, phase: CallPhase): Promise<void> {
    if (rec.phase !== phase) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const off = rec.phaseChanged.on((p) => {
        if (p !== phase) {
          off();
          resolve();
        }
      });
    });
  }

  private async transfer(rec: CallRecord, target: Session | URI): Promise<void> {
    if (!inConversation(rec)) throw new RefusedError('wrong-state');
    await refer(rec.session, target, {
      failed: (detail) => this.notice({ callId: rec.view.id, code: 'transfer-failed', detail }),
      targetAnswered: () => {
        rec.view.endReason = 'transferred';
        this.notice({ callId: rec.view.id, code: 'transfer-done' });
        if (rec.session.state === SessionState.Established) {
          this.hangingUp(rec);
          ignorePromise(rec.session.bye());
        }
      },
    });
  }

  /** A reloaded or replaced renderer lost the calls' media: re-INVITE so the new one negotiates fresh media. */
  private renegotiateAfterRendererChange(): void {
    const host = this.o.bridge.hostId();
    for (const rec of this.calls.values()) {
      if (rec.view.state === 'ringing') this.prepareMedia(rec);
      if (rec.session.state !== SessionState.Established || rec.mediaHost === host) continue;
      rec.mediaHost = host;
      this.o.log.info('renegotiating media after renderer change', { callId: rec.view.id });
      void this.reinvite(rec).then((status) => {
        if (status === 200) return;
        this.o.log.warn('media re-negotiation refused', { callId: rec.view.id, status });
        this.notice({ callId: rec.view.id, code: 'media-failed' });
      });
    }
  }

  // ---- helpers -------------------------------------------------------------------------------------------

  private targetUri(target: string, domain: string): URI | undefined {
    const uriText = dialUri(target, domain);
    return uriText ? UserAgent.makeURI(uriText) : undefined;
  }

  /** Another call talking, on hold or being placed: an auto-answer would interrupt the agent. */
  private anotherCallEngaged(except: string): boolean {
    const engaged: ReadonlyArray<CallView['state']> = ['active', 'held', 'dialing', 'early'];
    return [...this.calls.values()].some((c) => c.view.id !== except && engaged.includes(c.view.state));
  }

  private require(callId: string): CallRecord {
    const rec = this.calls.get(callId);
    if (!rec || hasEnded(rec)) {
      this.notice({ callId, code: 'no-such-call' });
      throw new RefusedError('no-such-call');
    }
    return rec;
  }

  private notice(n: CallNotice): void {
    this.notices.emit(n);
  }
  private changed(): void {
    this.changes.emit(this.snapshot());
  }
}
