import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { Logger } from '../node/log';
import { CdpPipe } from './cdp-pipe';
import { watchPageCrashes, type PageRecovery } from './page-recovery';

/**
 * One page of our own, on loopback, all day: the helper processes a browser keeps for many tabs, sites and GPU
 * work cost memory and buy nothing here. Audio, network and GPU (software: a softphone's page needs no GPU) run in
 * the browser process, no spare renderer waits for a next tab, no extensions. Measured by bench/footprint: an idle
 * registered agent went from 10 processes and ~530 to 5 and ~405 MiB of distinct resident pages.
 */
export const singleAppFlags = [
  // WebUIOmniboxPopup*: headless Chromium preloads its omnibox popup (a chrome:// page in a renderer of its own) for
  // an address bar this app has none of: one renderer less headless, 25–60 MiB of distinct pages (bench/footprint).
  '--disable-features=SpareRendererForSitePerProcess,AudioServiceOutOfProcess,WebUIOmniboxPopup,WebUIOmniboxAimPopup',
  '--enable-features=NetworkServiceInProcess2',
  '--in-process-gpu',
  '--disable-gpu',
  '--disable-software-rasterizer',
  '--renderer-process-limit=1',
  '--disable-extensions',
  '--disable-component-extensions-with-background-pages',
  // No zygote for unsandboxed helpers (audio, network, GPU run in the browser process, so none is left to fork);
  // the sandboxed zygote that forks the renderer stays. One process less, 16 MiB of distinct pages (bench/footprint).
  '--no-unsandboxed-zygote',
];

/** Flags that keep Debian's Chromium quiet on a closed network and let WebRTC use loopback. */
export function chromiumArgs(o: {
  url: string;
  headless: boolean;
  userDataDir: string;
  fakeMedia?: { audioFile?: string };
  /** Running as root, where Chromium refuses its sandbox (by default: this process's user). */
  asRoot?: boolean;
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
    ...singleAppFlags,
  ];
  if (o.headless) args.push('--headless');
  if (o.asRoot ?? process.getuid?.() === 0) args.push('--no-sandbox'); // Chromium refuses to run its sandbox as root.
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

export function launchChromium(o: {
  executable: string;
  url: string;
  headless: boolean;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
}): {
  child: ChildProcess;
  /** Reloads the app page when its renderer crashes (see page-recovery.ts). */
  recovery: PageRecovery;
  /** Stops Chromium, waits for it to exit, then removes its profile folder (never while it still writes to it). */
  dispose(): Promise<void>;
} {
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'diadema-chromium-'));
  // Its own process group, so that stopping it reaches every helper process it starts. DevTools over fds 3 (to
  // Chromium) and 4 (from it) rather than a TCP port: only this process can drive the browser.
  const child = spawn(
    o.executable,
    ['--remote-debugging-pipe', ...chromiumArgs({ url: o.url, headless: o.headless, userDataDir })],
    { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'], detached: true },
  );
  const cdp = new CdpPipe(child.stdio[3] as Writable, child.stdio[4] as Readable);
  const recovery = watchPageCrashes({ cdp, origin: new URL(o.url).origin, log: o.log });
  let disposing = false;
  recovery.ready.catch((err: unknown) => {
    if (!disposing)
      o.log.warn('cannot watch the page for crashes: a crashed page will not be reloaded', {
        detail: err instanceof Error ? err.message : String(err),
      });
  });
  cdp.onFailure((err) => {
    // The pipe closing as Chromium exits is expected; anything else means crashes are no longer watched.
    if (!disposing && err.code !== 'cdp-closed')
      o.log.error('the DevTools pipe to Chromium failed: a crashed page will not be reloaded', { code: err.code });
  });
  return {
    child,
    recovery,
    async dispose() {
      disposing = true;
      recovery.stop();
      cdp.close();
      await stopProcessGroup(child, exitGraceMs);
      rmSync(userDataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    },
  };
}
