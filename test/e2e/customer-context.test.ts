import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page, Request } from 'playwright-core';
import { callState, clickTestId, startE2eAgent, type E2eAgent } from '../support/e2e-agent';
import { labAccount } from '../support/lab-env';
import { runSipp } from '../support/sipp';

// Customer context end to end: a SIPp caller (an IVR handing over a caller) sends X- headers through Kamailio to an
// agent in Chromium whose team named them. The customer column shows the labels in the agent's language and a CRM
// link that the keyboard opens as a new tab without opener or referrer; after the call, History shows what it rang
// with. The CRM is answered by the browser context's router: the test's network namespace has only loopback.
const lab = inject('lab');
const agentAccount = labAccount(lab, 3);
const caller = labAccount(lab, 6);
const crm = 'https://crm.example/cases?account={value}';

let agent: E2eAgent;
let page: Page;
const crmRequests: Request[] = [];

beforeAll(async () => {
  agent = await startE2eAgent({
    server: lab.ws,
    account: agentAccount,
    settings: {
      'acw.durationSec': 0,
      'ui.language': 'es-MX',
      'calls.screenPop': [{ header: 'X-Account-Id', label: { en: 'Account', 'es-MX': 'Cuenta' }, link: crm }],
    },
  });
  page = agent.page;
  await agent.browser.context.route('https://crm.example/**', async (route) => {
    crmRequests.push(route.request());
    await route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>CRM</title><p>CRM</p>' });
  });
}, 60_000);
afterAll(async () => {
  await agent?.dispose();
});

const screenPop = (p: Page) =>
  p.evaluate(() =>
    [...document.querySelectorAll('[data-testid=customer] [data-testid=screen-pop] [data-header]')].map((e) => ({
      header: e.getAttribute('data-header'),
      label: e.querySelector('dt')?.textContent,
      value: e.querySelector('dd')?.textContent,
      href: e.querySelector('a')?.getAttribute('href') ?? null,
      name: e.querySelector('a')?.getAttribute('aria-label') ?? null,
    })),
  );

describe('customer context from a SIPp IVR caller', () => {
  it('labels the fields, opens the CRM link from the keyboard in a new tab, and keeps them in History', async () => {
    const account = '4815 1623&admin=1';
    const ivrPath = 'menu>2>saldo<b>';
    const sipp = await runSipp({
      lab,
      scenario: 'ivr-caller.xml',
      service: agentAccount.user,
      account: caller,
      pauseMs: 8000,
      keys: { account_id: account, ivr_path: ivrPath },
    });
    try {
      await expect.poll(() => callState(page), { timeout: 10_000 }).toBe('ringing');
      const link = 'https://crm.example/cases?account=4815%201623%26admin%3D1';
      expect(await screenPop(page)).toEqual([
        {
          header: 'X-Account-Id',
          label: 'Cuenta',
          value: account,
          href: link,
          name: `Abrir Cuenta ${account} en el CRM (se abre en tu navegador)`,
        },
        // Named by calls.screenPopHeaders only (its default): under its own name, text, no link.
        { header: 'X-IVR-Path', label: 'X-IVR-Path', value: ivrPath, href: null, name: null },
      ]);

      // Keyboard only: focus the link and press Enter; a new tab opens at the CRM, with no way back to the app.
      const tab = agent.browser.context.waitForEvent('page');
      await page.getByTestId('screen-pop-link').focus();
      await page.keyboard.press('Enter');
      const crmTab = await tab;
      await crmTab.waitForLoadState('domcontentloaded');
      expect(crmTab.url()).toBe(link);
      expect(new URL(crmTab.url()).searchParams.get('account')).toBe(account);
      expect(await crmTab.evaluate(() => [window.opener === null, document.referrer])).toEqual([true, '']);
      expect(crmRequests.map((r) => [r.url(), r.headers()['referer']])).toEqual([[link, undefined]]);
      await crmTab.close();
      expect(await callState(page)).toBe('ringing');

      // Answered, the fields stay by the note; the caller hangs up after its pause.
      await page.bringToFront();
      await clickTestId(page, 'call-answer');
      await expect.poll(() => callState(page), { timeout: 10_000 }).toBe('active');
      expect((await screenPop(page)).map((f) => f.label)).toEqual(['Cuenta', 'X-IVR-Path']);
      await expect.poll(() => callState(page), { timeout: 15_000 }).toMatch(/ended|none/);
      const result = await sipp.done;
      expect(result.code, result.stdout).toBe(0);
    } finally {
      sipp.kill();
    }

    await page.getByTestId('view-history').click();
    await page.getByTestId('history-search').click();
    await page.getByTestId('history-open').first().click();
    await page.getByTestId('history-screen-pop').waitFor({ timeout: 10_000 });
    const recorded = await page.evaluate(() =>
      [...document.querySelectorAll('[data-testid=history-screen-pop] [data-header]')].map((e) => [
        e.getAttribute('data-header'),
        e.querySelector('dt')?.textContent,
        e.querySelector('dd')?.textContent,
      ]),
    );
    expect(recorded).toEqual([
      ['X-Account-Id', 'Cuenta', account],
      ['X-IVR-Path', 'X-IVR-Path', ivrPath],
    ]);
  });
});
