import type {
  BodyAndContentType,
  SessionDescriptionHandler,
  SessionDescriptionHandlerFactory,
  SessionDescriptionHandlerOptions,
} from 'sip.js';
import type { Connection } from '@common/contract/contract';
import type { MediaRequest } from '@common/contract/calls';
import type { Core } from '../../electron/node/core/core';
import { fakeSdp, sdpDirection } from './fake-sdp';

/**
 * Node-side stand-in for WebRTC, at the two places media can be plugged in:
 * - `FakeSessionDescriptionHandler` for a plain SIP.js user agent (the far end in integration tests);
 * - `FakeMediaRenderer`, a renderer connection that answers the core's media requests over the real bridge.
 * Both record what they were asked (remote SDPs, DTMF) so tests can assert on it.
 */
export class FakeSessionDescriptionHandler implements SessionDescriptionHandler {
  readonly remoteSdps: string[] = [];
  readonly dtmf: string[] = [];
  closed = false;
  private hold = false;
  async getDescription(options?: SessionDescriptionHandlerOptions): Promise<BodyAndContentType> {
    this.hold = (options as { hold?: boolean } | undefined)?.hold ?? false;
    return { body: fakeSdp({ direction: this.hold ? 'sendonly' : 'sendrecv' }), contentType: 'application/sdp' };
  }
  async setDescription(sdp: string): Promise<void> {
    this.remoteSdps.push(sdp);
  }
  hasDescription(contentType: string): boolean {
    return contentType === 'application/sdp';
  }
  sendDtmf(tones: string): boolean {
    this.dtmf.push(tones);
    return true;
  }
  close(): void {
    this.closed = true;
  }
  /** Direction the far end asked for in its latest SDP. */
  remoteDirection(): string {
    return sdpDirection(this.remoteSdps.at(-1));
  }
}

export function fakeSdhFactory(created: FakeSessionDescriptionHandler[] = []): SessionDescriptionHandlerFactory {
  return () => {
    const h = new FakeSessionDescriptionHandler();
    created.push(h);
    return h;
  };
}

export class FakeMediaRenderer {
  readonly requests: MediaRequest[] = [];
  readonly connection: Connection & { close(): void };
  /** Make the next getDescription fail, as a renderer without a microphone would. */
  failNext: string | undefined;
  /** Called as each request arrives, before it is answered (tests read the core's state at that moment). */
  onRequest: ((r: MediaRequest) => void) | undefined;
  /** Make the next prepare fail, as a renderer whose microphone cannot open would. */
  failNextPrepare: string | undefined;
  /** Calls this renderer holds media for (prepared or negotiated, not yet closed): what a real one keeps open. */
  readonly open = new Set<string>();

  constructor(private readonly core: Core) {
    this.connection = core.connect((name, payload) => {
      if (name === 'media.request') void this.answer(payload as MediaRequest);
    });
  }

  async attach(): Promise<void> {
    await this.core.handlers['media.attach']({}, this.connection);
  }
  detach(): void {
    this.connection.close();
  }
  requestsFor(callId: string, op?: MediaRequest['op']): MediaRequest[] {
    return this.requests.filter((r) => r.callId === callId && (!op || r.op === op));
  }

  private async answer(r: MediaRequest): Promise<void> {
    this.requests.push(r);
    this.onRequest?.(r);
    if (r.op === 'close') this.open.delete(r.callId);
    else if (r.op !== 'prepare' || !this.failNextPrepare) this.open.add(r.callId);
    const respond = (x: { ok: boolean; body?: string; contentType?: string; error?: string }) =>
      this.core.handlers['media.respond']({ reqId: r.reqId, ...x }, this.connection);
    if (r.op === 'prepare' && this.failNextPrepare) {
      const error = this.failNextPrepare;
      this.failNextPrepare = undefined;
      await respond({ ok: false, error });
      return;
    }
    if (r.op === 'getDescription' && this.failNext) {
      const error = this.failNext;
      this.failNext = undefined;
      await respond({ ok: false, error });
      return;
    }
    if (r.op === 'getDescription') {
      await respond({
        ok: true,
        body: fakeSdp({ direction: r.options?.hold ? 'sendonly' : 'sendrecv' }),
        contentType: 'application/sdp',
      });
      return;
    }
    await respond({ ok: true });
  }
}
