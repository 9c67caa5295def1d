import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { callState, clickTestId, startE2eAgent, type E2eAgent } from '../support/e2e-agent';
import { labAccount } from '../support/lab-env';
import { runSipp } from '../support/sipp';

// The whole after-call path in Chromium through the browser host, with the real SQLite store: a SIPp caller
// reaches the agent, who answers, writes the note while talking, hangs up, sees the after-call work countdown,
// presses Ready (which finishes the note), and finds the call in History by searching the note's text.
const lab = inject('lab');
const agentAccount = labAccount(lab, 2);
const caller = labAccount(lab, 1);

let agent: E2eAgent;
let page: Page;

beforeAll(async () => {
  agent = await startE2eAgent({
    server: lab.ws,
    account: agentAccount,
    settings: { 'acw.mode': 'mandatory-timed', 'acw.durationSec': 120 },
  });
  page = agent.page;
}, 60_000);
afterAll(async () => {
  await agent?.dispose();
});

const attr = (testId: string, name: string) =>
  page.evaluate(([id, a]) => document.querySelector(`[data-testid="${id}"]`)?.getAttribute(a!) ?? null, [testId, name]);
const text = (testId: string) =>
  page.evaluate((id) => document.querySelector(`[data-testid="${id}"]`)?.textContent ?? null, testId);

describe('notes and after-call work in Chromium', () => {
  it('answer, write the note, hang up, count down, Ready, then find the call in History', async () => {
    const sipp = await runSipp({
      lab,
      scenario: 'ivr-caller.xml',
      service: agentAccount.user,
      account: caller,
      pauseMs: 60_000,
      keys: { account_id: '777', ivr_path: 'notes' },
    });
    try {
      expect(await attr('agent-state', 'data-state')).toBe('available');
      await expect.poll(() => callState(page), { timeout: 10_000 }).toBe('ringing');
      const callId = await page.evaluate(
        () => document.querySelector('[data-testid=call]')?.getAttribute('data-call-id') ?? '',
      );
      await clickTestId(page, 'call-answer');
      await expect.poll(() => callState(page), { timeout: 10_000 }).toBe('active');

      // The note opened as a draft for this call; the agent writes it while talking.
      await expect.poll(() => attr('note', 'data-call-id'), { timeout: 5000 }).toBe(callId);
      await page.getByTestId('note-field-identify').fill('Zoë, cuenta 777 — pidió reembolso 🙏');
      await page.getByTestId('note-field-assist').fill('reembolso autorizado folio 8812');
      await page.getByTestId('note-text').fill('مرحبا <b>not markup</b>');
      await page.getByTestId('note-disposition').selectOption('follow-up');
      await expect.poll(() => attr('note-save', 'data-save'), { timeout: 5000 }).toBe('saved');

      await clickTestId(page, 'call-hangup');
      await expect.poll(() => callState(page), { timeout: 10_000 }).toMatch(/ended|none/);

      // After-call work: the agent is not offered calls, and the time box counts down on screen.
      await expect.poll(() => attr('agent-state', 'data-state'), { timeout: 5000 }).toBe('acw');
      expect(await attr('acw', 'data-call-id')).toBe(callId);
      const first = Number(await attr('acw-countdown', 'data-seconds'));
      expect(first).toBeGreaterThan(100);
      expect(first).toBeLessThanOrEqual(120);
      await expect
        .poll(async () => Number(await attr('acw-countdown', 'data-seconds')), { timeout: 5000 })
        .toBeLessThan(first);
      expect(
        await page.evaluate(
          () => (document.querySelector('[data-testid=acw-ready]') as HTMLButtonElement | null)?.disabled,
        ),
      ).toBe(false);

      await clickTestId(page, 'acw-ready');
      await expect.poll(() => attr('agent-state', 'data-state'), { timeout: 5000 }).toBe('available');
      expect(await text('acw')).toBeNull();

      // History: full-text search over the note finds the call, with its after-call work time and the note.
      await page.getByTestId('view-history').click();
      await page.getByTestId('history-query').fill('8812');
      await clickTestId(page, 'history-search');
      await expect
        .poll(
          () =>
            page.evaluate(() =>
              [...document.querySelectorAll('[data-testid=history-row]')].map((r) => r.getAttribute('data-call-id')),
            ),
          { timeout: 5000 },
        )
        .toEqual([callId]);
      expect(await text('history-snippet')).toContain('8812');
      await clickTestId(page, 'history-open');
      await expect.poll(() => attr('history-detail', 'data-call-id'), { timeout: 5000 }).toBe(callId);
      expect(await attr('history-note', 'data-status')).toBe('final');
      expect(await text('history-note-text')).toBe('مرحبا <b>not markup</b>');
      expect(await page.evaluate(() => document.querySelectorAll('[data-testid=history] b').length)).toBe(0);
      const kinds = await page.evaluate(() =>
        [...document.querySelectorAll('[data-testid=history-timeline] li')].map((li) => li.getAttribute('data-kind')),
      );
      expect(kinds).toEqual(expect.arrayContaining(['acw', 'agent']));
    } finally {
      sipp.kill();
    }
  });
});
