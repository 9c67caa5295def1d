import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** PEM text of a throw-away CA and of one server certificate it signed (with the server's private key). */
export interface TestCertificates {
  caPem: string;
  key: string;
  cert: string;
}

/**
 * Makes a CA and a server certificate with openssl, for one test file. By default the certificate names 127.0.0.1
 * and localhost and is valid for two days; `names` and `expired` make the certificates a client must refuse (a
 * wrong host name, a date in the past), still signed by the CA the client trusts, so only that one fault is tested.
 */
export function makeTestCertificates(o: { names?: readonly string[]; expired?: boolean } = {}): TestCertificates {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'diadema-tls-'));
  const f = (n: string) => path.join(dir, n);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  // P-256 keys: quick to make, and every TLS stack Node may be built with speaks them.
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    ssl(
      'req',
      '-x509',
      ...newKey,
      '-keyout',
      f('ca.key'),
      '-out',
      f('ca.pem'),
      '-days',
      '2',
      '-subj',
      '/CN=Diadema test CA',
    );
    ssl('req', ...newKey, '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=diadema-test-server');
    const names = o.names ?? ['IP:127.0.0.1', 'DNS:localhost'];
    writeFileSync(
      f('ext.cnf'),
      `subjectAltName=${names.join(',')}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n`,
    );
    // `-days -1` ends the validity a day before it starts: a certificate that has already expired.
    const days = o.expired ? '-1' : '2';
    const serial = String(Date.now());
    ssl(
      'x509',
      '-req',
      '-in',
      f('server.csr'),
      '-CA',
      f('ca.pem'),
      '-CAkey',
      f('ca.key'),
      '-set_serial',
      serial,
      '-days',
      days,
      '-extfile',
      f('ext.cnf'),
      '-out',
      f('server.pem'),
    );
    return {
      caPem: readFileSync(f('ca.pem'), 'utf8'),
      key: readFileSync(f('server.key'), 'utf8'),
      cert: readFileSync(f('server.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** How the server may be told to misbehave for one path (instead of serving the file). */
export type Misbehaviour =
  /** Answer this status with a short body (404, 500, 401 …). */
  | { kind: 'status'; status: number }
  /** Redirect (default 302) to `location`: an http:// URL, another https path, itself. */
  | { kind: 'redirect'; location: string; status?: number }
  /** Send the file (or `body`) one byte every `everyMs`: the socket is never idle, the answer never quick. */
  | { kind: 'trickle'; everyMs: number; body?: string }
  /** Write bytes that are not HTTP at all on the TLS connection, then close it. */
  | { kind: 'garbage' }
  /** A 200 with `bytes` bytes of filler, announced by Content-Length unless `chunked`. */
  | { kind: 'oversize'; bytes: number; chunked?: boolean }
  /** Accept the request and never answer. */
  | { kind: 'hang' };

export interface LoggedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The status the server chose (0 for garbage and hang: no HTTP answer at all). */
  status: number;
}

export interface HttpsFileServer {
  /** `https://127.0.0.1:<port>` (no trailing slash). */
  url: string;
  /** The CA the client must trust (pass it as `ca`; never turn verification off). */
  caPem: string;
  /** The folder served and written by PUT. */
  dir: string;
  requests: LoggedRequest[];
  /** Misbehave for `urlPath` (e.g. `/team.jws`) from now on; `undefined` serves the file again. */
  misbehave(urlPath: string, how: Misbehaviour | undefined): void;
  close(): Promise<void>;
}

/** The ETag of some content: its hash, so the same bytes always give the same tag. */
export const etagOf = (body: Buffer | string): string =>
  `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;

/**
 * A real Node HTTPS server on 127.0.0.1 (a free port) that serves the files of a folder with ETag / If-None-Match
 * (304), writes the body of a PUT into the folder (optionally only with `Authorization: Bearer <putToken>`), and
 * misbehaves per path when told to. Every request is logged with the status chosen.
 *
 * A client testing a TLS refusal should not share Node's global agent with a request that succeeded: the agent may
 * resume the earlier TLS session. Pass `agent: false` or a fresh agent.
 */
export async function startHttpsFileServer(
  o: { dir?: string; certs?: TestCertificates; putToken?: string } = {},
): Promise<HttpsFileServer> {
  const certs = o.certs ?? makeTestCertificates();
  const ownDir = o.dir === undefined;
  const dir = o.dir ?? mkdtempSync(path.join(os.tmpdir(), 'diadema-https-files-'));
  const requests: LoggedRequest[] = [];
  const rules = new Map<string, Misbehaviour>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const fileFor = (urlPath: string): string | undefined => {
    const rel = decodeURIComponent(urlPath.split('?')[0] ?? '');
    const full = path.resolve(dir, `.${rel}`);
    return full.startsWith(dir + path.sep) ? full : undefined;
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const urlPath = req.url ?? '/';
    const entry: LoggedRequest = { method: req.method ?? '', path: urlPath, headers: req.headers, status: 0 };
    requests.push(entry);
    const answer = (status: number, headers: Record<string, string> = {}, content: Buffer | string = '') => {
      entry.status = status;
      res.writeHead(status, headers).end(content);
    };
    const rule = rules.get(urlPath.split('?')[0] ?? '');
    const file = fileFor(urlPath);
    if (rule) {
      switch (rule.kind) {
        case 'status':
          return answer(rule.status, { 'content-type': 'text/plain' }, `status ${rule.status}\n`);
        case 'redirect':
          return answer(rule.status ?? 302, { location: rule.location });
        case 'garbage':
          req.socket.end('\u0000\u00ffthis is not HTTP at all\r\n\r\n');
          return;
        case 'hang':
          return;
        case 'oversize': {
          entry.status = 200;
          res.writeHead(200, rule.chunked ? {} : { 'content-length': String(rule.bytes) });
          const chunk = Buffer.alloc(16 * 1024, 'x');
          let left = rule.bytes;
          const pump = () => {
            while (left > 0) {
              const n = Math.min(left, chunk.length);
              left -= n;
              if (!res.write(chunk.subarray(0, n))) return void res.once('drain', pump);
            }
            res.end();
          };
          res.on('error', () => undefined);
          pump();
          return;
        }
        case 'trickle': {
          const content = Buffer.from(rule.body ?? (file ? (safeRead(file) ?? '') : ''));
          entry.status = 200;
          res.writeHead(200, { 'content-length': String(content.length) });
          let i = 0;
          const t = setInterval(() => {
            if (i >= content.length) {
              clearInterval(t);
              timers.delete(t);
              res.end();
              return;
            }
            res.write(content.subarray(i, ++i));
          }, rule.everyMs);
          timers.add(t);
          res.on('close', () => {
            clearInterval(t);
            timers.delete(t);
          });
          return;
        }
      }
    }
    if (!file) return answer(403, {}, 'outside the served folder\n');
    if (req.method === 'PUT') {
      if (o.putToken !== undefined && req.headers.authorization !== `Bearer ${o.putToken}`)
        return answer(401, { 'www-authenticate': 'Bearer' }, 'a bearer token is required\n');
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, body);
      return answer(201, { etag: etagOf(body) });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return answer(405, { allow: 'GET, HEAD, PUT' });
    const content = safeRead(file);
    if (content === undefined) return answer(404, { 'content-type': 'text/plain' }, 'not found\n');
    const etag = etagOf(content);
    if (req.headers['if-none-match'] === etag) return answer(304, { etag });
    return answer(200, { etag, 'content-type': 'application/jose' }, req.method === 'HEAD' ? '' : content);
  };

  const server = https.createServer({ key: certs.key, cert: certs.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks)));
  });
  // A client refusing our certificate shows up here; it is the client's business, not the server's.
  server.on('tlsClientError', () => undefined);
  server.on('secureConnection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `https://127.0.0.1:${port}`,
    caPem: certs.caPem,
    dir,
    requests,
    misbehave: (urlPath, how) => {
      if (how) rules.set(urlPath, how);
      else rules.delete(urlPath);
    },
    close: async () => {
      for (const t of timers) clearInterval(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

function safeRead(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}
