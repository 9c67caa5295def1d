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
  url: string;
  origin: string;
  port: number;
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

/**
 * The browser host: serves the built renderer on loopback and carries the contract over a WebSocket. Only a
 * page from this very origin that presents this launch's token can drive the phone; any other local page (or
 * process) that finds the port gets nothing.
 */
export async function startBrowserHost(o: {
  core: Core;
  rendererDir: string;
  log: Logger;
  port?: number;
  token?: string;
}): Promise<BrowserHost> {
  const token = o.token ?? randomBytes(24).toString('base64url');
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

  const expected = Buffer.from(token);
  const serve = (ws: WebSocket) => {
    let authed = false;
    let connection: (Connection & { close(): void }) | undefined;
    const send = (m: HostMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
    };
    const helloTimer = setTimeout(() => {
      if (!authed) ws.close(closeCodes.badToken, 'no hello');
    }, 5000);
    ws.on('close', () => {
      clearTimeout(helloTimer);
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
        const given = Buffer.from(msg.t === 'hello' ? msg.token : '');
        if (msg.t !== 'hello' || given.length !== expected.length || !timingSafeEqual(given, expected)) {
          ws.close(closeCodes.badToken, 'bad token');
          return;
        }
        authed = true;
        clearTimeout(helloTimer);
        connection = o.core.connect((name, payload) => send({ t: 'event', name, payload }));
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
    ws.on('message', (data) =>
      ignorePromise(onMessage(data), (err) => {
        o.log.error('contract message failed', { detail: String(err) });
        ws.close(closeCodes.protocol, 'internal error');
      }),
    );
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/#token=${token}`,
    origin,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
