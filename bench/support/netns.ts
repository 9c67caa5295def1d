import { spawnSync } from 'node:child_process';

/**
 * Chromium's WebRTC must not reach the machine's other interfaces, so a benchmark that runs agents in Chromium
 * re-runs itself in a private network namespace with only loopback up (`unshare -n`, as `npm test` does) and exits
 * with the child's status. Returns only when already inside one, when not on Linux, or when `DIADEMA_NO_NETNS` is
 * set; exits with a message naming `bench` when no namespace can be made.
 */
export function reExecInPrivateNetwork(bench: string, hint = 'run with DIADEMA_NO_NETNS=1'): void {
  if (process.env.DIADEMA_IN_NETNS || process.platform !== 'linux' || process.env.DIADEMA_NO_NETNS) return;
  const asRoot = process.getuid?.() === 0;
  const r = spawnSync(
    'unshare',
    [
      asRoot ? '-n' : '-rn',
      '--',
      'sh',
      '-c',
      'ip link set lo up && exec "$0" "$@"',
      process.execPath,
      ...process.execArgv,
      process.argv[1]!,
      ...process.argv.slice(2),
    ],
    {
      stdio: 'inherit',
      env: { ...process.env, DIADEMA_IN_NETNS: '1', DIADEMA_ROOT: process.env.DIADEMA_ROOT ?? process.cwd() },
    },
  );
  if (r.error || r.status === null) {
    console.error(`${bench}: no private network namespace (${r.error?.message ?? r.signal}); ${hint}`);
    process.exit(1);
  }
  process.exit(r.status);
}

/** For drills a caller runs after `reExecInPrivateNetwork`: refuses to start Chromium calls outside one. */
export function requirePrivateNetwork(what: string): void {
  if (process.platform === 'linux' && !process.env.DIADEMA_IN_NETNS && !process.env.DIADEMA_NO_NETNS)
    throw new Error(`${what}: run inside a private network namespace (reExecInPrivateNetwork) first`);
}
