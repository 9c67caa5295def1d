import { AxeBuilder } from '@axe-core/playwright';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { toneWav } from '../support/audio-files';
import { startHostProcess } from '../support/browser-host-process';
import { launchAgentBrowser } from '../support/chromium';
import { labAccount } from '../support/lab-env';
import { attr, callState, click, openPage, present, startAgent, stopAgent, type Agent } from '../support/mute-agents';
import { speechClip } from '../support/voice-clips';

// axe-core in the real page (Chromium through the browser host, a real call through Kamailio) on every view and
// call state the lab can reach, in the light, dark, more-contrast and forced-colours themes. Serious and critical
// violations fail the test; the rest are printed, so they are seen and can be fixed too.
const lab = inject('lab');
const accA = labAccount(lab, 4);
const accB = labAccount(lab, 5);
const accNew = labAccount(lab, 6);

const tags = ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa'];
const themes = [
  { name: 'light', media: { colorScheme: 'light', forcedColors: 'none', contrast: 'no-preference' } },
  { name: 'dark', media: { colorScheme: 'dark', forcedColors: 'none', contrast: 'no-preference' } },
  { name: 'more-contrast', media: { colorScheme: 'light', forcedColors: 'none', contrast: 'more' } },
  { name: 'forced-colors', media: { colorScheme: 'light', forcedColors: 'active', contrast: 'no-preference' } },
] as const;

// A voice on agent A's microphone, so muting it raises the talking-while-muted warning.
const voice = speechClip('en-us', [
  'Good morning, thank you for calling, how can I help you today?',
  'Let me look up your account, it will only take a moment.',
  'I can see the payment arrived yesterday afternoon.',
]);

let agentA: Agent;
let agentB: Agent;
let pageA: Page;
let pageB: Page;

interface Finding {
  state: string;
  theme: string;
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}
const findings: Finding[] = [];
let checked = 0;
// Set to a folder to keep a picture of each state in each theme (for a person to look at; nothing compares them).
const shots = process.env.DIADEMA_A11Y_SHOTS;

/** axe on A's page in every theme; returns the serious and critical findings of this state. */
async function audit(state: string, page: Page = pageA): Promise<Finding[]> {
  const bad: Finding[] = [];
  for (const theme of themes) {
    await page.emulateMedia(theme.media);
    const result = await new AxeBuilder({ page }).withTags(tags).analyze();
    checked++;
    if (shots) await page.screenshot({ path: path.join(shots, `${state.replace(/\W+/g, '-')}-${theme.name}.png`) });
    for (const v of result.violations) {
      const f: Finding = {
        state,
        theme: theme.name,
        id: v.id,
        impact: v.impact ?? 'unknown',
        help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} ${n.failureSummary?.split('\n')[1] ?? ''}`),
      };
      findings.push(f);
      if (f.impact === 'serious' || f.impact === 'critical') bad.push(f);
    }
    // The checks ran on the page as themed: the colours in use are the theme's, so contrast was judged for it.
    expect(await page.evaluate(() => matchMedia('(forced-colors: active)').matches)).toBe(
      theme.name === 'forced-colors',
    );
  }
  await page.emulateMedia({ colorScheme: 'light', forcedColors: 'none', contrast: 'no-preference' });
  return bad;
}
/**
 * The page fits the window without a vertical scroll (inner panels such as the note may scroll inside themselves).
 * Returns the page's height beside the window's, so a failure says by how much.
 */
const pageFits = (page: Page = pageA) =>
  page.evaluate(() => {
    const h = document.documentElement.scrollHeight;
    return { fits: h <= window.innerHeight, scrollHeight: h, innerHeight: window.innerHeight };
  });
const expectFits = async (state: string) => {
  expect({ state, ...(await pageFits()) }).toMatchObject({ state, fits: true });
};
const view = async (name: 'phone' | 'history' | 'settings') => {
  await pageA.getByTestId(`view-${name}`).click();
  await pageA.getByTestId(`view-${name}-panels`).waitFor({ state: 'visible' });
};

beforeAll(async () => {
  agentA = await startAgent(accA, lab.ws, {
    'acw.durationSec': 120,
    'mute.longMuteSec': 5,
    'mute.reminderEverySec': 5,
    'calls.longHoldSec': 10,
  });
  agentB = await startAgent(accB, lab.ws);
  pageA = await openPage(agentA, voice);
  pageB = await openPage(agentB, toneWav(660));
  await pageA.setViewportSize({ width: 1366, height: 768 });
}, 90_000);
afterEach(async () => {
  for (const p of [pageA, pageB]) {
    if (p && !/ended|none/.test(await callState(p).catch(() => 'none'))) await click(p, 'call-hangup');
  }
});
afterAll(async () => {
  const rest = findings.filter((f) => f.impact !== 'serious' && f.impact !== 'critical');
  console.log(`axe: ${checked} state × theme checks, ${rest.length} moderate or minor findings`);
  if (rest.length) console.log(JSON.stringify(rest, null, 2));
  await stopAgent(agentA);
  await stopAgent(agentB);
});

describe('axe on every view and call state, in every theme', () => {
  it('finds a real contrast problem in this page (the check can fail)', async () => {
    await pageA.evaluate(() => {
      const p = document.createElement('p');
      p.id = 'axe-canary';
      p.textContent = 'Grey on white';
      p.style.cssText = 'color:#bbb;background:#fff';
      document.querySelector('main')!.prepend(p);
    });
    const result = await new AxeBuilder({ page: pageA }).withTags(tags).include('#axe-canary').analyze();
    await pageA.evaluate(() => document.getElementById('axe-canary')?.remove());
    expect(result.violations.map((v) => [v.id, v.impact])).toContainEqual(['color-contrast', 'serious']);
  });

  it('idle, history and settings', async () => {
    await expectFits('idle');
    expect(await audit('idle')).toEqual([]);
    await view('history');
    expect(await audit('history')).toEqual([]);
    await view('settings');
    expect(await audit('settings')).toEqual([]);
    await view('phone');
  }, 120_000);

  it('ringing, in call, muted with the talking warning, after-call work', async () => {
    // Ringing brings the phone view to the front even from Settings.
    await view('settings');
    await pageB.getByTestId('dial-input').fill(accA.user);
    await pageB.getByTestId('dial-input').press('Enter');
    await expect.poll(() => callState(pageA), { timeout: 10_000 }).toBe('ringing');
    await pageA.getByTestId('view-phone-panels').waitFor({ state: 'visible' });
    await expectFits('ringing');
    expect(await audit('ringing')).toEqual([]);

    await pageA.getByTestId('call-answer').click();
    await expect.poll(() => callState(pageA), { timeout: 10_000 }).toBe('active');
    await expectFits('in call');
    await pageA.getByTestId('call-keypad').click();
    await pageA.getByTestId('dtmf-5').waitFor();
    expect(await audit('in call, keypad open')).toEqual([]);
    // The narrow window docked beside a CRM.
    await pageA.setViewportSize({ width: 420, height: 900 });
    expect(await audit('in call, narrow window')).toEqual([]);
    expect(await pageA.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(420);
    await pageA.setViewportSize({ width: 1366, height: 768 });

    await pageA.getByTestId('mute-toggle').click();
    await expect.poll(() => attr(pageA, 'mute-indicator', 'data-muted'), { timeout: 5_000 }).toBe('true');
    await expect.poll(() => present(pageA, 'mute-warning-talking'), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => present(pageA, 'mute-warning-long'), { timeout: 10_000 }).toBe(true);
    expect(await audit('muted, talking and long-mute warnings')).toEqual([]);
    await pageA.getByTestId('mute-toggle').click();
    await expect.poll(() => attr(pageA, 'mute-indicator', 'data-muted'), { timeout: 5_000 }).toBe('false');

    await pageA.getByTestId('call-hold').click();
    await expect.poll(() => callState(pageA), { timeout: 10_000 }).toBe('held');
    expect(await audit('on hold')).toEqual([]);
    // Held past calls.longHoldSec: the reminder (an alert in the status bar) with one-click Resume, timed by the core.
    expect(await present(pageA, 'call-hold-time')).toBe(true);
    await expect.poll(() => present(pageA, 'hold-warning-long'), { timeout: 15_000 }).toBe(true);
    expect(Number(await attr(pageA, 'hold-warning-long', 'data-elapsed'))).toBeGreaterThanOrEqual(10);
    expect(await audit('on hold, long-hold reminder')).toEqual([]);
    await pageA.getByTestId('hold-warning-resume').click();
    await expect.poll(() => callState(pageA), { timeout: 10_000 }).toBe('active');
    expect(await present(pageA, 'hold-warning-long')).toBe(false);

    await pageA.getByTestId('call-hangup').click();
    await expect.poll(() => attr(pageA, 'agent-state', 'data-state'), { timeout: 10_000 }).toBe('acw');
    await pageA.getByTestId('acw').waitFor();
    await expectFits('after-call work');
    expect(await audit('after-call work')).toEqual([]);
    await view('history');
    expect(await audit('history during after-call work')).toEqual([]);
    await view('phone');
    await pageA.getByTestId('acw-ready').click();
    await expect.poll(() => attr(pageA, 'agent-state', 'data-state'), { timeout: 10_000 }).toBe('available');
  }, 240_000);
});

describe('first run, keyboard only', () => {
  it('an agent without an account: account → test → devices → headset → done, axe on every step', async () => {
    const host = await startHostProcess({ settings: { 'acw.durationSec': 0 } });
    const browser = await launchAgentBrowser({ audioFile: toneWav(440) });
    try {
      const page = await browser.context.newPage();
      await page.setViewportSize({ width: 1366, height: 768 });
      await page.goto(host.url);
      const step = () => page.getByTestId('first-run').getAttribute('data-step');
      await expect.poll(step, { timeout: 10_000 }).toBe('account');
      expect(await audit('first run: account', page)).toEqual([]);
      const focused = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid ?? '');
      /** Tab forward until the control has the focus; fails if the keyboard cannot reach it. */
      const tabTo = async (testId: string) => {
        for (let i = 0; i < 40 && (await focused()) !== testId; i++) await page.keyboard.press('Tab');
        expect(await focused()).toBe(testId);
      };
      await tabTo('account-server');
      await page.keyboard.type(lab.ws);
      await tabTo('account-user');
      await page.keyboard.type(accNew.user);
      await tabTo('account-password');
      await page.keyboard.type(accNew.password);
      await page.keyboard.press('Enter');
      await expect
        .poll(() => page.getByTestId('registration-state').getAttribute('data-state'), { timeout: 10_000 })
        .toBe('registered');
      // Saving and registering does not end the setup; Next does not need the mouse either.
      expect(await step()).toBe('account');
      await tabTo('first-run-next');
      await page.keyboard.press('Enter');
      await expect.poll(step).toBe('test');
      // The focus moved to the new step's heading.
      expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H2');
      await tabTo('first-run-test');
      await page.keyboard.press('Enter');
      await expect
        .poll(() => page.getByTestId('test-steps').locator('li[data-step=registered]').getAttribute('data-status'), {
          timeout: 10_000,
        })
        .toBe('ok');
      expect(await audit('first run: connection test', page)).toEqual([]);
      for (const next of ['audio', 'headset', 'done']) {
        await tabTo('first-run-next');
        await page.keyboard.press('Enter');
        await expect.poll(step).toBe(next);
        expect(await audit(`first run: ${next}`, page)).toEqual([]);
      }
      expect(await page.getByTestId('first-run-result').getAttribute('data-registered')).toBe('true');
      await tabTo('first-run-done');
      await page.keyboard.press('Enter');
      await page.getByTestId('view-phone-panels').waitFor({ state: 'visible' });
      expect(await page.getByTestId('view-phone').getAttribute('aria-current')).toBe('page');
      expect(await page.getByTestId('first-run').count()).toBe(0);
    } finally {
      await browser.dispose();
      await host.stop();
    }
  }, 180_000);
});
