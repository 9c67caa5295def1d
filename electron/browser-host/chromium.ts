import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Flags that keep Debian's Chromium quiet on a closed network and let WebRTC use loopback. */
export function chromiumArgs(o: {
  url: string;
  headless: boolean;
  userDataDir: string;
  fakeMedia?: { audioFile?: string };
}): string[] {
  const args = [
    `--user-data-dir=${o.userDataDir}`,
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--allow-loopback-in-peer-connection',
    '--autoplay-policy=no-user-gesture-required',
  ];
  if (o.headless) args.push('--headless', '--disable-gpu');
  if (process.getuid?.() === 0) args.push('--no-sandbox'); // Chromium refuses to run its sandbox as root.
  if (o.fakeMedia) {
    args.push('--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream');
    if (o.fakeMedia.audioFile) args.push(`--use-file-for-fake-audio-capture=${o.fakeMedia.audioFile}`);
  }
  args.push(o.headless ? o.url : `--app=${o.url}`);
  return args;
}

/** How long Chromium gets to exit on SIGTERM before it is killed. */
const exitGraceMs = 5000;

/**
 * Is any process of this process group still running? On Linux from /proc, where a zombie does not count: it has
 * exited and only waits to be reaped, which an init process may do a second or more later (the helpers Chromium
 * leaves are reparented to it). Elsewhere, any process of the group, zombies included.
 */
export function groupAlive(pgid: number): boolean {
  if (process.platform === 'linux') {
    try {
      return readdirSync('/proc').some((entry) => {
        if (!/^\d+$/.test(entry)) return false;
        try {
          const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
          // After the command name (in parentheses, may hold spaces): state, parent, process group.
          const [state, , group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          return Number(group) === pgid && state !== 'Z' && state !== 'X';
        } catch {
          return false; // Gone while reading.
        }
      });
    } catch {
      // No /proc mounted: ask the kernel below.
    }
  }
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops Chromium and every helper it started (renderer, GPU, network service, crash handler: they share its
 * process group and keep writing to the profile after the browser process is gone), SIGKILL after `graceMs`.
 */
async function stopProcessGroup(child: ChildProcess, graceMs: number): Promise<void> {
  const pgid = child.pid;
  if (pgid === undefined) return;
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-pgid, s);
    } catch {
      // Already gone.
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groupAlive(pgid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (groupAlive(pgid)) signal('SIGKILL');
  while (groupAlive(pgid)) await new Promise((r) => setTimeout(r, 20));
}

export function launchChromium(o: { executable: string; url: string; headless: boolean }): {
  child: ChildProcess;
  /** Stops Chromium, waits for it to exit, then removes its profile folder (never while it still writes to it). */
  dispose(): Promise<void>;
} {
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'diadema-chromium-'));
  // Its own process group, so that stopping it reaches every helper process it starts.
  const child = spawn(o.executable, chromiumArgs({ url: o.url, headless: o.headless, userDataDir }), {
    stdio: 'ignore',
    detached: true,
  });
  return {
    child,
    async dispose() {
      await stopProcessGroup(child, exitGraceMs);
      rmSync(userDataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    },
  };
}
