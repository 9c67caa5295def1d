import { randomUUID } from 'node:crypto';
import {
  Inviter, SessionState, UserAgent, type Core, type Invitation, type Session, type SessionDescriptionHandlerFactory, type URI,
} from 'sip.js';
import type { CallNotice, CallView, CallsSnapshot, QualitySample } from '../../common/contract/calls';
import { ContractError, RefusedError } from '../../common/contract/errors';
import type { Settings } from '../../common/settings/schema';
import type { Logger } from '../log';
import { callerIdentity, offerProblem, plainText, screenPop } from './caller-identity';
import { dialUri } from './dial-target';
import { ProxySessionDescriptionHandler, type MediaBridge } from './media-bridge';
import { systemClock, type Clock } from '../../common/clock';
import { estimateMos } from './quality';

export type CallSettings = Pick<Settings, 'calls.rejectCode' | 'calls.autoAnswer' | 'calls.autoAnswerDelaySec' | 'calls.dtmfMethod'
  | 'calls.supervisorExtension' | 'calls.screenPopHeaders' | 'mute.onCallStart'>;

/** May a new call be presented to the agent now? (Agent state: Not ready, after-call work, break.) */
export type OfferGate = () => { offer: true } | { offer: false; sipCode: 480 | 486 | 603 };

export type MuteSource = 'ui' | 'headset' | 'hotkey' | 'call-start' | 'transfer' | 'hold' | 'policy' | 'verification';
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
  clock?: Clock;
  /** How long an ended call stays visible before it leaves the list. */
  lingerMs?: number;
}

interface CallRecord {
  view: CallView; session: Session; mediaHost?: string; hangingUp?: boolean; autoTimer?: unknown; transferring?: boolean; remoteCancelled?: boolean;
  /** Inbound calls: settles when the caller's ACK of our 200 arrives (or the call ends); no re-INVITE before it. */
  acked?: Promise<void>; ackArrived?: () => void;
}

/** Read afresh after an await (the compiler would keep a state narrowed before it). */
const hasEnded = (rec: CallRecord): boolean => rec.view.state === 'ended';

/**
 * Every call of the agent, as SIP.js sessions in the main process. The renderer and the headset only send
 * commands here and show what this reports; nothing in the UI claims a state the far end was not told about.
 */
export class CallManager {
  private readonly calls = new Map<string, CallRecord>();
  private readonly sessionIds = new WeakMap<Session, string>();
  private muted = false;
  private readonly listeners = new Set<(s: CallsSnapshot) => void>();
  private readonly noticeListeners = new Set<(n: CallNotice) => void>();
  private readonly eventListeners = new Set<(e: CallEvent) => void>();
  private readonly clock: Clock;

  constructor(private readonly o: CallManagerOptions) {
    this.clock = o.clock ?? systemClock;
    o.bridge.onAttach(() => this.renegotiateAfterRendererChange());
  }

  /** The factory SIP.js uses for every session: a proxy to the renderer's WebRTC handler. */
  readonly sdhFactory: SessionDescriptionHandlerFactory = (session) => {
    let id = this.sessionIds.get(session);
    if (!id) { id = randomUUID(); this.sessionIds.set(session, id); }
    return new ProxySessionDescriptionHandler(id, this.o.bridge);
  };

  snapshot(): CallsSnapshot { return { calls: [...this.calls.values()].map((c) => ({ ...c.view })), muted: this.muted }; }
  isMuted(): boolean { return this.muted; }
  onChange(l: (s: CallsSnapshot) => void): () => void { this.listeners.add(l); return () => this.listeners.delete(l); }
  onNotice(l: (n: CallNotice) => void): () => void { this.noticeListeners.add(l); return () => this.noticeListeners.delete(l); }
  onEvent(l: (e: CallEvent) => void): () => void { this.eventListeners.add(l); return () => this.eventListeners.delete(l); }

  // ---- inbound -------------------------------------------------------------------------------------------

  /** UserAgent delegate `onInvite`. */
  readonly onInvite = (invitation: Invitation): void => {
    const problem = offerProblem(invitation.body);
    if (problem) {
      // Late offer, video-only and codec-less offers are refused before the agent is disturbed.
      this.o.log.warn('incoming INVITE refused', { problem });
      void invitation.reject({ statusCode: 488, reasonPhrase: 'Not Acceptable Here' }).catch(() => undefined);
      return;
    }
    const gate = this.o.gate?.() ?? { offer: true };
    if (!gate.offer) {
      void invitation.reject({ statusCode: gate.sipCode }).catch(() => undefined);
      this.notice({ code: 'call-rejected-not-ready', detail: `${gate.sipCode}` });
      return;
    }
    const id = randomUUID();
    this.sessionIds.set(invitation, id);
    const s = this.o.settings();
    const view: CallView = {
      id, direction: 'inbound', state: 'ringing', remote: callerIdentity(invitation.request),
      screenPop: screenPop(invitation.request, s['calls.screenPopHeaders']), startedAt: this.clock.now(), held: false, earlyMedia: false,
    };
    const rec: CallRecord = { view, session: invitation };
    this.calls.set(id, rec);
    this.watch(rec);
    const autoAfter = this.autoAnswerDelay(invitation.request.getHeader('Call-Info'));
    if (autoAfter !== undefined && !this.hasLiveCall(id)) {
      view.autoAnswerAt = this.clock.now() + autoAfter * 1000;
      rec.autoTimer = this.clock.setTimeout(() => { void this.answer(id).catch(() => undefined); }, autoAfter * 1000);
    }
    this.changed();
    this.emitEvent({ type: 'offered', call: { ...view }, at: this.clock.now() });
    if (invitation.replacee) {
      // Attended transfer towards the agent: the new call takes over a conversation already under way.
      void this.answer(id).catch(() => undefined);
      return;
    }
    void invitation.progress().catch(() => undefined);
  };

  private autoAnswerDelay(callInfo: string | undefined): number | undefined {
    const m = callInfo ? /answer-after\s*=\s*(\d{1,3})/i.exec(callInfo) : null;
    if (m) return Math.min(60, Number(m[1]));
    const s = this.o.settings();
    return s['calls.autoAnswer'] ? s['calls.autoAnswerDelaySec'] : undefined;
  }

  async answer(callId: string): Promise<void> {
    const rec = this.require(callId);
    if (rec.view.direction !== 'inbound' || rec.view.state !== 'ringing') throw new RefusedError('wrong-state');
    if (rec.autoTimer !== undefined) { this.clock.clearTimeout(rec.autoTimer); rec.autoTimer = undefined; }
    // Answering a second call puts the first on hold first; if the far end refuses the hold, we do not answer.
    for (const other of this.calls.values()) {
      if (other !== rec && other.view.state === 'active' && !(await this.hold(other.view.id, true))) {
        throw new RefusedError('hold-failed');
      }
    }
    this.presetCallStartMute(rec);
    await (rec.session as Invitation).accept({ sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } } as object });
  }

  /**
   * The call-start mute is in place before any media is negotiated, so not a syllable leaves before it applies.
   * Not while another call is still live (dialling out mid-call must not mute that conversation); a call already
   * on hold is no reason to wait: the new call is answered with its own start state.
   */
  private presetCallStartMute(rec: CallRecord): void {
    if (rec.view.consultFor) return;
    if ([...this.calls.values()].some((c) => c !== rec && c.view.state === 'active')) return;
    this.setMute(this.o.settings()['mute.onCallStart'] === 'muted', 'call-start');
  }

  async reject(callId: string): Promise<void> {
    const rec = this.require(callId);
    if (rec.view.direction !== 'inbound' || rec.view.state !== 'ringing') throw new RefusedError('wrong-state');
    rec.hangingUp = true;
    await (rec.session as Invitation).reject({ statusCode: this.o.settings()['calls.rejectCode'] });
  }

  // ---- outbound ------------------------------------------------------------------------------------------

  async dial(target: string, consultFor?: string): Promise<string> {
    const ua = this.o.userAgent();
    const domain = this.o.domain();
    if (!ua || !domain) { this.notice({ code: 'not-registered' }); throw new ContractError('not-registered'); }
    const uriText = dialUri(target, domain);
    const uri = uriText ? UserAgent.makeURI(uriText) : undefined;
    if (!uri) { this.notice({ code: 'invalid-number', detail: plainText(target, 64) }); throw new RefusedError('invalid-target'); }
    const inviter = new Inviter(ua, uri, { earlyMedia: true, sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } } as object });
    const id = randomUUID();
    this.sessionIds.set(inviter, id);
    const view: CallView = {
      id, direction: 'outbound', state: 'dialing', remote: { name: '', number: plainText(uri.user ?? target, 128) },
      screenPop: [], startedAt: this.clock.now(), held: false, earlyMedia: false, ...(consultFor ? { consultFor } : {}),
    };
    const rec: CallRecord = { view, session: inviter };
    this.calls.set(id, rec);
    this.watch(rec);
    this.presetCallStartMute(rec);
    this.changed();
    this.emitEvent({ type: 'dialing', call: { ...view }, at: this.clock.now() });
    inviter.invite({
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
    }).catch((err: unknown) => {
      rec.view.endReason = 'failed';
      rec.view.endDetail = plainText(String((err as Error)?.message ?? err), 200);
      this.notice({ callId: id, code: 'dial-failed', detail: rec.view.endDetail });
    });
    return id;
  }

  // ---- in the call ---------------------------------------------------------------------------------------

  async hangup(callId: string): Promise<void> {
    const rec = this.require(callId);
    rec.hangingUp = true;
    const s = rec.session;
    if (s.state === SessionState.Established) await s.bye();
    else if (s instanceof Inviter) await s.cancel();
    else if (s.state === SessionState.Initial || s.state === SessionState.Establishing) await (s as Invitation).reject({ statusCode: this.o.settings()['calls.rejectCode'] });
  }

  /** Resolves true when the far end accepted the hold (or resume). On refusal the state stays as it was. */
  async hold(callId: string, on: boolean): Promise<boolean> {
    const rec = this.require(callId);
    if (rec.view.state !== 'active' && rec.view.state !== 'held') throw new RefusedError('wrong-state');
    if (rec.view.held === on) return true;
    const s = rec.session;
    const previous = s.sessionDescriptionHandlerOptionsReInvite;
    s.sessionDescriptionHandlerOptionsReInvite = { ...previous, hold: on } as object;
    const status = await this.reinvite(rec);
    // The call may have ended while the re-INVITE was under way: it stays ended, whatever the answer.
    if (hasEnded(rec)) return false;
    const accepted = status === 200;
    if (!accepted) this.o.log.warn('hold re-INVITE refused', { callId, on, status });
    if (!accepted) {
      s.sessionDescriptionHandlerOptionsReInvite = previous;
      this.notice({ callId, code: on ? 'hold-failed' : 'resume-failed' });
      return false;
    }
    rec.view.held = on;
    rec.view.state = on ? 'held' : 'active';
    this.changed();
    this.emitEvent({ type: on ? 'held' : 'resumed', call: { ...rec.view }, at: this.clock.now() });
    return true;
  }

  /** The one mute command. The source is recorded; the renderer applies it to the sender track. */
  setMute(muted: boolean, source: MuteSource): boolean {
    const active = [...this.calls.values()].find((c) => c.view.state === 'active' || c.view.state === 'held');
    if (this.muted === muted) return muted;
    this.muted = muted;
    this.emitEvent({ type: 'mute', muted, source, ...(active ? { callId: active.view.id } : {}), at: this.clock.now() });
    this.changed();
    return muted;
  }

  async dtmf(callId: string, digits: string): Promise<void> {
    const rec = this.require(callId);
    if (rec.view.state !== 'active') throw new RefusedError('wrong-state');
    if (this.o.settings()['calls.dtmfMethod'] === 'info') {
      for (const d of digits) {
        await rec.session.info({ requestOptions: { body: { contentDisposition: 'render', contentType: 'application/dtmf-relay', content: `Signal=${d}\r\nDuration=160\r\n` } } });
      }
      return;
    }
    const sdh = rec.session.sessionDescriptionHandler;
    if (!sdh || !sdh.sendDtmf(digits)) { this.notice({ callId, code: 'dtmf-failed' }); throw new RefusedError('dtmf-failed'); }
  }

  /** Blind transfer: REFER, then hang up only once the far end reports that the transfer target answered. */
  async transferBlind(callId: string, target: string): Promise<void> {
    const rec = this.require(callId);
    const domain = this.o.domain() ?? '';
    const uriText = dialUri(target, domain);
    const uri = uriText ? UserAgent.makeURI(uriText) : undefined;
    if (!uri) { this.notice({ callId, code: 'invalid-number', detail: plainText(target, 64) }); throw new RefusedError('invalid-target'); }
    await this.refer(rec, uri);
  }

  /** Attended transfer: the consult call replaces this one at the far end (REFER with Replaces). */
  async transferAttended(callId: string, consultCallId: string): Promise<void> {
    const rec = this.require(callId);
    const consult = this.require(consultCallId);
    await this.refer(rec, consult.session);
  }

  /** Consult the supervisor in one action: hold this call, call the supervisor extension from settings. */
  async consultSupervisor(callId: string): Promise<string> {
    const ext = this.o.settings()['calls.supervisorExtension'];
    if (!ext) { this.notice({ callId, code: 'no-supervisor' }); throw new RefusedError('no-supervisor'); }
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
    this.emitEvent({ type: 'quality', callId, sample: full, at: this.clock.now() });
    this.changed();
  }

  /** Re-send the state so the renderer applies it again (after a verification mismatch). */
  reapply(): void { this.changed(); }

  callIdsWithMedia(): string[] {
    return [...this.calls.values()].filter((c) => c.view.state !== 'ended').map((c) => c.view.id);
  }

  /** Ends every call (quit). */
  async dispose(): Promise<void> {
    for (const rec of this.calls.values()) await this.hangup(rec.view.id).catch(() => undefined);
  }

  // ---- internals -----------------------------------------------------------------------------------------

  private async refer(rec: CallRecord, target: Session | URI): Promise<void> {
    if (rec.view.state !== 'active' && rec.view.state !== 'held') throw new RefusedError('wrong-state');
    rec.transferring = true;
    await new Promise<void>((resolve) => {
      rec.session.refer(target as never, {
        requestDelegate: {
          onAccept: () => resolve(),
          onReject: (response: Core.IncomingResponse) => {
            rec.transferring = false;
            this.notice({ callId: rec.view.id, code: 'transfer-failed', detail: plainText(`${response.message.statusCode} ${response.message.reasonPhrase}`, 200) });
            resolve();
          },
        },
        onNotify: (notification) => {
          notification.accept().catch(() => undefined);
          const status = /^SIP\/2\.0\s+(\d{3})/m.exec(notification.request.body ?? '')?.[1];
          const code = Number(status ?? 0);
          if (code >= 200 && code < 300) {
            rec.view.endReason = 'transferred';
            this.notice({ callId: rec.view.id, code: 'transfer-done' });
            if (rec.session.state === SessionState.Established) { rec.hangingUp = true; void rec.session.bye().catch(() => undefined); }
          } else if (code >= 300) {
            // The target failed: the original call stays up, the agent is told why.
            rec.transferring = false;
            this.notice({ callId: rec.view.id, code: 'transfer-failed', detail: plainText(notification.request.body?.trim().split(/\r?\n/)[0], 200) });
          }
        },
      }).catch((err: unknown) => {
        rec.transferring = false;
        this.notice({ callId: rec.view.id, code: 'transfer-failed', detail: plainText(String((err as Error)?.message ?? err), 200) });
        resolve();
      });
    });
  }

  private watch(rec: CallRecord): void {
    const s = rec.session;
    // RFC 3261 §14.2: a UAS must not re-INVITE before the ACK of its 2xx; SIP.js would tear the call down if the
    // ACK arrived after our offer (an agent who answers and at once holds or consults).
    if (rec.view.direction === 'inbound') rec.acked = new Promise<void>((resolve) => { rec.ackArrived = resolve; });
    s.delegate = {
      ...s.delegate,
      onAck: () => { rec.ackArrived?.(); },
      onBye: (bye) => { void bye.accept().catch(() => undefined); if (!rec.view.endReason) rec.view.endReason = 'remote-hangup'; },
      onCancel: () => { rec.remoteCancelled = true; },
    };
    s.stateChange.addListener((state) => {
      if (state === SessionState.Established && (rec.view.state === 'ringing' || rec.view.state === 'dialing' || rec.view.state === 'early')) {
        rec.view.state = 'active';
        rec.view.answeredAt = this.clock.now();
        rec.view.earlyMedia = false;
        rec.mediaHost = this.o.bridge.hostId();
        // Every call starts in the configured mute state, whatever the previous call ended in.
        if (!rec.view.consultFor) this.setMute(this.o.settings()['mute.onCallStart'] === 'muted', 'call-start');
        this.changed();
        this.emitEvent({ type: 'answered', call: { ...rec.view }, at: this.clock.now() });
      } else if (state === SessionState.Terminated) {
        this.ended(rec);
      }
    });
  }

  private ended(rec: CallRecord): void {
    rec.ackArrived?.();
    if (rec.view.state === 'ended') return;
    if (rec.autoTimer !== undefined) this.clock.clearTimeout(rec.autoTimer);
    const wasRinging = rec.view.state === 'ringing';
    if (!rec.view.endReason) {
      if (wasRinging && rec.remoteCancelled) rec.view.endReason = 'remote-cancelled';
      else if (rec.hangingUp) rec.view.endReason = wasRinging ? 'rejected' : rec.view.direction === 'outbound' && !rec.view.answeredAt ? 'cancelled' : 'local-hangup';
      else rec.view.endReason = rec.view.answeredAt ? 'remote-hangup' : 'failed';
    }
    rec.view.state = 'ended';
    rec.view.endedAt = this.clock.now();
    rec.view.held = false;
    this.changed();
    this.emitEvent({ type: 'ended', call: { ...rec.view }, at: this.clock.now() });
    this.clock.setTimeout(() => { this.calls.delete(rec.view.id); this.changed(); }, this.o.lingerMs ?? 3000);
    if (![...this.calls.values()].some((c) => c.view.state !== 'ended') && this.muted) this.setMute(false, 'call-start');
  }

  /**
   * Sends a re-INVITE and resolves its final status (0: could not be sent). When the far end is mid-transaction
   * (491 glare, or 500 + Retry-After per RFC 5407: our previous ACK not yet seen), waits a short random while
   * and tries again, twice at most, rather than report a failure the agent would see.
   */
  private async reinvite(rec: CallRecord): Promise<number> {
    const s = rec.session;
    if (rec.acked) await rec.acked;
    if (hasEnded(rec)) return 0;
    const once = () => new Promise<{ status: number; retry: boolean }>((resolve) => {
      s.invite({
        requestDelegate: {
          onAccept: () => resolve({ status: 200, retry: false }),
          onReject: (r) => {
            const status = r.message.statusCode ?? 500;
            resolve({ status, retry: status === 491 || (status === 500 && r.message.hasHeader('Retry-After')) });
          },
        },
      }).catch(() => resolve({ status: 0, retry: false }));
    });
    let { status, retry } = await once();
    for (let attempt = 0; retry && attempt < 2; attempt++) {
      await new Promise((r) => setTimeout(r, 150 + Math.floor(Math.random() * 600)));
      ({ status, retry } = await once());
    }
    return status;
  }

  /** A reloaded or replaced renderer lost the calls' media: re-INVITE so the new one negotiates fresh media. */
  private renegotiateAfterRendererChange(): void {
    const host = this.o.bridge.hostId();
    for (const rec of this.calls.values()) {
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

  private hasLiveCall(except: string): boolean {
    return [...this.calls.values()].some((c) => c.view.id !== except && (c.view.state === 'active' || c.view.state === 'held' || c.view.state === 'dialing' || c.view.state === 'early'));
  }

  private require(callId: string): CallRecord {
    const rec = this.calls.get(callId);
    if (!rec || rec.view.state === 'ended') { this.notice({ callId, code: 'no-such-call' }); throw new RefusedError('no-such-call'); }
    return rec;
  }

  private notice(n: CallNotice) { for (const l of this.noticeListeners) l(n); }
  private emitEvent(e: CallEvent) { for (const l of this.eventListeners) l(e); }
  private changed() { const s = this.snapshot(); for (const l of this.listeners) l(s); }
}
