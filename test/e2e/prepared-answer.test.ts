import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  callQuality,
  callState,
  clickTestId as click,
  endCallsOn,
  startE2eAgent,
  type E2eAgent,
} from '../support/e2e-agent';
import { labAccount } from '../support/lab-env';

// Media prepared while a call rings, in Chromium with real WebRTC: what the agent's page holds while the call rings
// (microphone open and silent, remote offer applied, no ICE towards the caller, nothing playing) and that every
// piece of it is released when the call is rejected, cancelled or answered elsewhere. Two browser hosts on the same
// account make Kamailio fork the call.
const lab = inject('lab');
const agentAccount = labAccount(lab, 6);
const callerAccount = labAccount(lab, 5);

/** Observation only: every peer connection and every microphone track the page makes is kept for the test. */
const observeMedia = `(() => {
  const Native = window.RTCPeerConnection;
  const pcs = [];
  window.__pcs = pcs;
  // In order: each local answer the page starts, and each request for a description that reaches it from the core.
  const order = [];
  window.__order = order;
  window.RTCPeerConnection = function (...a) {
    const pc = new Native(...a);
    pcs.push(pc);
    // Armed by a test: Answer is pressed as soon as it shows after this connection is made, while the page is
    // still preparing the call (its microphone opening, the offer not applied yet).
    if (window.__answerOnNextPc) {
      window.__answerOnNextPc = false;
      const press = () => {
        const answer = document.querySelector('[data-testid=call-answer]');
        if (answer) answer.click();
        else setTimeout(press, 1);
      };
      press();
    }
    const createAnswer = pc.createAnswer.bind(pc);
    pc.createAnswer = (...o) => { order.push('createAnswer'); return createAnswer(...o); };
    return pc;
  };
  window.RTCPeerConnection.prototype = Native.prototype;
  Object.setPrototypeOf(window.RTCPeerConnection, Native);
  const NativeWs = window.WebSocket;
  window.WebSocket = function (...a) {
    const ws = new NativeWs(...a);
    ws.addEventListener('message', (e) => {
      if (typeof e.data === 'string' && e.data.includes('"op":"getDescription"')) order.push('getDescription asked');
    });
    return ws;
  };
  window.WebSocket.prototype = NativeWs.prototype;
  Object.setPrototypeOf(window.WebSocket, NativeWs);
  const tracks = [];
  window.__tracks = tracks;
  const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (c) => {
    const s = await gum(c);
    tracks.push(...s.getTracks());
    return s;
  };
})();`;

interface MediaHeld {
  pcs: Array<{ signaling: string; ice: string; gathering: string; senderEnabled: boolean[] }>;
  /** Every live microphone track: the call's and the mute check's analysis path's. */
  liveTracks: number;
  /** Live microphone tracks a peer connection sends from. */
  senderTracks: number;
  openPcs: number;
  playing: number;
}
const mediaHeld = (p: Page): Promise<MediaHeld> =>
  p.evaluate(() => {
    const w = window as unknown as { __pcs: RTCPeerConnection[]; __tracks: MediaStreamTrack[] };
    const open = w.__pcs.filter((pc) => pc.signalingState !== 'closed');
    return {
      pcs: open.map((pc) => ({
        signaling: pc.signalingState,
        ice: pc.iceConnectionState,
        gathering: pc.iceGatheringState,
        senderEnabled: pc.getSenders().map((s) => s.track?.enabled ?? false),
      })),
      liveTracks: w.__tracks.filter((t) => t.readyState === 'live').length,
      senderTracks: open.flatMap((pc) => pc.getSenders()).filter((s) => s.track?.readyState === 'live').length,
      openPcs: open.length,
      playing: [...document.querySelectorAll('audio[data-call-id]')].length,
    };
  });
const released = { liveTracks: 0, senderTracks: 0, openPcs: 0, playing: 0 };

let agent: E2eAgent;
let twin: E2eAgent;
let caller: E2eAgent;

beforeAll(async () => {
  const settings = { 'acw.durationSec': 0 };
  agent = await startE2eAgent({ server: lab.ws, account: agentAccount, settings, initScript: observeMedia });
  caller = await startE2eAgent({ server: lab.ws, account: callerAccount, settings, toneHz: 660 });
}, 60_000);
afterEach(() => endCallsOn([agent, caller, twin]));
afterAll(async () => {
  await twin?.dispose();
  await agent?.dispose();
  await caller?.dispose();
});

async function ringAgent(): Promise<void> {
  await caller.page.getByTestId('dial-input').fill(agentAccount.user);
  await caller.page.getByTestId('dial-input').press('Enter');
  await expect.poll(() => callState(agent.page), { timeout: 10_000 }).toBe('ringing');
  await expect.poll(async () => (await mediaHeld(agent.page)).openPcs, { timeout: 5000 }).toBe(1);
  await expect.poll(async () => (await mediaHeld(agent.page)).senderTracks, { timeout: 5000 }).toBe(1);
}

describe('media prepared while the call rings, in Chromium', () => {
  it('holds the offer and a silent microphone while ringing, starts no ICE, and answering brings audio both ways', async () => {
    await ringAgent();
    // A little ringing time: ICE would have started by now if the answer had been applied.
    await agent.page.waitForTimeout(700);
    const ringing = await mediaHeld(agent.page);
    expect(ringing.pcs).toEqual([
      { signaling: 'have-remote-offer', ice: 'new', gathering: 'new', senderEnabled: [false] },
    ]);

    await agent.page.evaluate(() => (window as unknown as { __order: string[] }).__order.splice(0));
    await click(agent.page, 'call-answer');
    await expect.poll(() => callState(caller.page), { timeout: 10_000 }).toBe('active');
    // The page started the local answer at the click, before the core asked for it, and made it once.
    expect(await agent.page.evaluate(() => (window as unknown as { __order: string[] }).__order)).toEqual([
      'createAnswer',
      'getDescription asked',
    ]);
    for (const p of [agent.page, caller.page]) {
      await expect.poll(async () => (await callQuality(p)).inLevel, { timeout: 10_000 }).toBeGreaterThan(0.01);
    }
    // The prepared connection is the call's: no second one was made at the answer.
    const answered = await mediaHeld(agent.page);
    expect(answered.openPcs).toBe(1);
    expect(answered.pcs[0]).toMatchObject({ signaling: 'stable', senderEnabled: [true] });
    expect(answered.playing).toBe(1);
    await click(caller.page, 'call-hangup');
    await expect.poll(() => mediaHeld(agent.page), { timeout: 10_000 }).toMatchObject(released);
  });

  it('answered the instant it rings, while its media is still being prepared, the call connects with audio both ways', async () => {
    await agent.page.evaluate(() => ((window as unknown as { __answerOnNextPc: boolean }).__answerOnNextPc = true));
    await agent.page.evaluate(() => (window as unknown as { __order: string[] }).__order.splice(0));
    await caller.page.getByTestId('dial-input').fill(agentAccount.user);
    await caller.page.getByTestId('dial-input').press('Enter');
    await expect.poll(() => callState(caller.page), { timeout: 10_000 }).toBe('active');
    for (const p of [agent.page, caller.page]) {
      await expect.poll(async () => (await callQuality(p)).inLevel, { timeout: 10_000 }).toBeGreaterThan(0.01);
    }
    const answered = await mediaHeld(agent.page);
    expect(answered.openPcs).toBe(1);
    expect(answered.pcs[0]).toMatchObject({ signaling: 'stable', senderEnabled: [true] });
    // The answer was made once, when the core asked for it: not started early on a connection without the offer.
    expect(await agent.page.evaluate(() => (window as unknown as { __order: string[] }).__order)).toEqual([
      'getDescription asked',
      'createAnswer',
    ]);
  });

  it('releases all of it when the agent rejects', async () => {
    await ringAgent();
    await click(agent.page, 'call-reject');
    await expect.poll(() => callState(caller.page), { timeout: 10_000 }).toMatch(/ended|none/);
    await expect.poll(() => mediaHeld(agent.page), { timeout: 10_000 }).toMatchObject(released);
  });

  it('releases all of it when the caller gives up', async () => {
    await ringAgent();
    await click(caller.page, 'call-hangup');
    await expect.poll(() => callState(agent.page), { timeout: 10_000 }).toMatch(/ended|none/);
    await expect.poll(() => mediaHeld(agent.page), { timeout: 10_000 }).toMatchObject(released);
  });

  it('releases all of it on the phone that did not answer when the call is answered elsewhere', async () => {
    twin = await startE2eAgent({
      server: lab.ws,
      account: agentAccount,
      settings: { 'acw.durationSec': 0 },
      toneHz: 880,
      initScript: observeMedia,
    });
    await ringAgent();
    await expect.poll(() => callState(twin.page), { timeout: 10_000 }).toBe('ringing');
    await click(twin.page, 'call-answer');
    await expect.poll(() => callState(caller.page), { timeout: 10_000 }).toBe('active');
    await expect.poll(() => callState(agent.page), { timeout: 10_000 }).toMatch(/ended|none/);
    await expect.poll(() => mediaHeld(agent.page), { timeout: 10_000 }).toMatchObject(released);
    // The phone that answered has the call's audio.
    await expect.poll(async () => (await callQuality(twin.page)).inLevel, { timeout: 10_000 }).toBeGreaterThan(0.01);
    await expect.poll(async () => (await callQuality(caller.page)).inLevel, { timeout: 10_000 }).toBeGreaterThan(0.01);
  });
});
