import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  callQuality as quality,
  callState,
  clickTestId as click,
  inboundGrowth,
  startE2eAgent,
  type E2eAgent,
} from '../support/e2e-agent';
import { labAccount } from '../support/lab-env';
import { startOwnChromiumAgent, type OwnChromiumAgent } from '../support/own-chromium-agent';

// Two agents in a call with real WebRTC through Kamailio + rtpengine. Agent A's browser host runs its own headless
// Chromium, as `npm run start:browser` does; mid-call A's renderer dies (its processes killed, or a renderer crash
// through DevTools). Nobody but the host reloads the page: the host sees the crash over its DevTools pipe and reloads
// the tab, the page reconnects with its session, the core re-INVITEs the call so the new page negotiates fresh
// media. Agent B (the far end) counts the SDP offers it receives, so the re-INVITE is seen where it lands.
const lab = inject('lab');
const a = labAccount(lab, 4);
const b = labAccount(lab, 5);

// Observation only: the far end's remote offers (the first INVITE's and every re-INVITE's).
const countOffers = `(() => {
  window.__offers = 0;
  const native = RTCPeerConnection.prototype.setRemoteDescription;
  RTCPeerConnection.prototype.setRemoteDescription = function (d, ...rest) {
    if (d && d.type === 'offer') window.__offers++;
    return native.call(this, d, ...rest);
  };
})();`;
const offers = (p: Page) => p.evaluate(() => (window as unknown as { __offers: number }).__offers);

let agentA: OwnChromiumAgent;
/** What agent A's host has logged so far: each test's crash must add exactly one of each. */
const hostLog = { crashes: 0, renegotiations: 0 };
let agentB: E2eAgent;

beforeAll(async () => {
  const settings = { 'acw.durationSec': 0 };
  agentA = await startOwnChromiumAgent({ server: lab.ws, account: a, toneHz: 440, settings });
  agentB = await startE2eAgent({ server: lab.ws, account: b, toneHz: 660, settings, initScript: countOffers });
}, 60_000);
afterEach(async () => {
  // A test that failed half-way may have left Playwright holding the crashed page.
  await agentA.reattach();
  if (!/ended|none/.test(await callState(agentB.page))) await click(agentB.page, 'call-hangup');
  await expect.poll(() => callState(agentB.page), { timeout: 10_000 }).toMatch(/ended|none/);
});
afterAll(async () => {
  await agentA?.dispose();
  await agentB?.dispose();
});

async function callUp(): Promise<void> {
  await agentB.page.getByTestId('dial-input').fill(a.user);
  await agentB.page.getByTestId('dial-input').press('Enter');
  await expect.poll(() => callState(agentA.page), { timeout: 10_000 }).toBe('ringing');
  await click(agentA.page, 'call-answer');
  await expect.poll(() => callState(agentB.page), { timeout: 10_000 }).toBe('active');
  for (const p of [agentA.page, agentB.page])
    await expect.poll(async () => (await quality(p)).inLevel, { timeout: 15_000 }).toBeGreaterThan(0.01);
}

/** After the crash: the host reloaded the page by itself, the call is up at both ends and audio flows both ways. */
async function recovered(offersBefore: number): Promise<void> {
  const lines = (text: string) => agentA.host.stderr().split(text).length - 1;
  await expect.poll(() => lines('the page crashed: reloading it'), { timeout: 10_000 }).toBe(hostLog.crashes + 1);
  await expect.poll(() => lines('the page reloaded after its crash'), { timeout: 10_000 }).toBe(hostLog.crashes + 1);
  // The reloaded page has connected and attached as the media host (Playwright is attached only then).
  await expect
    .poll(() => lines('renegotiating media after renderer change'), { timeout: 10_000 })
    .toBe(hostLog.renegotiations + 1);
  hostLog.crashes++;
  hostLog.renegotiations++;
  const pa = await agentA.reattach();
  await pa.locator('[data-testid=registration-state][data-state=registered]').waitFor({ timeout: 10_000 });
  await expect.poll(() => callState(pa), { timeout: 10_000 }).toBe('active');
  expect(await callState(agentB.page)).toBe('active');
  // The core's re-INVITE reached the far end (a new offer there), and media flows both ways again.
  await expect.poll(() => offers(agentB.page), { timeout: 10_000 }).toBe(offersBefore + 1);
  await expect.poll(() => inboundGrowth(pa, 1500), { timeout: 20_000 }).toBeGreaterThan(1000);
  await expect.poll(() => inboundGrowth(agentB.page, 1500), { timeout: 20_000 }).toBeGreaterThan(1000);
  await expect.poll(async () => (await quality(agentB.page)).inLevel, { timeout: 10_000 }).toBeGreaterThan(0.01);
  await expect.poll(async () => (await quality(pa)).inLevel, { timeout: 10_000 }).toBeGreaterThan(0.01);
}

describe('a call through a renderer crash, with the host’s own Chromium', () => {
  it('the renderer processes are killed mid-call: the host reloads the page, the call is re-negotiated, audio returns both ways', async () => {
    await callUp();
    const before = await offers(agentB.page);
    const pids = agentA.rendererPids();
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    await recovered(before);
    // The far end's hang-up ends the call at A, over the same signalling as before.
    await click(agentB.page, 'call-hangup');
    await expect.poll(() => callState(agentA.page), { timeout: 10_000 }).toMatch(/ended|none/);
  });

  it('the renderer crashes (DevTools Page.crash) mid-call: the same recovery', async () => {
    await callUp();
    const before = await offers(agentB.page);
    const session = await agentA.page.context().newCDPSession(agentA.page);
    // The renderer dies before it can answer: the command's own result never comes.
    void session.send('Page.crash').catch(() => undefined);
    await recovered(before);
    await click(agentA.page, 'call-hangup');
    await expect.poll(() => callState(agentB.page), { timeout: 10_000 }).toMatch(/ended|none/);
  });
});
