import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  callQuality as quality,
  callState,
  clickTestId as click,
  endCallsOn,
  inboundGrowth,
  startE2eAgent,
  type E2eAgent,
} from '../support/e2e-agent';
import { labAccount } from '../support/lab-env';

// Two Diadema agents, each a browser host plus Chromium with a tone as its microphone, calling each other
// through Kamailio with real WebRTC (DTLS-SRTP over loopback ICE, inside the test run's private namespace).
const lab = inject('lab');
const a = labAccount(lab, 4);
const b = labAccount(lab, 5);

let agentA: E2eAgent;
let agentB: E2eAgent;

beforeAll(async () => {
  // No after-call work between calls here (a time box of 0 turns it off).
  agentA = await startE2eAgent({ server: lab.ws, account: a, toneHz: 440, settings: { 'acw.durationSec': 0 } });
  agentB = await startE2eAgent({ server: lab.ws, account: b, toneHz: 660, settings: { 'acw.durationSec': 0 } });
}, 60_000);
// Each test starts with both agents idle, even when the one before failed half-way through a call.
afterEach(() => endCallsOn([agentA, agentB]));
afterAll(async () => {
  await agentA?.dispose();
  await agentB?.dispose();
});

describe('calls with real audio in Chromium', () => {
  it('audio flows both ways, hold stops it, resume restarts it, a reload keeps the call', async () => {
    await agentA.page.getByTestId('dial-input').fill(b.user);
    await agentA.page.getByTestId('dial-input').press('Enter');
    await expect.poll(() => callState(agentB.page), { timeout: 10_000 }).toBe('ringing');
    await click(agentB.page, 'call-answer');
    await expect.poll(() => callState(agentA.page), { timeout: 10_000 }).toBe('active');

    // Both directions: bytes arrive and the level is clearly above silence on each side.
    for (const p of [agentA.page, agentB.page]) {
      await expect.poll(async () => (await quality(p)).inBytes, { timeout: 15_000 }).toBeGreaterThan(2000);
      await expect.poll(async () => (await quality(p)).inLevel, { timeout: 10_000 }).toBeGreaterThan(0.01);
    }

    await click(agentA.page, 'call-hold');
    await expect.poll(() => callState(agentA.page), { timeout: 10_000 }).toBe('held');
    // Held: B hears nothing from A, and B stops sending to A. The figures reach the page once a second through the
    // core, so a window that starts on a figure taken before the hold can still count the last packets: wait for a
    // quiet window rather than judging the first one.
    await expect.poll(async () => (await quality(agentB.page)).inLevel, { timeout: 10_000 }).toBeLessThan(0.001);
    await expect.poll(() => inboundGrowth(agentA.page), { timeout: 15_000 }).toBeLessThan(500);

    await click(agentA.page, 'call-resume');
    await expect.poll(() => callState(agentA.page), { timeout: 10_000 }).toBe('active');
    await expect.poll(async () => (await quality(agentB.page)).inLevel, { timeout: 10_000 }).toBeGreaterThan(0.01);
    expect(await inboundGrowth(agentA.page)).toBeGreaterThan(2000);

    // The renderer goes away mid-call: the core keeps the call and re-negotiates media with the new page.
    await agentA.page.reload();
    await expect.poll(() => callState(agentA.page), { timeout: 10_000 }).toBe('active');
    await expect.poll(() => inboundGrowth(agentA.page, 1500), { timeout: 20_000 }).toBeGreaterThan(1000);
    await expect.poll(async () => (await quality(agentB.page)).inLevel, { timeout: 10_000 }).toBeGreaterThan(0.01);

    await click(agentB.page, 'call-hangup');
    await expect.poll(() => callState(agentA.page), { timeout: 10_000 }).toMatch(/ended|none/);
  });

  it('the call hotkeys work from the keyboard: answer, mute (far end silent, source hotkey), hold, hang up', async () => {
    const pa = agentA.page;
    const pb = agentB.page;
    const muteIndicator = (p: Page) =>
      p.evaluate(() => {
        const el = document.querySelector('[data-testid=mute-indicator]');
        return `${el?.getAttribute('data-muted')}/${el?.getAttribute('data-source')}`;
      });
    await pa.getByTestId('dial-input').fill(b.user);
    await pa.getByTestId('dial-input').press('Enter');
    await expect.poll(() => callState(pb), { timeout: 10_000 }).toBe('ringing');
    await pb.locator('body').press('Control+Shift+A');
    await expect.poll(() => callState(pa), { timeout: 10_000 }).toBe('active');
    await expect.poll(async () => (await quality(pb)).inLevel, { timeout: 15_000 }).toBeGreaterThan(0.01);

    await pa.locator('body').press('Control+Shift+M');
    await expect.poll(() => muteIndicator(pa), { timeout: 5_000 }).toBe('true/hotkey');
    await expect.poll(async () => (await quality(pb)).inLevel, { timeout: 10_000 }).toBeLessThan(0.001);
    // With a Ctrl shortcut, the keyboard focus in a text field (the dial box) does not swallow it.
    await pa.getByTestId('dial-input').press('Control+Shift+M');
    await expect.poll(() => muteIndicator(pa), { timeout: 5_000 }).toBe('false/hotkey');
    await expect.poll(async () => (await quality(pb)).inLevel, { timeout: 10_000 }).toBeGreaterThan(0.01);

    await pa.locator('body').press('Control+Shift+K');
    await expect.poll(() => callState(pa), { timeout: 10_000 }).toBe('held');
    await pa.locator('body').press('Control+Shift+K');
    await expect.poll(() => callState(pa), { timeout: 10_000 }).toBe('active');

    await pa.locator('body').press('Control+Shift+H');
    await expect.poll(() => callState(pb), { timeout: 10_000 }).toMatch(/ended|none/);
  });
});
