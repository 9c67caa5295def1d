// `npm run start:browser`: check the machine, build when dist/ is stale, then run the browser host — as a child that
// receives the signals npm receives. npm passes SIGINT / SIGTERM to the script it runs, but a `a && b && c` script
// line is a shell, and a shell killed by SIGTERM leaves its running command behind: the host and Chromium kept
// running, still registered. Here the host is our direct child, every stopping signal is passed on to it, and we
// exit with its code once it has finished its shutdown (un-REGISTER, notes flushed, Chromium gone).
import { spawn, spawnSync } from 'node:child_process';
import { constants } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleUpToDate } from './build-stamp.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stopSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let host;
let stopBeforeHost = false;
for (const signal of stopSignals) {
  // A terminal's Ctrl-C reaches the host by itself too (same process group); its shutdown runs once either way.
  // Before the host runs (checks and build), a signal means: do not start it.
  process.on(signal, () => {
    if (!host) stopBeforeHost = true;
    else if (host.exitCode === null && host.signalCode === null) host.kill(signal);
  });
}
const run = (script, args) => spawnSync(process.execPath, [path.join(root, script), ...args], { stdio: 'inherit' });

// The build runs only when dist/ is not what the sources would build now (build-stamp.mjs): `npm run build` forces one.
const steps = [['build/preflight.mjs', ['browser-host']]];
if (bundleUpToDate(root)) console.error('start:browser: dist/ is up to date with the sources, not rebuilding');
else steps.push(['build/bundle.mjs', []]);
for (const [script, args] of steps) {
  const r = run(script, args);
  // The signal handlers run once the synchronous step is over: nothing of the host was started yet.
  await new Promise((resolve) => setImmediate(resolve));
  if (stopBeforeHost) process.exit(0);
  if (r.status !== 0) process.exit(r.status ?? 1);
}

host = spawn(process.execPath, [path.join(root, 'dist', 'node', 'browser-host.mjs'), ...process.argv.slice(2)], {
  stdio: 'inherit',
});
host.on('error', (err) => {
  console.error(`start:browser: could not run the browser host: ${err.message}`);
  process.exit(1);
});
host.on('exit', (code, signal) => {
  // Killed by a signal: exit as a shell would report it (128 + the signal's number).
  process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0));
});
