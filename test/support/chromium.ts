import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { chromiumArgs } from '../../electron/browser-host/chromium';

/**
 * Debian's Chromium driven by playwright-core, with the same flags the browser host uses, plus fake media
 * devices (a WAV file as the microphone) for calls. Each agent gets its own browser and profile.
 */
export async function launchAgentBrowser(
  o: { audioFile?: string } = {},
): Promise<{ browser: Browser; context: BrowserContext; dispose(): Promise<void> }> {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'diadema-chromium-e2e-'));
  const args = chromiumArgs({
    url: 'about:blank',
    headless: true,
    userDataDir: profile,
    fakeMedia: { ...(o.audioFile ? { audioFile: o.audioFile } : {}) },
  }).filter((a) => a !== 'about:blank' && !a.startsWith('--user-data-dir') && a !== '--headless');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.DIADEMA_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args,
    permissions: ['microphone'],
  });
  const browser = context.browser() as Browser;
  return {
    browser,
    context,
    async dispose() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
