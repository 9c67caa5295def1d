import { startHttpsFileServer } from '../../test/support/https-server';

/**
 * The team profile server of bench/fleet, in its own process (as nginx or any static server would be), so its TLS
 * and file work are not counted as the agents'. Serves the folder given as the first argument; prints one JSON line
 * `{ url, caPem }` when listening, then `<ms since epoch> <requests so far>` whenever the count changed (checked
 * every 10 ms). Stops on SIGTERM.
 */
const dir = process.argv[2];
if (!dir) throw new Error('usage: profile-server-main DIR');
const server = await startHttpsFileServer({ dir });
process.stdout.write(`${JSON.stringify({ url: server.url, caPem: server.caPem })}\n`);
let told = 0;
const tick = setInterval(() => {
  const n = server.requests.length;
  if (n !== told) {
    told = n;
    process.stdout.write(`${Date.now()} ${n}\n`);
  }
}, 10);
process.once('SIGTERM', () => {
  clearInterval(tick);
  void server.close().then(() => process.exit(0));
});
