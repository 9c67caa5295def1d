import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

export type SinkMode = 'ok' | 'status-500' | 'hang' | 'garbage' | 'ok-then-reset' | 'trickle';

/**
 * A local HTTPS endpoint that receives notes deliveries. It keeps each idempotency key once (as a real endpoint
 * would) and counts every request, so tests can see retries, duplicates and what was accepted.
 */
export class HttpsSink {
  mode: SinkMode = 'ok';
  /** Accepted deliveries by idempotency key (first body kept). */
  readonly accepted = new Map<string, { headerKey: string; body: unknown; times: number }>();
  readonly requests: Array<{ key: string; mode: SinkMode }> = [];
  private readonly sockets = new Set<Socket>();
  private server: https.Server | undefined;
  port = 0;

  constructor(private readonly tls: { key: string; cert: string }) {}

  get url(): string {
    return `https://127.0.0.1:${this.port}/notes`;
  }

  async start(port = 0): Promise<void> {
    const server = https.createServer({ key: this.tls.key, cert: this.tls.cert }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const key = String(req.headers['idempotency-key'] ?? '');
        const mode = this.mode;
        this.requests.push({ key, mode });
        if (mode === 'hang') return; // never answers: the client must time out
        if (mode === 'trickle') {
          // answers one byte every 100 ms, forever: the socket is never idle
          res.writeHead(200, { 'content-type': 'application/json' });
          const t = setInterval(() => res.write(' '), 100);
          res.on('close', () => clearInterval(t));
          return;
        }
        if (mode === 'garbage') {
          req.socket.end('\u0000\u00ffnot http at all\r\n\r\n');
          return;
        }
        if (mode === 'status-500') {
          res.writeHead(500).end('boom');
          return;
        }
        const prior = this.accepted.get(key);
        if (prior) prior.times++;
        else
          this.accepted.set(key, {
            headerKey: key,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown,
            times: 1,
          });
        // ok-then-reset: the endpoint keeps the delivery but the answer never arrives (the client must retry; the key dedups).
        if (mode === 'ok-then-reset') {
          req.socket.destroy();
          return;
        }
        res.writeHead(201, { 'content-type': 'application/json' }).end('{"stored":true}');
      });
    });
    server.on('secureConnection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    for (const sock of this.sockets) sock.destroy();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
