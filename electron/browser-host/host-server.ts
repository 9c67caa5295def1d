import { randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Connection } from '@common/contract/contract';
import { dispatchCall } from '@common/contract/dispatch';
import { ignorePromise } from '@common/ignore-promise';
import { clientMessage, closeCodes, contractPath, type HostMessage } from '@common/contract/wire';
import type { Core } from '../node/core/core';
import type { Logger } from '../node/log';
import { contentSecurityPolicy as policy } from '../node/security/content-security-policy';

export interface BrowserHost {
  /** The page URL with the latest one-time launch token: it opens the phone for the first page that loads it, only. */
  url: string;
  origin: string;
  port: number;
  /**
   * Before stopping: when a page is connected, gives it `graceMs` to send what it holds back (the note draft's
   * debounced save), then waits for the contract calls under way to be answered (at most `graceMs` more).
   */
  settle(graceMs: number): Promise<void>;
  close(): Promise<void>;
}

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.wav': 'audio/wav',
  '.map': 'application/json',
};

/** The shared policy, plus the loopback WebSocket that carries the contract. */
export function contentSecurityPolicy(port: number): string {
  return policy([`ws://127.0.0.1:${port}`]);
}

/** Where the page trades the one-time launch token for its session secret (POST, the token as the body). */
export const sessionPath = '/session';

/** Equal without telling, by its timing, how much of the guess was right. */
function sameSecret(given: string, expected: Buffer | undefined): boolean {
  const g = Buffer.from(given);
  return expected !== undefined && g.length === expected.length && timingSafeEqual(g, expected);
}

/**
 * The browser host: serves the built renderer on loopback and carries the contract over a WebSocket.
 *
 * Bootstrap: the page URL carries a one-time launch token (`#token=…`). That URL is in Chromium's command line,
 * which every local user can read in /proc, so the token is good for one thing only, once: the page POSTs it to
 * `/session` and receives the session secret, which exists nowhere but in this process and in the page (memory,
 * and the tab's sessionStorage so that a reload reconnects). The first exchange voids the launch token; the
 * WebSocket's `hello` accepts only the session secret. Another local user who copies the URL from /proc after
 * the page has loaded (and forges the Origin header) gets 403 and 4401; one who wins the race before the page
 * loads leaves the page refused, which the agent sees at once and the host logs. With `onLaunchUrl`, each used
 * token is followed by a fresh one for whoever started the host; sessions last as long as the host.
 */
export async function startBrowserHost(o: {
  core: Core;
  rendererDir: string;
  log: Logger;
  port?: number;
  /** The first one-time launch token (tests choose it); random otherwise. */
  token?: string;
  /**
   * When given, a used launch token is replaced at once by a fresh one whose page URL goes here, so the one who
   * started the host (`--no-open` prints it on stdout, which nobody else can read) can open another page.
   */
  onLaunchUrl?: (url: string) => void;
}): Promise<BrowserHost> {
  let launchToken = o.token ?? randomBytes(24).toString('base64url');
  let unusedLaunchToken: Buffer | undefined = Buffer.from(launchToken);
  const sessionSecrets: Buffer[] = [];
  const isSession = (given: string) =>
    sessionSecrets.reduce((found, secret) => sameSecret(given, secret) || found, false);
  const rendererRoot = path.resolve(o.rendererDir);
  let origin = '';
  let port = 0;

  const serveFile = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const headers = {
      'Content-Security-Policy': contentSecurityPolicy(port),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
      'Cross-Origin-Opener-Policy': 'same-origin',
    };
    if (req.method === 'POST' && (req.url ?? '').split('?')[0] === sessionPath) {
      await exchangeLaunchToken(req, res, headers);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, headers).end();
      return;
    }
    let urlPath: string;
    try {
      urlPath = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
    } catch {
      res.writeHead(400, { ...headers, 'Content-Type': 'text/plain' }).end('bad request');
      return;
    }
    const file = path.resolve(rendererRoot, `.${urlPath === '/' ? '/index.html' : urlPath}`);
    // Path guard: nothing outside the built renderer is ever served.
    if (file !== rendererRoot && !file.startsWith(rendererRoot + path.sep)) {
      res.writeHead(403, headers).end();
      return;
    }
    try {
      const body = await fs.readFile(file);
      res.writeHead(200, { ...headers, 'Content-Type': types[path.extname(file)] ?? 'application/octet-stream' });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found');
    }
  };
  const exchangeLaunchToken = async (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    headers: Record<string, string>,
  ): Promise<void> => {
    let body = '';
    for await (const chunk of req) {
      body += String(chunk);
      if (body.length > 256) break;
    }
    // Only this origin's page (a browser sets Origin on a POST; a forged one still needs the unused token).
    if (req.headers.origin !== origin || body.length > 256 || !sameSecret(body, unusedLaunchToken)) {
      o.log.warn(
        unusedLaunchToken
          ? 'refused a launch token exchange'
          : 'refused a launch token exchange: the token was already used (a page that loads now is refused)',
        { origin: req.headers.origin ?? '(none)' },
      );
      res.writeHead(403, { ...headers, 'Content-Type': 'text/plain' }).end('forbidden');
      return;
    }
    unusedLaunchToken = undefined;
    const secret = randomBytes(32).toString('base64url');
    sessionSecrets.push(Buffer.from(secret));
    if (o.onLaunchUrl) {
      launchToken = randomBytes(24).toString('base64url');
      unusedLaunchToken = Buffer.from(launchToken);
      o.onLaunchUrl(`${origin}/#token=${launchToken}`);
    }
    res.writeHead(200, { ...headers, 'Content-Type': 'application/json' }).end(JSON.stringify({ session: secret }));
  };
  // Node calls these back without awaiting them: an error they did not expect is logged and answered, never left
  // to become an unhandled rejection that ends the process.
  const server = http.createServer((req, res) =>
    ignorePromise(serveFile(req, res), (err) => {
      o.log.error('renderer file request failed', { detail: String(err) });
      if (!res.headersSent) res.writeHead(500).end();
    }),
  );

  const wss = new WebSocketServer({ noServer: true, maxPayload: 2 * 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const reqPath = (req.url ?? '').split('?')[0];
    if (reqPath !== contractPath || req.headers.origin !== origin) {
      o.log.warn('refused contract connection', { path: reqPath, origin: req.headers.origin ?? '(none)' });
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws));
  });

  // Contract calls received and not yet answered, so that a shutdown lets the last of them (a note save) finish.
  const pending = new Set<Promise<void>>();
  let pages = 0;
  const serve = (ws: WebSocket) => {
    let authed = false;
    let connection: (Connection & { close(): void }) | undefined;
    const send = (m: HostMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
    };
    const helloTimer = setTimeout(() => {
      if (!authed) ws.close(closeCodes.badToken, 'no hello');
    }, 5000);
    // A frame over the size limit or a text frame that is not UTF-8 makes `ws` close the connection (1009, 1007)
    // and emit 'error'; without a listener that error would be thrown and end the whole host.
    ws.on('error', (err) => o.log.warn('contract connection closed on a bad frame', { detail: err.message }));
    ws.on('close', () => {
      clearTimeout(helloTimer);
      if (connection) pages--;
      connection?.close();
    });
    const onMessage = async (data: RawData): Promise<void> => {
      let parsed;
      try {
        parsed = clientMessage.safeParse(JSON.parse(data.toString()));
      } catch {
        parsed = undefined;
      }
      if (!parsed?.success) {
        ws.close(closeCodes.protocol, 'malformed message');
        return;
      }
      const msg = parsed.data;
      if (!authed) {
        if (msg.t !== 'hello' || !isSession(msg.token)) {
          ws.close(closeCodes.badToken, 'bad token');
          return;
        }
        authed = true;
        clearTimeout(helloTimer);
        connection = o.core.connect((name, payload) => send({ t: 'event', name, payload }));
        pages++;
        send({ t: 'ready' });
        return;
      }
      if (msg.t !== 'call') {
        ws.close(closeCodes.protocol, 'unexpected hello');
        return;
      }
      const outcome = await dispatchCall(o.core.handlers, msg.name, msg.args, connection);
      send(
        outcome.ok
          ? { t: 'result', id: msg.id, ok: true, value: outcome.value }
          : { t: 'result', id: msg.id, ok: false, error: outcome.error },
      );
    };
    ws.on('message', (data) => {
      const handled = onMessage(data);
      const tracked = handled.then(
        () => undefined,
        () => undefined,
      );
      pending.add(tracked);
      void tracked.finally(() => pending.delete(tracked));
      ignorePromise(handled, (err) => {
        o.log.error('contract message failed', { detail: String(err) });
        ws.close(closeCodes.protocol, 'internal error');
      });
    });
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  return {
    get url() {
      return `${origin}/#token=${launchToken}`;
    },
    origin,
    port,
    async settle(graceMs) {
      if (pages === 0) return;
      await new Promise((r) => setTimeout(r, graceMs));
      let late = false;
      const deadline = new Promise<void>((r) =>
        setTimeout(() => {
          late = true;
          r();
        }, graceMs).unref(),
      );
      // Calls answered may have started others (a save after a save): wait until none is left, or time is up.
      while (pending.size && !late) await Promise.race([Promise.all([...pending]), deadline]);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
