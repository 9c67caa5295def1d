import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { toneWav } from '../support/audio-files';
import { labAccount } from '../support/lab-env';
import {
  attr,
  callState,
  click,
  connect,
  countAppearances,
  inboundLevel,
  openPage,
  present,
  senderEnabled,
  startAgent,
  stopAgent,
  type Agent,
} from '../support/mute-agents';
import { clipSet } from '../support/voice-clips';

// A mute agents can trust, end to end: two Diadema agents (browser host + Chromium, real WebRTC through Kamailio
// and rtpengine); agent A's microphone is a generated clip, agent B is the far end whose inbound level is what
// the customer would hear.
const lab = inject('lab');
const accA = labAccount(lab, 4);
const accB = labAccount(lab, 5);
const clips = Object.fromEntries(clipSet(12).map((c) => [c.name, c]));

let agentA: Agent;
let agentB: Agent;
let pageB: Page;

const poll = async (fn: () => Promise<string>, want: string) => {
  await expect.poll(fn, { timeout: 15_000 }).toBe(want);
};
const hangUp = async (a: Page) => {
  await click(a, 'call-hangup');
  await expect.poll(() => callState(a), { timeout: 10_000 }).toMatch(/ended|none/);
  await expect.poll(() => callState(pageB), { timeout: 10_000 }).toMatch(/ended|none/);
};
/** The far end hears A: its inbound level rises above silence. */
const farEndHears = async () => {
  await expect.poll(() => inboundLevel(pageB), { timeout: 15_000 }).toBeGreaterThan(0.01);
};
const farEndSilent = async () => {
  await expect.poll(() => inboundLevel(pageB), { timeout: 10_000 }).toBeLessThan(0.001);
};

beforeAll(async () => {
  agentA = await startAgent(accA, lab.ws, {
    'mute.longMuteSec': 5,
    'mute.reminderEverySec': 5,
    'mute.warningSound': true,
  });
  agentB = await startAgent(accB, lab.ws);
  pageB = await openPage(agentB, toneWav(660));
}, 60_000);
afterAll(async () => {
  await stopAgent(agentA);
  await stopAgent(agentB);
});
// A test that fails mid-call must not leave the call up for the next one.
afterEach(async () => {
  const a = agentA?.page?.page;
  if (a && !/ended|none/.test(await callState(a).catch(() => 'none'))) await hangUp(a).catch(() => undefined);
});

describe('talking while muted (fake microphone from generated clips)', () => {
  for (const name of ['speech-en', 'speech-es-mx']) {
    it(`warns a muted agent who speaks (${name})`, async () => {
      const a = await openPage(agentA, clips[name]!.file);
      await connect(a, pageB, accB.user, poll);
      await farEndHears();
      await click(a, 'mute-toggle');
      await expect.poll(() => attr(a, 'mute-indicator', 'data-muted'), { timeout: 5_000 }).toBe('true');
      await expect.poll(() => present(a, 'mute-warning-talking'), { timeout: 8_000 }).toBe(true);
      // The warning is in the agent's language and offers unmute; unmuting clears it and the far end hears again.
      const text = await a.evaluate(
        () => document.querySelector('[data-testid=mute-warning-talking]')?.textContent ?? '',
      );
      expect(text).toMatch(/muted|silenciad/i);
      expect(await a.evaluate(() => document.title)).toMatch(/^\[/);
      await click(a, 'mute-warning-unmute');
      await expect.poll(() => present(a, 'mute-warning-talking'), { timeout: 5_000 }).toBe(false);
      await farEndHears();
      await hangUp(a);
    });
  }

  for (const name of ['silence', 'typing', 'pink-noise']) {
    it(`does not warn a muted agent who is ${name === 'typing' ? 'typing' : `silent (${name})`}`, async () => {
      const a = await openPage(agentA, clips[name]!.file);
      await connect(a, pageB, accB.user, poll);
      await click(a, 'mute-toggle');
      const seen = await countAppearances(a, 'mute-warning-talking');
      // The check really runs: the core has judged the renderer's reports (verification ok) and the analysis
      // path is up (no analysis-failed notice), while 5 s of this sound play into the microphone.
      await expect.poll(() => attr(a, 'mute-indicator', 'data-verification'), { timeout: 8_000 }).toBe('ok');
      await a.waitForTimeout(5000);
      expect(await seen()).toBe(0);
      expect(await present(a, 'mute-analysis-failed')).toBe(false);
      await hangUp(a);
    });
  }
});

describe('one verified mute state', () => {
  it("mute from the screen silences the far end; a track re-enabled behind the core's back is found and corrected; a reload keeps mute", async () => {
    const a = await openPage(agentA, toneWav(440));
    await connect(a, pageB, accB.user, poll);
    await farEndHears();
    await click(a, 'mute-toggle');
    await farEndSilent();
    expect(await senderEnabled(a)).toBe(false);

    // Forced mismatch: something re-enables the sender track without telling the core.
    const corrected = await countAppearances(a, 'mute-corrected');
    await a.evaluate(() => {
      const pcs = (window as unknown as { __diademaTest: { pcs: RTCPeerConnection[] } }).__diademaTest.pcs;
      for (const pc of pcs) for (const s of pc.getSenders()) if (s.track) s.track.enabled = true;
    });
    await expect.poll(() => corrected(), { timeout: 8_000 }).toBeGreaterThan(0);
    expect(await attr(a, 'mute-corrected', 'data-kind')).toBe('track-enabled-while-muted');
    await expect.poll(() => senderEnabled(a), { timeout: 5_000 }).toBe(false);
    expect(await attr(a, 'mute-indicator', 'data-muted')).toBe('true');
    await farEndSilent();

    // The renderer is replaced mid-call: the new page learns the state before it negotiates; still muted.
    await a.reload();
    await expect.poll(() => callState(a), { timeout: 10_000 }).toBe('active');
    await expect.poll(() => senderEnabled(a), { timeout: 15_000 }).toBe(false);
    expect(await attr(a, 'mute-indicator', 'data-muted')).toBe('true');
    for (let i = 0; i < 6; i++) {
      expect(await inboundLevel(pageB)).toBeLessThan(0.001);
      await a.waitForTimeout(400);
    }

    // Hold and resume keep the mute; unmute brings the voice back.
    await click(a, 'call-hold');
    await poll(() => callState(a), 'held');
    await click(a, 'call-resume');
    await poll(() => callState(a), 'active');
    expect(await attr(a, 'mute-indicator', 'data-muted')).toBe('true');
    expect(await senderEnabled(a)).toBe(false);
    await click(a, 'mute-toggle');
    await farEndHears();
    // The call ends muted; the next one starts in the configured state (unmuted) and the far end hears it.
    await click(a, 'mute-toggle');
    await farEndSilent();
    await hangUp(a);
    await expect.poll(() => attr(a, 'mute-indicator', 'data-muted'), { timeout: 5_000 }).toBe('false');
    await connect(a, pageB, accB.user, poll);
    await expect.poll(() => attr(a, 'mute-indicator', 'data-muted'), { timeout: 5_000 }).toBe('false');
    await farEndHears();
    await hangUp(a);
  });

  it('reminds a long-muted agent at the configured time, escalating, and offers hold instead', async () => {
    const a = await openPage(agentA, clips.silence!.file);
    await connect(a, pageB, accB.user, poll);
    await click(a, 'mute-toggle');
    await expect.poll(() => attr(a, 'mute-warning-long', 'data-level'), { timeout: 10_000 }).toBe('1');
    expect(await attr(a, 'mute-warning-long', 'data-elapsed')).toBe('5');
    await expect.poll(() => attr(a, 'mute-warning-long', 'data-level'), { timeout: 10_000 }).toBe('2');
    expect(await attr(a, 'mute-warning-long', 'data-elapsed')).toBe('10');
    await click(a, 'mute-hold-instead');
    await poll(() => callState(a), 'held');
    await expect.poll(() => attr(a, 'mute-indicator', 'data-muted'), { timeout: 5_000 }).toBe('false');
    expect(await present(a, 'mute-warning-long')).toBe(false);
    await hangUp(a);
  });
});

describe('bad input', () => {
  it('an analysis path that cannot start, and a microphone that disappears while muted: the agent is told, mute stays', async () => {
    let a = await openPage(agentA, clips['speech-en']!.file, { failRawAnalysis: true });
    await connect(a, pageB, accB.user, poll);
    await click(a, 'mute-toggle');
    await expect.poll(() => attr(a, 'mute-analysis-failed', 'data-reason'), { timeout: 8_000 }).toBe('error');
    // The failure shows as soon as the page loads; the mute click is a separate round trip to the core.
    await expect.poll(() => attr(a, 'mute-indicator', 'data-muted'), { timeout: 5_000 }).toBe('true');
    await farEndSilent();
    await hangUp(a);

    a = await openPage(agentA, clips['speech-en']!.file);
    await connect(a, pageB, accB.user, poll);
    await click(a, 'mute-toggle');
    await expect.poll(() => present(a, 'mute-warning-talking'), { timeout: 8_000 }).toBe(true);
    // The analysis microphone goes away as an unplugged device does (its track ends).
    await a.evaluate(() => {
      for (const { stream, raw } of (
        window as unknown as { __diademaTest: { streams: Array<{ stream: MediaStream; raw: boolean }> } }
      ).__diademaTest.streams) {
        if (raw)
          for (const t of stream.getAudioTracks()) {
            t.stop();
            t.dispatchEvent(new Event('ended'));
          }
      }
    });
    await expect.poll(() => attr(a, 'mute-analysis-failed', 'data-reason'), { timeout: 8_000 }).toBe('microphone-lost');
    await expect.poll(() => present(a, 'mute-warning-talking'), { timeout: 5_000 }).toBe(false);
    expect(await attr(a, 'mute-indicator', 'data-muted')).toBe('true');
    await farEndSilent();
    await hangUp(a);
  });
});

describe('call-start policy', () => {
  it('every call starts muted when the setting says so, even after one that ended unmuted', async () => {
    await stopAgent(agentA);
    agentA = await startAgent(accA, lab.ws, { 'mute.onCallStart': 'muted' });
    const a = await openPage(agentA, toneWav(440));
    for (let i = 0; i < 2; i++) {
      await connect(a, pageB, accB.user, poll);
      await expect.poll(() => attr(a, 'mute-indicator', 'data-source'), { timeout: 5_000 }).toBe('call-start');
      expect(await attr(a, 'mute-indicator', 'data-muted')).toBe('true');
      for (let k = 0; k < 4; k++) {
        expect(await inboundLevel(pageB)).toBeLessThan(0.001);
        await a.waitForTimeout(500);
      }
      await click(a, 'mute-toggle');
      await farEndHears();
      await hangUp(a);
    }
  });
});
