import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  callQuality as quality,
  callState,
  clickTestId as click,
  inboundGrowth,
  startE2eAgent,
  type E2eAgent,
} from '../support/e2e-agent';
import { labAccount } from '../support/lab-env';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';

// Two agents in Chromium with real WebRTC through Kamailio + rtpengine. Agent A reaches Kamailio through a TCP relay
// the test cuts for 5 s mid-call (the WebSocket dies, as on a proxy restart); agent B is connected directly. The
// media path (browser ↔ rtpengine) is untouched, so audio must keep flowing both ways while A's phone reconnects.
const lab = inject('lab');
const a = labAccount(lab, 4);
const b = labAccount(lab, 5);

let proxy: TcpProxy;
let agentA: E2eAgent;
let agentB: E2eAgent;

const registration = (p: Page) =>
  p.evaluate(() => document.querySelector('[data-testid=registration-state]')?.getAttribute('data-state'));

async function callUp(): Promise<void> {
  await agentB.page.getByTestId('dial-input').fill(a.user);
  await agentB.page.getByTestId('dial-input').press('Enter');
  await expect.poll(() => callState(agentA.page), { timeout: 10_000 }).toBe('ringing');
  await click(agentA.page, 'call-answer');
  await expect.poll(() => callState(agentB.page), { timeout: 10_000 }).toBe('active');
  for (const p of [agentA.page, agentB.page])
    await expect.poll(async () => (await quality(p)).inLevel, { timeout: 15_000 }).toBeGreaterThan(0.01);
}

beforeAll(async () => {
  proxy = await startTcpProxy({ host: lab.host, port: lab.wsPort });
  const settings = { 'acw.durationSec': 0 };
  agentA = await startE2eAgent({ server: proxy.wsUrl, account: a, toneHz: 440, settings });
  agentB = await startE2eAgent({ server: lab.ws, account: b, toneHz: 660, settings });
}, 60_000);
afterAll(async () => {
  await agentA?.dispose();
  await agentB?.dispose();
  await proxy?.close();
});

describe('a call through a signalling outage, in Chromium', () => {
  it('audio flows both ways through a 5 s outage; the agent is told; the far end’s hang-up arrives after it', async () => {
    await callUp();
    await proxy.cut();
    await expect.poll(() => registration(agentA.page), { timeout: 5000 }).toBe('reconnecting');
    await agentA.page.getByTestId('signalling-banner').waitFor({ timeout: 5000 });
    // During the outage (most of its 5 s): both sides keep receiving audio.
    const [growthA, growthB] = await Promise.all([inboundGrowth(agentA.page, 3500), inboundGrowth(agentB.page, 3500)]);
    console.log(`during the outage: inbound bytes in 3.5 s at A ${growthA}, at B ${growthB}`);
    expect(growthA).toBeGreaterThan(5000);
    expect(growthB).toBeGreaterThan(5000);
    expect(await callState(agentA.page)).toBe('active');
    await agentA.page.waitForTimeout(1500);
    await proxy.restore();
    await expect.poll(() => registration(agentA.page), { timeout: 10_000 }).toBe('registered');
    expect(await agentA.page.getByTestId('signalling-banner').count()).toBe(0);
    // The far end hangs up after the outage: its BYE reaches A over the new connection.
    await agentB.page.waitForTimeout(1000);
    await click(agentB.page, 'call-hangup');
    await expect.poll(() => callState(agentA.page), { timeout: 10_000 }).toMatch(/ended|none/);
  });

  it('a hang-up during the outage ends the call for the agent at once and reaches the far end on reconnect', async () => {
    await callUp();
    await proxy.cut();
    await expect.poll(() => registration(agentA.page), { timeout: 5000 }).toBe('reconnecting');
    await click(agentA.page, 'call-hangup');
    await expect.poll(() => callState(agentA.page), { timeout: 5000 }).toMatch(/ended|none/);
    expect(await callState(agentB.page)).toBe('active');
    await proxy.restore();
    await expect.poll(() => callState(agentB.page), { timeout: 10_000 }).toMatch(/ended|none/);
  });
});
