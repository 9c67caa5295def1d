import type { Readable, Writable } from 'node:stream';
import { Emitter } from '@common/emitter';

/**
 * A small Chrome DevTools Protocol client over the pipe Chromium opens with `--remote-debugging-pipe`: it reads
 * commands on its fd 3 and writes answers and events on its fd 4, each message one JSON object followed by a NUL.
 * A pipe, unlike `--remote-debugging-port`, leaves no TCP port that another local process could use to drive the
 * browser (and the phone in it).
 */

/** Why the pipe can no longer be trusted or used; the client is closed when one is reported. */
export type CdpPipeErrorCode = 'cdp-bad-frame' | 'cdp-frame-too-large' | 'cdp-closed';

export class CdpPipeError extends Error {
  constructor(
    readonly code: CdpPipeErrorCode,
    detail: string,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'CdpPipeError';
  }
}

/** A command Chromium answered with an error object (unknown method, no such target, …). */
export class CdpCommandError extends Error {
  constructor(
    readonly method: string,
    readonly cdpCode: number,
    cdpMessage: string,
  ) {
    super(`${method} failed: ${cdpMessage} (${cdpCode})`);
    this.name = 'CdpCommandError';
  }
}

export interface CdpEvent {
  method: string;
  params: Record<string, unknown>;
  /** Set for events of a target attached with `flatten: true`. */
  sessionId?: string;
}

/**
 * No message Chromium sends for what the host asks (target lists, crash events, command answers) comes near this;
 * a stream that runs past it without a NUL is not CDP, and buffering it would only grow memory.
 */
export const maxFrameBytes = 8 * 1024 * 1024;

interface Pending {
  method: string;
  resolve: (result: Record<string, unknown>) => void;
  reject: (err: Error) => void;
}

export class CdpPipe {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private chunks: Buffer[] = [];
  private buffered = 0;
  private closedBy: CdpPipeError | undefined;
  private readonly events = new Emitter<CdpEvent>();
  private readonly failures = new Emitter<CdpPipeError>();

  constructor(
    private readonly toBrowser: Writable,
    fromBrowser: Readable,
  ) {
    fromBrowser.on('data', (chunk: Buffer | string) => this.receive(Buffer.from(chunk)));
    fromBrowser.on('end', () => this.fail(new CdpPipeError('cdp-closed', 'Chromium closed the pipe')));
    fromBrowser.on('error', (err) => this.fail(new CdpPipeError('cdp-closed', err.message)));
    // Writing after Chromium exited raises EPIPE here: the pipe is simply closed, never an uncaught error.
    toBrowser.on('error', (err) => this.fail(new CdpPipeError('cdp-closed', err.message)));
  }

  /** Every event Chromium sends (browser-wide and, with `sessionId`, of attached targets). */
  readonly onEvent = this.events.on;
  /** The pipe failed (garbage on it, or it closed); commands still waiting were rejected with the same error. */
  readonly onFailure = this.failures.on;

  get closed(): boolean {
    return this.closedBy !== undefined;
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    if (this.closedBy) return Promise.reject(this.closedBy);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { method, resolve, reject });
      this.toBrowser.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });
  }

  /** Stops using the pipe (Chromium is being stopped); commands still waiting are rejected. */
  close(): void {
    this.fail(new CdpPipeError('cdp-closed', 'closed by the host'), false);
  }

  private receive(chunk: Buffer): void {
    if (this.closedBy) return;
    let start = 0;
    for (let nul = chunk.indexOf(0); nul !== -1; nul = chunk.indexOf(0, start)) {
      const frame = Buffer.concat([...this.chunks, chunk.subarray(start, nul)]);
      this.chunks = [];
      this.buffered = 0;
      start = nul + 1;
      this.frame(frame);
      if (this.closedBy) return;
    }
    if (start < chunk.length) {
      this.chunks.push(chunk.subarray(start));
      this.buffered += chunk.length - start;
      if (this.buffered > maxFrameBytes)
        this.fail(new CdpPipeError('cdp-frame-too-large', `more than ${maxFrameBytes} bytes without a message end`));
    }
  }

  private frame(bytes: Buffer): void {
    let msg: unknown;
    try {
      msg = JSON.parse(bytes.toString('utf8'));
    } catch {
      this.fail(new CdpPipeError('cdp-bad-frame', `not JSON: ${JSON.stringify(bytes.subarray(0, 40).toString())}`));
      return;
    }
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
      this.fail(new CdpPipeError('cdp-bad-frame', 'a message that is not a JSON object'));
      return;
    }
    const m = msg as { id?: unknown; method?: unknown; params?: unknown; result?: unknown; error?: unknown };
    if (typeof m.id === 'number') {
      const p = this.pending.get(m.id);
      // An answer to nothing asked (or asked before a close) is dropped: it changes nothing here.
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error && typeof m.error === 'object') {
        const e = m.error as { code?: unknown; message?: unknown };
        p.reject(new CdpCommandError(p.method, Number(e.code ?? 0), String(e.message ?? 'error')));
      } else p.resolve(isRecord(m.result) ? m.result : {});
      return;
    }
    if (typeof m.method === 'string') {
      const sessionId = (msg as { sessionId?: unknown }).sessionId;
      this.events.emit({
        method: m.method,
        params: isRecord(m.params) ? m.params : {},
        ...(typeof sessionId === 'string' ? { sessionId } : {}),
      });
      return;
    }
    this.fail(new CdpPipeError('cdp-bad-frame', 'a message with neither an id nor a method'));
  }

  private fail(err: CdpPipeError, report = true): void {
    if (this.closedBy) return;
    this.closedBy = err;
    this.chunks = [];
    this.buffered = 0;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    if (report) this.failures.emit(err);
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
