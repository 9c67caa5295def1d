import { promises as fs } from 'node:fs';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { ProfileFetchProblem } from '@common/contract/profile';

/** What one fetch of the published profile found. Never an exception: every way it can go wrong is a value. */
export type ProfileFetchResult =
  /** The document, and the validator to send next time (`If-None-Match`, or mtime+size of a file). */
  | { kind: 'fetched'; body: Buffer; etag: string | undefined }
  /** The server (or the file) says nothing changed since `etag`. */
  | { kind: 'unchanged' }
  /** Larger than the cap: refused as a document (`too-large`), not a fetch problem. */
  | { kind: 'too-large'; detail: string }
  | { kind: 'failed'; problem: ProfileFetchProblem; detail: string; status?: number };

export interface ProfileFetchOptions {
  /** The validator of the document we hold; a match is `unchanged`. */
  etag?: string;
  /** Size cap in bytes; the transfer is aborted as soon as it is passed. */
  maxBytes: number;
  /** The whole exchange (connect, redirects, body) must finish within this, so a trickling server cannot stall us. */
  deadlineMs?: number;
  /** Extra trusted CA certificate(s) (PEM), for tests and private CAs; the system store is used otherwise. */
  ca?: string | Buffer;
  maxRedirects?: number;
}

export const defaultFetchDeadlineMs = 10_000;
const redirectStatuses = new Set([301, 302, 303, 307, 308]);

/** Fetches the signed profile at `url` (https:// or file://). */
export async function fetchProfile(url: string, o: ProfileFetchOptions): Promise<ProfileFetchResult> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { kind: 'failed', problem: 'unreachable', detail: `not a URL: ${url}` };
  }
  if (parsed.protocol === 'file:') return fetchFile(parsed, o);
  if (parsed.protocol !== 'https:') {
    return { kind: 'failed', problem: 'insecure-redirect', detail: `not an https:// or file:// URL: ${url}` };
  }
  return fetchHttps(parsed, o);
}

async function fetchFile(url: URL, o: ProfileFetchOptions): Promise<ProfileFetchResult> {
  let file: string;
  try {
    file = fileURLToPath(url);
  } catch (e) {
    return { kind: 'failed', problem: 'unreachable', detail: `${url.href}: ${(e as Error).message}` };
  }
  try {
    const st = await fs.stat(file);
    if (!st.isFile()) return { kind: 'failed', problem: 'unreachable', detail: `${file}: not a file` };
    if (st.size > o.maxBytes) return tooLarge(`${file}: ${st.size} bytes`, o.maxBytes);
    // A share has no ETag; the modification time and size change whenever a publisher replaces the file.
    const etag = `${st.mtimeMs}-${st.size}`;
    if (o.etag === etag) return { kind: 'unchanged' };
    const body = await fs.readFile(file);
    // The file may have grown between stat and read.
    if (body.length > o.maxBytes) return tooLarge(`${file}: ${body.length} bytes`, o.maxBytes);
    return { kind: 'fetched', body, etag };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { kind: 'failed', problem: 'unreachable', detail: `${file}: ${code ?? (e as Error).message}` };
  }
}

function fetchHttps(start: URL, o: ProfileFetchOptions): Promise<ProfileFetchResult> {
  const deadlineMs = o.deadlineMs ?? defaultFetchDeadlineMs;
  const maxRedirects = o.maxRedirects ?? 3;
  return new Promise((resolve) => {
    let done = false;
    let current: ReturnType<typeof https.request> | undefined;
    const finish = (r: ProfileFetchResult) => {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      current?.destroy();
      resolve(r);
    };
    const deadline = setTimeout(() => {
      finish({ kind: 'failed', problem: 'timeout', detail: `no complete answer within ${deadlineMs} ms` });
    }, deadlineMs);
    deadline.unref();

    const get = (url: URL, redirects: number) => {
      const req = https.request(url, {
        method: 'GET',
        headers: {
          accept: 'application/jose, application/octet-stream;q=0.5, */*;q=0.1',
          ...(o.etag ? { 'if-none-match': o.etag } : {}),
        },
        ...(o.ca ? { ca: o.ca } : {}),
        // No connection reuse: a check is rare, and a pooled socket would outlive the core's stop.
        agent: false,
      });
      current = req;
      req.on('error', (e) => finish(classifyError(url, e)));
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        if (redirectStatuses.has(status)) {
          res.resume();
          const location = res.headers.location;
          let next: URL | undefined;
          try {
            next = location ? new URL(location, url) : undefined;
          } catch {
            next = undefined;
          }
          if (!next) {
            finish({
              kind: 'failed',
              problem: 'http-status',
              status,
              detail: `${url.href}: ${status} without a Location`,
            });
          } else if (next.protocol !== 'https:') {
            finish({ kind: 'failed', problem: 'insecure-redirect', detail: `${url.href} redirects to ${next.href}` });
          } else if (redirects >= maxRedirects) {
            finish({
              kind: 'failed',
              problem: 'insecure-redirect',
              detail: `more than ${maxRedirects} redirects (last to ${next.href})`,
            });
          } else {
            req.destroy();
            get(next, redirects + 1);
          }
          return;
        }
        if (status === 304) {
          res.resume();
          finish({ kind: 'unchanged' });
          return;
        }
        if (status !== 200) {
          res.resume();
          finish({ kind: 'failed', problem: 'http-status', status, detail: `${url.href}: HTTP ${status}` });
          return;
        }
        readBody(url, res, o.maxBytes, finish);
      });
      req.end();
    };
    get(start, 0);
  });
}

function readBody(url: URL, res: IncomingMessage, maxBytes: number, finish: (r: ProfileFetchResult) => void) {
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    finish(tooLarge(`${url.href}: Content-Length ${declared}`, maxBytes));
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  res.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBytes) {
      finish(tooLarge(`${url.href}: more than ${size - chunk.length} bytes sent`, maxBytes));
      return;
    }
    chunks.push(chunk);
  });
  res.on('end', () => {
    const etag = res.headers.etag;
    finish({ kind: 'fetched', body: Buffer.concat(chunks), etag: typeof etag === 'string' ? etag : undefined });
  });
  // A connection cut mid-body (the server died, the network went): nothing usable arrived.
  res.on('aborted', () => finish({ kind: 'failed', problem: 'unreachable', detail: `${url.href}: connection closed` }));
  res.on('error', (e) => finish(classifyError(url, e)));
}

function tooLarge(what: string, maxBytes: number): ProfileFetchResult {
  return { kind: 'too-large', detail: `${what}, more than the ${maxBytes} allowed` };
}

const tlsCodes =
  /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|HOSTNAME_MISMATCH|EPROTO)/;

function classifyError(url: URL, e: Error): ProfileFetchResult {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  const detail = `${url.host}: ${code ? `${code} ` : ''}${e.message}`.slice(0, 480);
  if (tlsCodes.test(code) || /certificate|SSL routines|TLS/i.test(e.message)) {
    return { kind: 'failed', problem: 'tls', detail };
  }
  return { kind: 'failed', problem: 'unreachable', detail };
}
