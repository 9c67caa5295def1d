import type {
  BodyAndContentType,
  SessionDescriptionHandler,
  SessionDescriptionHandlerModifier,
  SessionDescriptionHandlerOptions,
} from 'sip.js';
import type { MediaRequest, MediaResponse } from '@common/contract/calls';
import type { Connection } from '@common/contract/contract';
import { Emitter } from '@common/emitter';
import { ignorePromise } from '@common/ignore-promise';
import type { Logger } from '../log';

/**
 * Carries SIP.js's session-description-handler calls from the main process to the one renderer that hosts the
 * calls' WebRTC media, and brings the answers back. WebRTC only exists in a renderer; SIP only needs the SDP.
 */
export class MediaBridge {
  private host: Connection | undefined;
  private seq = 0;
  private readonly pending = new Map<
    number,
    { resolve: (r: MediaResponse) => void; timer: ReturnType<typeof setTimeout>; connection: string }
  >();
  private readonly attached = new Emitter<boolean>();
  /** Media prepared while a call rings, per call: the offer it was prepared for and the host that holds it. */
  private readonly prepared = new Map<string, { sdp: string; host: Connection; ready: Promise<boolean> }>();

  constructor(
    private readonly log: Logger,
    private readonly timeoutMs = 20_000,
  ) {}

  /** A renderer offers to host media. The newest one wins: a reloaded or replaced renderer takes over. */
  attach(connection: Connection): void {
    const replaced = this.host !== undefined && this.host.id !== connection.id;
    const changed = this.host?.id !== connection.id;
    if (changed) this.failPending('renderer replaced');
    this.host = connection;
    if (changed) this.releaseAllPrepared();
    this.attached.emit(!replaced);
  }
  detach(connectionId: string): void {
    if (this.host?.id !== connectionId) return;
    this.host = undefined;
    this.failPending('renderer gone');
    // A page that only lost its connection also closes, by itself, prepared media of calls no longer ringing.
    this.releaseAllPrepared();
  }
  hostId(): string | undefined {
    return this.host?.id;
  }
  /** A renderer attached; `true` when it is the first host rather than a replacement. */
  readonly onAttach = this.attached.on;

  respond(from: Connection | undefined, r: MediaResponse): void {
    const p = this.pending.get(r.reqId);
    // Only the renderer that was asked may answer.
    if (!p || !from || p.connection !== from.id) return;
    this.pending.delete(r.reqId);
    clearTimeout(p.timer);
    p.resolve(r);
  }

  request(req: Omit<MediaRequest, 'reqId'>): Promise<MediaResponse> {
    const host = this.host;
    if (!host) return Promise.resolve({ reqId: -1, ok: false, error: 'no renderer is hosting media' });
    const reqId = ++this.seq;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(reqId);
        resolve({ reqId, ok: false, error: `renderer did not answer ${req.op} in ${this.timeoutMs} ms` });
      }, this.timeoutMs);
      this.pending.set(reqId, { resolve, timer, connection: host.id });
      host.send('media.request', { ...req, reqId });
    });
  }

  /**
   * While an inbound call rings, the host gets ready everything that does not need the agent's decision (microphone
   * open with the sender silent, peer connection, remote offer applied, candidates gathered), so that answering
   * only applies the answer. Nothing reaches the caller and nothing plays until then.
   */
  prepare(callId: string, sdp: string): void {
    const host = this.host;
    if (!host || this.prepared.has(callId)) return;
    const ready = this.request({ callId, op: 'prepare', sdp }).then((r) => {
      if (!r.ok) this.log.warn('media not prepared while ringing', { error: r.error });
      return r.ok;
    });
    this.prepared.set(callId, { sdp, host, ready });
  }

  /**
   * The answer takes the prepared media: resolves true once it is ready for this very offer on the current host,
   * false when it failed (the normal path then builds it), undefined when nothing was prepared for it.
   */
  takePrepared(callId: string, sdp: string): Promise<boolean> | undefined {
    const p = this.prepared.get(callId);
    if (!p) return undefined;
    this.prepared.delete(callId);
    if (p.sdp === sdp && p.host.id === this.host?.id) return p.ready;
    this.closePrepared(callId, p.host);
    return undefined;
  }

  /** The call ended before it was answered (rejected, cancelled, answered elsewhere): release what was prepared. */
  release(callId: string): void {
    const p = this.prepared.get(callId);
    if (!p) return;
    this.prepared.delete(callId);
    this.closePrepared(callId, p.host);
  }

  /** Calls with media prepared and not yet answered or released. */
  preparedCalls(): string[] {
    return [...this.prepared.keys()];
  }

  private closePrepared(callId: string, host: Connection): void {
    if (host.id === this.host?.id) {
      this.notify({ callId, op: 'close' });
      return;
    }
    // A replaced host that is still connected must not keep a microphone open for a call it will never carry
    // (nobody waits for its answer).
    try {
      host.send('media.request', { callId, op: 'close', reqId: ++this.seq });
    } catch {
      /* that connection is gone, and its media with it */
    }
  }

  /** The host changed or went away: what the previous one prepared is released there. */
  private releaseAllPrepared(): void {
    for (const callId of [...this.prepared.keys()]) this.release(callId);
  }

  /** Fire-and-forget requests (DTMF, close) still go to the host but nobody waits. */
  notify(req: Omit<MediaRequest, 'reqId'>): boolean {
    if (!this.host) return false;
    ignorePromise(
      this.request(req).then((r) => {
        if (!r.ok) this.log.warn('media request failed', { op: req.op, error: r.error });
      }),
    );
    return true;
  }

  private failPending(why: string) {
    for (const [reqId, p] of this.pending) {
      clearTimeout(p.timer);
      p.resolve({ reqId, ok: false, error: why });
    }
    this.pending.clear();
  }
}

type HoldOptions = SessionDescriptionHandlerOptions & { hold?: boolean; offerOptions?: { iceRestart?: boolean } };

/**
 * The main process's stand-in for SIP.js's WebRTC handler. Only serialisable options cross (hold, ICE restart);
 * SDP modifiers are functions and are applied on the renderer side instead.
 */
export class ProxySessionDescriptionHandler implements SessionDescriptionHandler {
  private closed = false;
  constructor(
    readonly callId: string,
    private readonly bridge: MediaBridge,
  ) {}

  async getDescription(
    options?: HoldOptions,
    _modifiers?: SessionDescriptionHandlerModifier[],
  ): Promise<BodyAndContentType> {
    const r = await this.bridge.request({ callId: this.callId, op: 'getDescription', options: pick(options) });
    if (!r.ok || !r.body) throw new Error(r.error ?? 'no description');
    return { body: r.body, contentType: r.contentType ?? 'application/sdp' };
  }
  async setDescription(
    sdp: string,
    options?: HoldOptions,
    _modifiers?: SessionDescriptionHandlerModifier[],
  ): Promise<void> {
    // The offer this call rang with is already applied on the host: the answer needs no round trip for it.
    const prepared = this.bridge.takePrepared(this.callId, sdp);
    if (prepared && (await prepared)) return;
    const r = await this.bridge.request({ callId: this.callId, op: 'setDescription', sdp, options: pick(options) });
    if (!r.ok) throw new Error(r.error ?? 'setDescription failed');
  }
  hasDescription(contentType: string): boolean {
    return contentType === 'application/sdp';
  }
  async rollbackDescription(): Promise<void> {
    await this.bridge.request({ callId: this.callId, op: 'rollback' });
  }
  sendDtmf(tones: string): boolean {
    return this.bridge.notify({ callId: this.callId, op: 'sendDtmf', tones });
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.bridge.notify({ callId: this.callId, op: 'close' });
  }
}

function pick(o: HoldOptions | undefined): MediaRequest['options'] {
  if (!o) return undefined;
  const out: NonNullable<MediaRequest['options']> = {};
  if (typeof o.hold === 'boolean') out.hold = o.hold;
  if (o.offerOptions?.iceRestart) out.iceRestart = true;
  return out;
}
