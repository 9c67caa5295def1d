import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { toneWav } from '../support/audio-files';
import { labAccount } from '../support/lab-env';
import { attr, callState, openPage, startAgent, stopAgent, type Agent } from '../support/mute-agents';

// An agent's whole call without the mouse, in Chromium against the lab: answer, mute, type the note, hold, resume,
// blind transfer, finish after-call work, using only Tab, Enter, typing and the call shortcuts. At ring, mute, hold
// and call end the page's live regions (role=status) must say so: a screen reader user hears each moment.
const lab = inject('lab');
const accA = labAccount(lab, 1);
const accB = labAccount(lab, 2);
const accC = labAccount(lab, 3);

let agentA: Agent;
let agentB: Agent;
let agentC: Agent;
let pageA: Page;
let pageB: Page;
let pageC: Page;

/** Counts every pointer press on the page, so the test can prove the journey never used one. */
const countPointer = `(() => {
  window.__pointerPresses = 0;
  for (const t of ['pointerdown', 'mousedown', 'click']) {
    window.addEventListener(t, (e) => { if (e.isTrusted && e.detail !== 0) window.__pointerPresses++; }, true);
  }
})();`;

const focused = () => pageA.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid ?? '');
/** Tab forward until the control has the focus; fails if the keyboard cannot reach it. */
async function tabTo(testId: string): Promise<void> {
  for (let i = 0; i < 80 && (await focused()) !== testId; i++) await pageA.keyboard.press('Tab');
  expect(await focused()).toBe(testId);
}
/** The text of a live region, checked to be one (role=status/alert or aria-live). */
async function liveText(testId: string): Promise<string> {
  return pageA.evaluate((id) => {
    const el = document.querySelector(`[data-testid="${id}"]`);
    if (!el) return '';
    const live = el.closest('[role=status],[role=alert],[aria-live]');
    if (!live || live.getAttribute('aria-live') === 'off') throw new Error(`${id} is not in a live region`);
    return el.textContent ?? '';
  }, testId);
}

beforeAll(async () => {
  agentA = await startAgent(accA, lab.ws, { 'ui.language': 'en', 'acw.durationSec': 120, 'acw.mode': 'optional' });
  agentB = await startAgent(accB, lab.ws);
  agentC = await startAgent(accC, lab.ws);
  pageB = await openPage(agentB, toneWav(660));
  pageC = await openPage(agentC, toneWav(550));
  pageA = await openPage(agentA, toneWav(440));
  await pageA.addInitScript({ content: countPointer });
  await pageA.reload();
  await pageA.locator('[data-testid=registration-state][data-state=registered]').waitFor({ timeout: 15_000 });
  await pageA.setViewportSize({ width: 1366, height: 768 });
}, 90_000);
afterAll(async () => {
  await stopAgent(agentA);
  await stopAgent(agentB);
  await stopAgent(agentC);
});

describe('keyboard-only call journey', () => {
  it('answer, mute, note, hold, resume, blind transfer and after-call work, each moment announced', async () => {
    expect(await liveText('call-announce')).toBe('');
    await pageB.getByTestId('dial-input').fill(accA.user);
    await pageB.getByTestId('dial-input').press('Enter');
    await expect.poll(() => callState(pageA), { timeout: 15_000 }).toBe('ringing');
    // Ring: announced.
    await expect.poll(() => liveText('call-announce'), { timeout: 5_000 }).toMatch(/^Incoming call from /);

    // Answer from the keyboard: Tab to the large Answer button and press Enter.
    await tabTo('call-answer');
    await pageA.keyboard.press('Enter');
    await expect.poll(() => callState(pageA), { timeout: 10_000 }).toBe('active');
    await expect.poll(() => liveText('call-announce'), { timeout: 5_000 }).toMatch(/^In call with /);
    // The status bar says the agent is on a call, not "Available".
    await expect.poll(() => attr(pageA, 'agent-state', 'data-on-call'), { timeout: 5_000 }).toBe('true');
    expect(await liveText('agent-state')).toContain('On a call');

    // Mute with its shortcut; the mute state is a live region and changes its words.
    const unmutedText = await liveText('mute-indicator');
    await pageA.keyboard.press('Control+Shift+M');
    await expect.poll(() => attr(pageA, 'mute-indicator', 'data-muted'), { timeout: 5_000 }).toBe('true');
    const mutedText = await liveText('mute-indicator');
    expect(mutedText).not.toBe(unmutedText);
    await pageA.keyboard.press('Control+Shift+M');
    await expect.poll(() => attr(pageA, 'mute-indicator', 'data-muted'), { timeout: 5_000 }).toBe('false');
    expect(await liveText('mute-indicator')).toBe(unmutedText);

    // Type the note: Tab into the free text and type.
    await tabTo('note-text');
    await pageA.keyboard.type('Customer asked about the March invoice; sent to billing.');
    expect(await pageA.getByTestId('note-text').inputValue()).toBe(
      'Customer asked about the March invoice; sent to billing.',
    );

    // Hold and resume with the shortcut (from inside the note: the shortcut has a command modifier).
    await pageA.keyboard.press('Control+Shift+K');
    await expect.poll(() => callState(pageA), { timeout: 10_000 }).toBe('held');
    await expect.poll(() => liveText('call-announce'), { timeout: 5_000 }).toMatch(/ on hold$/);
    await pageA.keyboard.press('Control+Shift+K');
    await expect.poll(() => callState(pageA), { timeout: 10_000 }).toBe('active');
    await expect.poll(() => liveText('call-announce'), { timeout: 5_000 }).toMatch(/^In call with /);

    // Blind transfer: Tab to the target, type the extension, Enter.
    await tabTo('transfer-target');
    await pageA.keyboard.type(accC.user);
    await pageA.keyboard.press('Enter');
    await expect.poll(() => callState(pageC), { timeout: 15_000 }).toBe('ringing');
    // The transfer completes when the target answers (C is another agent, not on trial here).
    await pageC.getByTestId('call-answer').click();
    await expect.poll(() => callState(pageC), { timeout: 10_000 }).toBe('active');
    // Call end: announced, with why.
    await expect.poll(() => liveText('call-announce'), { timeout: 10_000 }).toMatch(/ended: Transferred$/);

    // After-call work: Tab to Ready, Enter; the agent is Available again. No pointer was ever pressed on A's page.
    await expect.poll(() => attr(pageA, 'agent-state', 'data-state'), { timeout: 10_000 }).toBe('acw');
    expect(await attr(pageA, 'agent-state', 'data-on-call')).toBe('false');
    await tabTo('acw-ready');
    await pageA.keyboard.press('Enter');
    await expect.poll(() => attr(pageA, 'agent-state', 'data-state'), { timeout: 10_000 }).toBe('available');
    expect(await pageA.evaluate(() => (window as unknown as { __pointerPresses: number }).__pointerPresses)).toBe(0);

    // The transferred customer talks to C; C ends the call.
    await pageC.getByTestId('call-hangup').click();
    await expect.poll(() => callState(pageB), { timeout: 10_000 }).toMatch(/ended|none/);
  }, 180_000);
});
