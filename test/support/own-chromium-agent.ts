import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { toneWav } from './audio-files';
import { startHostProcess, type HostProcess } from './browser-host-process';

/**
 * A Diadema agent whose browser host starts its own headless Chromium, as `npm run start:browser` does (so the
 * host's own handling of that Chromium, e.g. reloading a crashed page, is what runs). A wrapper adds a debugging
 * port, through which the test plays the agent in that very page, and a tone as the microphone; the host's
 * temporary folder is private to the agent, so its Chromium profile (and the port file in it) is found there.
 */
export interface OwnChromiumAgent {
  host: HostProcess;
  /** The agent's page; replaced by `reattach()`. */
  readonly page: Page;
  /** Chromium's profile folder (its processes carry it on their command lines). */
  profile: string;
  /**
   * Connects afresh and finds the page again: Playwright gives up on a page whose renderer crashed, even once the
   * host has reloaded it in the same tab. Call it once the reloaded page runs (e.g. the core has seen it attach):
   * attaching while the tab is still navigating can leave Playwright without the page.
   */
  reattach(): Promise<Page>;
  /** The process ids of this Chromium's renderers, Chromium's own UI (WebUI) renderers left out. */
  rendererPids(): number[];
  dispose(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Polls `fn` every 50 ms until it gives a value, or fails naming `what` after `timeoutMs`. */
export async function until<T>(what: string, fn: () => T | Promise<T>, timeoutMs: number): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * Writes `<dir>/chromium-under-test.sh`: Chromium as the host starts it, plus a debugging port (written to
 * DevToolsActivePort in its profile) and a `toneHz` tone as its microphone. `exec` keeps the process id (the host's
 * process group stays Chromium's, and the DevTools pipe on fds 3 and 4 the host opened reaches it).
 */
export function writeChromiumWrapper(dir: string, toneHz: number): string {
  const wrapper = path.join(dir, 'chromium-under-test.sh');
  writeFileSync(
    wrapper,
    [
      '#!/bin/sh',
      `exec "${process.env.DIADEMA_CHROMIUM ?? '/usr/bin/chromium'}" --remote-debugging-port=0 \\`,
      '  --use-fake-ui-for-media-stream --use-fake-device-for-media-stream \\',
      `  --use-file-for-fake-audio-capture=${toneWav(toneHz)} "$@"`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  return wrapper;
}

/**
 * The agent's page in the Chromium a host started with `writeChromiumWrapper`'s wrapper and `TMPDIR=tmp`: its
 * profile folder is the one in `tmp`, its debugging port is in that profile, and the page is the one at `origin`.
 */
export async function attachToHostChromium(
  tmp: string,
  origin: string,
): Promise<{ browser: Browser; page: Page; profile: string }> {
  const dir = await until(
    'the Chromium profile folder',
    () => readdirSync(tmp).find((f) => f.startsWith('diadema-chromium-')),
    15_000,
  );
  const profile = path.join(tmp, dir);
  const portFile = path.join(profile, 'DevToolsActivePort');
  const port = await until(
    'DevToolsActivePort',
    () => (existsSync(portFile) ? readFileSync(portFile, 'utf8').split('\n')[0] : undefined),
    15_000,
  );
  // Attach once the page has its target (attaching while Chromium still creates its first one can hang).
  await until(
    'the page target',
    async () => {
      const targets = (await fetch(`http://127.0.0.1:${port}/json/list`).then(
        (r) => r.json(),
        () => [],
      )) as Array<{ type: string; url: string }>;
      return targets.some((t) => t.type === 'page' && t.url.startsWith(origin));
    },
    15_000,
  );
  const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`, { timeout: 15_000 });
  const pages = () => browser.contexts().flatMap((c) => c.pages());
  const page = await until('the agent page', () => pages().find((p) => p.url().startsWith(origin)), 15_000).catch(
    async (err: Error) => {
      const seen = pages()
        .map((p) => p.url() || '(no URL)')
        .join(', ');
      await browser.close().catch(() => undefined);
      throw new Error(`${err.message} (pages: ${seen || 'none'})`);
    },
  );
  return { browser, page, profile };
}

export async function startOwnChromiumAgent(o: {
  server: string;
  account: { user: string; password: string };
  settings?: Record<string, unknown>;
  toneHz?: number;
}): Promise<OwnChromiumAgent> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'diadema-own-chromium-'));
  const tmp = path.join(work, 'tmp');
  mkdirSync(tmp);
  const wrapper = writeChromiumWrapper(work, o.toneHz ?? 440);
  let host: HostProcess | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  let profile = '';
  const attach = async (): Promise<Page> => {
    await browser?.close().catch(() => undefined);
    ({ browser, page, profile } = await attachToHostChromium(tmp, host!.origin));
    return page;
  };
  try {
    host = await startHostProcess({
      settings: {
        'account.server': o.server,
        'account.user': o.account.user,
        'account.password': o.account.password,
        ...o.settings,
      },
      env: { TMPDIR: tmp },
      chromium: wrapper,
    });
    await attach();
    await page!.locator('[data-testid=registration-state][data-state=registered]').waitFor({ timeout: 10_000 });
  } catch (err) {
    await browser?.close().catch(() => undefined);
    await host?.stop();
    rmSync(work, { recursive: true, force: true });
    throw err;
  }
  return {
    host,
    get page() {
      return page!;
    },
    get profile() {
      return profile;
    },
    reattach: attach,
    rendererPids() {
      const pids: number[] = [];
      for (const entry of readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        try {
          const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
          if (cmd.includes('--type=renderer') && cmd.includes(profile) && !cmd.includes('--top-chrome-webui'))
            pids.push(Number(entry));
        } catch {
          // Gone while reading.
        }
      }
      return pids;
    },
    async dispose() {
      if (process.env.DIADEMA_TEST_LOG) console.log(host!.stderr());
      await browser?.close().catch(() => undefined);
      await host!.stop();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
