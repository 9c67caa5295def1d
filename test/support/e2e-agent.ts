import type { Page } from 'playwright-core';
import { toneWav } from './audio-files';
import { startHostProcess, type HostProcess } from './browser-host-process';
import { launchAgentBrowser } from './chromium';

/** One Diadema agent for end-to-end tests: a browser host process and Chromium with a tone as its microphone. */
export interface E2eAgent {
  host: HostProcess;
  browser: Awaited<ReturnType<typeof launchAgentBrowser>>;
  page: Page;
  dispose(): Promise<void>;
}

export async function startE2eAgent(o: {
  server: string;
  account: { user: string; password: string };
  settings?: Record<string, unknown>;
  /** IT policy and environment for this agent's host (see HostProcessOptions). */
  policy?: Record<string, unknown>;
  env?: Record<string, string>;
  toneHz?: number;
  /** A script run in the page before the app loads (benchmarks use it to observe peer connections). */
  initScript?: string;
}): Promise<E2eAgent> {
  const host = await startHostProcess({
    settings: {
      'account.server': o.server,
      'account.user': o.account.user,
      'account.password': o.account.password,
      ...o.settings,
    },
    ...(o.policy ? { policy: o.policy } : {}),
    ...(o.env ? { env: o.env } : {}),
  });
  const browser = await launchAgentBrowser({ audioFile: toneWav(o.toneHz ?? 440) });
  const page = await browser.context.newPage();
  if (o.initScript) await page.addInitScript(o.initScript);
  await page.goto(host.url);
  await page.locator('[data-testid=registration-state][data-state=registered]').waitFor({ timeout: 10_000 });
  return {
    host,
    browser,
    page,
    async dispose() {
      if (process.env.DIADEMA_TEST_LOG) console.log(host.stderr());
      await browser.dispose();
      await host.stop();
    },
  };
}

// DOM reads through evaluate: the call card re-renders every second with fresh stats, and a snapshot is what
// assertions need.
export const callState = (p: Page): Promise<string> =>
  p.evaluate(() => document.querySelector('[data-testid=call]')?.getAttribute('data-state') ?? 'none');
/** The registration state the status bar shows (`registered`, `reconnecting`, …). */
export const registrationState = (p: Page): Promise<string | undefined> =>
  p.evaluate(() => document.querySelector('[data-testid=registration-state]')?.getAttribute('data-state') ?? undefined);
export const callQuality = (p: Page): Promise<{ inBytes: number; inLevel: number; outBytes: number }> =>
  p.evaluate(() => {
    const q = document.querySelector('[data-testid=call-quality]');
    const n = (a: string) => Number(q?.getAttribute(a) ?? 0);
    return { inBytes: n('data-inbound-bytes'), inLevel: n('data-inbound-level'), outBytes: n('data-outbound-bytes') };
  });
/** Inbound bytes over a window of `ms`: media flowing means the count grows. */
export async function inboundGrowth(p: Page, ms = 2500): Promise<number> {
  const before = (await callQuality(p)).inBytes;
  await p.waitForTimeout(ms);
  return (await callQuality(p)).inBytes - before;
}
export const clickTestId = (p: Page, testId: string): Promise<void> =>
  p.evaluate((id) => {
    (document.querySelector(`[data-testid="${id}"]`) as HTMLButtonElement | null)?.click();
  }, testId);

/**
 * Between tests: every agent given hangs up a call it still shows, then each must show none (or an ended one)
 * within 10 s. Agents not started (undefined) are skipped.
 */
export async function endCallsOn(agents: ReadonlyArray<E2eAgent | undefined>): Promise<void> {
  const started = agents.filter((a): a is E2eAgent => a !== undefined);
  for (const a of started) if (!/ended|none/.test(await callState(a.page))) await clickTestId(a.page, 'call-hangup');
  for (const a of started) {
    const end = Date.now() + 10_000;
    let state = await callState(a.page);
    while (!/ended|none/.test(state)) {
      if (Date.now() > end) throw new Error(`a call still shows as ${state} 10 s after hanging up`);
      await a.page.waitForTimeout(100);
      state = await callState(a.page);
    }
  }
}
