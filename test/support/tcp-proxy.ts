import net, { type Server, type Socket } from 'node:net';

/**
 * A TCP relay on 127.0.0.1 in front of a server (the lab's Kamailio WebSocket port), which a test can cut as a
 * network outage would: `cut()` drops every connection through it and refuses new ones (the port is closed);
 * `restore()` listens on the same port again. Nothing is changed in the bytes relayed.
 */
export interface TcpProxy {
  port: number;
  /** `ws://127.0.0.1:<port>` for a WebSocket server behind it. */
  wsUrl: string;
  /** Connections accepted so far (a reconnect shows as one more). */
  readonly accepted: number;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  let server: Server | undefined;
  let port = 0;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = net.createServer((client) => {
        accepted++;
        const upstream = net.connect(target.port, target.host);
        for (const sock of [client, upstream]) {
          sockets.add(sock);
          sock.on('close', () => sockets.delete(sock));
          sock.on('error', () => undefined);
        }
        client.pipe(upstream);
        upstream.pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as net.AddressInfo).port;
        server = s;
        resolve();
      });
    });
  const stopListening = () =>
    new Promise<void>((resolve) => {
      const s = server;
      server = undefined;
      if (!s) return resolve();
      s.close(() => resolve());
    });
  const dropAll = () => {
    for (const sock of sockets) sock.destroy();
    sockets.clear();
  };

  await listen();
  return {
    get port() {
      return port;
    },
    get wsUrl() {
      return `ws://127.0.0.1:${port}`;
    },
    get accepted() {
      return accepted;
    },
    async cut() {
      const closed = stopListening();
      dropAll();
      await closed;
    },
    async restore() {
      if (!server) await listen();
    },
    async close() {
      const closed = stopListening();
      dropAll();
      await closed;
    },
  };
}
