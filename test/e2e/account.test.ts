import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { esMX } from '../../renderer/src/i18n/es-MX';
import { startHostProcess, type HostProcess } from '../support/browser-host-process';
import { launchAgentBrowser } from '../support/chromium';
import { labAccount } from '../support/lab-env';

// The product as it runs here: the built browser host (core in Node) and the built renderer in Debian's
// Chromium, against the lab's Kamailio.
const lab = inject('lab');
const a1 = labAccount(lab, 1);
let browser: Awaited<ReturnType<typeof launchAgentBrowser>>;

beforeAll(async () => {
  browser = await launchAgentBrowser();
});
afterAll(async () => {
  await browser?.dispose();
});

async function openAgent(): Promise<{ host: HostProcess; page: Page }> {
  const host = await startHostProcess();
  const page = await browser.context.newPage();
  await page.goto(host.url);
  await page.getByTestId('view-settings').click();
  await page.getByTestId('account-server').waitFor();
  return { host, page };
}

describe('account screen in Chromium through the browser host', () => {
  it('fill the account, press Enter, see Registered; the token leaves the address bar', async () => {
    const { host, page } = await openAgent();
    expect(page.url()).not.toContain('token=');
    await expect.poll(() => page.getByTestId('registration-state').getAttribute('data-state')).toBe('unregistered');
    await page.getByTestId('account-server').fill(lab.ws);
    await page.getByTestId('account-user').fill(a1.user);
    await page.getByTestId('account-password').fill(a1.password);
    await page.getByTestId('account-password').press('Enter');
    await expect
      .poll(() => page.getByTestId('registration-state').getAttribute('data-state'), { timeout: 10_000 })
      .toBe('registered');
    expect(await page.getByTestId('secrets-note').textContent()).toMatch(/file|archivo/);
    await page.close();
    await host.stop();
  });

  it('a wrong password shows the credentials message in Spanish when the UI is in Spanish', async () => {
    const { host, page } = await openAgent();
    await page.getByTestId('language-select').selectOption('es-MX');
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('es-MX');
    await page.getByTestId('account-server').fill(lab.ws);
    await page.getByTestId('account-user').fill(a1.user);
    await page.getByTestId('account-password').fill('contraseña-equivocada');
    // Save is the form's submit: it saves and registers. (Pressing Register as well started a second attempt, and
    // under load the first one's failure was seen while the second was already registering.)
    await page.getByTestId('account-save').click();
    await expect
      .poll(() => page.getByTestId('registration-state').getAttribute('data-state'), { timeout: 10_000 })
      .toBe('failed');
    expect(await page.getByTestId('registration-reason').textContent()).toBe(esMX['reg.reason.credentials']);
    expect(await page.getByTestId('registration-state').textContent()).toContain(esMX['reg.state.failed']);
    await page.close();
    await host.stop();
  });

  it('validation messages appear in the chosen language and nothing is saved', async () => {
    const { host, page } = await openAgent();
    await page.getByTestId('language-select').selectOption('es-ES');
    await page.getByTestId('account-server').fill('ws://sip.example.org');
    await page.getByTestId('account-user').fill('');
    await page.getByTestId('account-save').click();
    await expect
      .poll(() => page.getByTestId('error-server').textContent())
      .toBe((await import('../../renderer/src/i18n/es-ES')).esES['account.error.insecure-remote']);
    expect(await page.getByTestId('error-user').textContent()).toContain('obligatorio');
    expect(await page.getByTestId('registration-state').getAttribute('data-state')).toBe('unregistered');
    await page.close();
    await host.stop();
  });

  it('Test connection lists every step as it happens', async () => {
    const { host, page } = await openAgent();
    await page.getByTestId('account-server').fill(lab.ws);
    await page.getByTestId('account-user').fill(a1.user);
    await page.getByTestId('account-password').fill(a1.password);
    await page.getByTestId('account-test').click();
    const steps = page.getByTestId('test-steps').locator('li');
    await expect.poll(() => steps.count(), { timeout: 10_000 }).toBe(7);
    expect(
      await steps.evaluateAll((els) =>
        els.map((e) => `${e.getAttribute('data-step')}:${e.getAttribute('data-status')}`),
      ),
    ).toEqual(['config:ok', 'dns:ok', 'connect:ok', 'websocket:ok', 'register:ok', 'challenge:ok', 'registered:ok']);
    await page.close();
    await host.stop();
  });

  it('a page from another origin cannot drive the phone', async () => {
    const { host, page } = await openAgent();
    const other = await browser.context.newPage();
    await other.goto('about:blank');
    const outcome = await other.evaluate(
      async (wsUrl) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(wsUrl);
          ws.onopen = () => resolve('open');
          ws.onerror = () => resolve('refused');
        }),
      `${host.origin.replace('http', 'ws')}/contract`,
    );
    expect(outcome).toBe('refused');
    await other.close();
    await page.close();
    await host.stop();
  });
});
