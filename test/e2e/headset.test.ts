import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startBrowserHost, type BrowserHost } from '../../electron/browser-host/host-server';
import { silentLogger } from '../../electron/node/log';
import { startAgentCore, type AgentCore } from '../support/agent-core';
import { toneWav } from '../support/audio-files';
import { launchAgentBrowser } from '../support/chromium';
import { FakeHid } from '../support/fake-hid';
import { jabraDescriptor, jabraInfo } from '../support/shared-headsets';
import { labAccount } from '../support/lab-env';
import {
  callState,
  inboundLevel,
  observeMedia,
  openPage,
  startAgent,
  stopAgent,
  type Agent,
} from '../support/mute-agents';

// The headset end to end: agent A's core runs with a real Jabra report descriptor behind a node-hid stand-in
// (no USB in this VM), serves its screen through the real browser host to Chromium with real WebRTC; agent B is
// a second Diadema agent whose inbound audio is what the customer hears. Replayed headset reports answer, mute
// (the far end goes silent, the Mute light comes on), unmute and hang up; the headset check screen shows each press.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const lab = inject('lab');
const accA = labAccount(lab, 1);
const accB = labAccount(lab, 2);
const hidPath = '/dev/hidraw9';

let hid: FakeHid;
let coreA: AgentCore;
let hostA: BrowserHost;
let browserA: Awaited<ReturnType<typeof launchAgentBrowser>>;
let pageA: Page;
let agentB: Agent;
let pageB: Page;

beforeAll(async () => {
  hid = new FakeHid();
  hid.plug(jabraInfo(hidPath), jabraDescriptor());
  coreA = await startAgentCore({ hid, account: { server: lab.ws, user: accA.user, password: accA.password } });
  coreA.media.detach(); // Chromium hosts A's media, not the Node stand-in.
  hostA = await startBrowserHost({
    core: coreA.core,
    rendererDir: path.join(root, 'dist', 'renderer'),
    log: silentLogger,
  });
  browserA = await launchAgentBrowser({ audioFile: toneWav(440) });
  pageA = await browserA.context.newPage();
  await pageA.addInitScript({ content: observeMedia });
  await pageA.goto(hostA.url);
  await pageA.locator('[data-testid=registration-state][data-state=registered]').waitFor({ timeout: 15_000 });
  agentB = await startAgent(accB, lab.ws);
  pageB = await openPage(agentB, toneWav(660));
}, 60_000);
afterAll(async () => {
  await stopAgent(agentB);
  await browserA?.dispose();
  await hostA?.close();
  await coreA?.dispose();
});

const handle = () => hid.handles.get(hidPath)!;
const lastWrite = () => handle().writes.at(-1);
const pressed = (p: Page) =>
  p.evaluate(() =>
    [...document.querySelectorAll('[data-testid=headset-events] li')].map((li) => li.getAttribute('data-usage')),
  );
const farEnd = () => inboundLevel(pageB);

describe('headset buttons and lights with real calls and real audio', () => {
  it('rings, answers from the hook button, mutes from the headset (far end silent, Mute lit), unmutes, hangs up', async () => {
    await expect
      .poll(() => pageA.evaluate(() => document.querySelector('[data-testid=headset-name]')?.textContent ?? ''), {
        timeout: 10_000,
      })
      .toContain('Jabra EVOLVE LINK MS');
    await pageB.getByTestId('dial-input').fill(accA.user);
    await pageB.getByTestId('dial-input').press('Enter');
    await expect.poll(() => callState(pageA), { timeout: 15_000 }).toBe('ringing');
    await expect.poll(lastWrite, { timeout: 5000 }).toBe('022400'); // Ring + Ringer

    handle().send('020100'); // hook switch: off-hook
    await expect.poll(() => callState(pageA), { timeout: 15_000 }).toBe('active');
    await expect.poll(() => callState(pageB), { timeout: 15_000 }).toBe('active');
    await expect.poll(lastWrite, { timeout: 5000 }).toBe('020100'); // Off-Hook, Ring cleared
    await expect.poll(farEnd, { timeout: 15_000 }).toBeGreaterThan(0.01);

    handle().send('020500');
    handle().send('020100'); // mute pulse
    await expect
      .poll(
        () => pageA.evaluate(() => document.querySelector('[data-testid=mute-indicator]')?.getAttribute('data-muted')),
        { timeout: 5000 },
      )
      .toBe('true');
    expect(
      await pageA.evaluate(() => document.querySelector('[data-testid=mute-indicator]')?.getAttribute('data-source')),
    ).toBe('headset');
    await expect.poll(lastWrite, { timeout: 5000 }).toBe('021300'); // Off-Hook + Mute + Microphone
    await expect.poll(farEnd, { timeout: 10_000 }).toBeLessThan(0.001);

    handle().send('020500');
    handle().send('020100'); // mute pulse again: unmute
    await expect.poll(lastWrite, { timeout: 5000 }).toBe('020100');
    await expect.poll(farEnd, { timeout: 15_000 }).toBeGreaterThan(0.01);

    expect(await pressed(pageA)).toEqual(expect.arrayContaining(['hookSwitch', 'phoneMute']));

    handle().send('020000'); // on-hook: hang up
    await expect.poll(() => callState(pageB), { timeout: 10_000 }).toMatch(/ended|none/);
    await expect.poll(lastWrite, { timeout: 5000 }).toBe('020000');
  });

  it('a mute press while on hook changes nothing and the agent is told', async () => {
    await expect.poll(() => callState(pageA), { timeout: 10_000 }).toMatch(/ended|none/);
    handle().send('020400');
    handle().send('020000');
    await expect
      .poll(() => pageA.evaluate(() => document.querySelector('[data-testid=mute-headset-on-hook]') !== null), {
        timeout: 5000,
      })
      .toBe(true);
    expect(coreA.core.muteState.muted).toBe(false);
    expect(lastWrite()).toBe('020000');
  });
});
