import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { toneWav } from '../support/audio-files';
import { startHostProcess, type HostProcess } from '../support/browser-host-process';
import { launchAgentBrowser } from '../support/chromium';
import { labAccount } from '../support/lab-env';

// Two Diadema agents, each a browser host plus Chromium with a tone as its microphone, calling each other
// through Kamailio with real WebRTC (DTLS-SRTP over loopback ICE, inside the test run's private namespace).
const lab = inject('lab');
const a = labAccount(lab, 4);
const b = labAccount(lab, 5);

interface Agent { host: HostProcess; browser: Awaited<ReturnType<typeof launchAgentBrowser>>; page: Page }
let agentA: Agent;
let agentB: Agent;

async function startAgent(account: { user: string; password: string }, freq: number): Promise<Agent> {
  const host = await startHostProcess({ settings: { 'account.server': lab.ws, 'account.user': account.user, 'account.password': account.password } });
  const browser = await launchAgentBrowser({ audioFile: toneWav(freq) });
  const page = await browser.context.newPage();
  await page.goto(host.url);
  await page.locator('[data-testid=registration-state][data-state=registered]').waitFor({ timeout: 10_000 });
  return { host, browser, page };
}

// DOM reads through evaluate: the call card re-renders every second with fresh stats, and a snapshot read is
// what the assertions need (locator auto-waiting on a constantly replaced node stalled here).
const callState = (p: Page) => p.evaluate(() => document.querySelector('[data-testid=call]')?.getAttribute('data-state') ?? 'none');
const quality = (p: Page) => p.evaluate(() => {
  const q = document.querySelector('[data-testid=call-quality]');
  const n = (a: string) => Number(q?.getAttribute(a) ?? 0);
  return { inBytes: n('data-inbound-bytes'), inLevel: n('data-inbound-level'), outBytes: n('data-outbound-bytes') };
});
const click = (p: Page, testId: string) => p.evaluate((id) => { (document.querySelector(`[data-testid=${id}]`) as HTMLButtonElement | null)?.click(); }, testId);
/** Inbound bytes over a window: media flowing means the count grows. */
async function inboundGrowth(p: Page, ms = 2500): Promise<number> {
  const before = (await quality(p)).inBytes;
  await p.waitForTimeout(ms);
  return (await quality(p)).inBytes - before;
}

beforeAll(async () => {
  agentA = await startAgent(a, 440);
  agentB = await startAgent(b, 660);
}, 60_000);
afterAll(async () => {
  for (const x of [agentA, agentB]) { await x?.browser.dispose(); await x?.host.stop(); }
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
    // Held: B hears nothing from A, and B stops sending to A.
    await expect.poll(async () => (await quality(agentB.page)).inLevel, { timeout: 10_000 }).toBeLessThan(0.001);
    expect(await inboundGrowth(agentA.page)).toBeLessThan(500);

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
});
