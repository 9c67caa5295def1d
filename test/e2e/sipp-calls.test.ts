import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { callQuality, callState, clickTestId, startE2eAgent, type E2eAgent } from '../support/e2e-agent';
import { labAccount } from '../support/lab-env';
import { RtpListener } from '../support/rtp-listener';
import { runSipp, sipMessages } from '../support/sipp';

// A plain-RTP caller (SIPp, as an IVR handing over a caller) reaches a WebRTC agent in Chromium through Kamailio
// and rtpengine: the screen pops with what the IVR collected, audio crosses both ways, the caller hangs up, and
// a second call is transferred blind by the agent with SIPp taking the REFER and reporting with NOTIFY.
const lab = inject('lab');
const agentAccount = labAccount(lab, 3);
const caller = labAccount(lab, 6);

let agent: E2eAgent;
let page: Page;

beforeAll(async () => {
  // No after-call work between the calls of this file (a zero time box): each call is offered to the agent.
  agent = await startE2eAgent({ server: lab.ws, account: agentAccount, settings: { 'acw.durationSec': 0 } });
  page = agent.page;
}, 60_000);
afterAll(async () => {
  await agent?.dispose();
});

describe('SIPp callers through rtpengine into a WebRTC agent', () => {
  it("pops the IVR data as text, carries the caller's audio to the agent, and ends when the caller hangs up", async () => {
    const ivrPath = 'menu>2>saldo<b>';
    const sipp = await runSipp({
      lab,
      scenario: 'ivr-caller.xml',
      service: agentAccount.user,
      account: caller,
      pauseMs: 9000,
      keys: { account_id: '4815-1623', ivr_path: ivrPath },
    });
    try {
      await expect.poll(() => callState(page), { timeout: 10_000 }).toBe('ringing');
      const pop = await page.evaluate(() =>
        [...document.querySelectorAll('[data-testid=screen-pop] [data-header]')].map((e) => ({
          header: e.getAttribute('data-header'),
          value: e.querySelector('dd')?.textContent,
          elements: e.querySelector('dd')?.children.length,
        })),
      );
      expect(pop).toEqual([
        { header: 'X-Account-Id', value: '4815-1623', elements: 0 },
        { header: 'X-IVR-Path', value: ivrPath, elements: 0 },
      ]);
      expect(await page.evaluate(() => document.querySelector('[data-testid=call-remote-number]')?.textContent)).toBe(
        caller.user,
      );

      await clickTestId(page, 'call-answer');
      await expect.poll(() => callState(page), { timeout: 10_000 }).toBe('active');
      // SIPp's tone (PCMU through rtpengine, DTLS-SRTP to the browser) arrives and is well above silence.
      await expect.poll(async () => (await callQuality(page)).inBytes, { timeout: 8000 }).toBeGreaterThan(4000);
      await expect.poll(async () => (await callQuality(page)).inLevel, { timeout: 5000 }).toBeGreaterThan(0.01);
      expect((await callQuality(page)).outBytes).toBeGreaterThan(1000);

      // SIPp hangs up after its pause: the agent's call ends as a remote hang-up.
      await expect.poll(() => callState(page), { timeout: 15_000 }).toMatch(/ended|none/);
      const result = await sipp.done;
      expect(result.code, result.stdout).toBe(0);
      const msgs = sipMessages(result.messages).map((m) => m.start);
      expect(msgs.some((m) => m.startsWith('BYE '))).toBe(true);
      // The agent's audio reached SIPp's RTP socket (plain RTP out of rtpengine).
    } finally {
      sipp.kill();
    }
  });

  it("echoes the agent's audio back from SIPp, then transfers the call blind: SIPp gets the REFER, reports with NOTIFY, and the agent leaves the call", async () => {
    const sipp = await runSipp({
      lab,
      scenario: 'ivr-transferred.xml',
      service: agentAccount.user,
      account: caller,
      echo: true,
      keys: { account_id: '77', ivr_path: 'ventas' },
    });
    try {
      await expect.poll(() => callState(page), { timeout: 10_000 }).toBe('ringing');
      await clickTestId(page, 'call-answer');
      await expect.poll(() => callState(page), { timeout: 10_000 }).toBe('active');
      // SIPp echoes what it receives: the agent hears its own tone back, so the agent's RTP reached SIPp.
      await expect.poll(async () => (await callQuality(page)).inBytes, { timeout: 8000 }).toBeGreaterThan(4000);
      await expect.poll(async () => (await callQuality(page)).inLevel, { timeout: 5000 }).toBeGreaterThan(0.01);
      await page.getByTestId('transfer-target').fill('1900');
      await page.getByTestId('call-transfer').click();
      const result = await sipp.done;
      expect(result.code, result.stdout).toBe(0);
      const msgs = sipMessages(result.messages);
      const refer = msgs.find((m) => m.start.startsWith('REFER '));
      expect(refer?.text).toMatch(/Refer-To:\s*<?sip:1900@/i);
      // Both NOTIFYs were accepted by the agent, then the agent sent BYE.
      const starts = msgs.map((m) => m.start);
      expect(starts.filter((s) => s.startsWith('NOTIFY '))).toHaveLength(2);
      expect(starts.lastIndexOf('SIP/2.0 200 OK')).toBeGreaterThan(starts.findIndex((s) => s.startsWith('NOTIFY ')));
      expect(starts.findIndex((s) => s.startsWith('BYE '))).toBeGreaterThan(
        starts.lastIndexOf(starts.filter((s) => s.startsWith('NOTIFY ')).at(-1)!),
      );
      await expect.poll(() => callState(page), { timeout: 10_000 }).toMatch(/ended|none/);
    } finally {
      sipp.kill();
    }
  });

  it('rings on the chosen ringer and the speakers, and switches the microphone mid-call without a re-INVITE', async () => {
    // Observe (not change) the page: which capture devices are opened and how often a sender's track is replaced.
    await page.evaluate(() => {
      const w = window as unknown as { gum: string[]; replaced: number };
      w.gum = [];
      w.replaced = 0;
      const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
      navigator.mediaDevices.getUserMedia = (c) => {
        w.gum.push(JSON.stringify(c?.audio ?? null));
        return gum(c);
      };
      const replace = RTCRtpSender.prototype.replaceTrack;
      RTCRtpSender.prototype.replaceTrack = function (t) {
        w.replaced++;
        return replace.call(this, t);
      };
    });
    const options = (name: string) =>
      page.evaluate(
        (n) =>
          [...document.querySelector<HTMLSelectElement>(`[data-testid="device-${n}"]`)!.options].map((o) => ({
            value: o.value,
            text: o.textContent ?? '',
          })),
        name,
      );
    const outputs = (await options('ringer')).filter((o) => o.value !== '');
    const inputs = (await options('microphone')).filter((o) => o.value !== '');
    expect(outputs.length, 'Chromium lists fake outputs').toBeGreaterThan(0);
    expect(inputs.length, 'Chromium lists fake inputs').toBeGreaterThan(1);
    await page.getByTestId('view-settings').click();
    await page.getByTestId('device-ringer').selectOption(outputs[0]!.value);
    // A controlled checkbox: it shows the setting once the core has stored it.
    await page.getByTestId('device-ring-on-speakers').click();
    await expect.poll(() => page.getByTestId('device-ring-on-speakers').isChecked(), { timeout: 5000 }).toBe(true);

    const rtp = await RtpListener.open();
    const sipp = await runSipp({
      lab,
      scenario: 'external-rtp-caller.xml',
      service: agentAccount.user,
      account: caller,
      pauseMs: 9000,
      keys: { rtp_port: String(rtp.port) },
    });
    try {
      await expect.poll(() => callState(page), { timeout: 10_000 }).toBe('ringing');
      const ringers = () =>
        page.evaluate(() =>
          [...document.querySelectorAll<HTMLAudioElement & { sinkId: string }>('audio[data-ringer]')].map(
            (a) => a.sinkId,
          ),
        );
      await expect.poll(ringers, { timeout: 5000 }).toEqual([outputs[0]!.value, '']);
      await clickTestId(page, 'call-answer');
      await expect.poll(() => callState(page), { timeout: 10_000 }).toBe('active');
      expect(await ringers()).toEqual([]);
      await expect.poll(() => rtp.count(0), { timeout: 8000 }).toBeGreaterThan(50);

      // Pick another microphone in the middle of the call.
      const other = inputs.at(-1)!;
      await page.getByTestId('view-settings').click();
      await page.getByTestId('device-microphone').selectOption(other.value);
      await expect
        .poll(() => page.evaluate(() => (window as unknown as { replaced: number }).replaced), { timeout: 5000 })
        .toBe(1);
      expect(await page.evaluate(() => (window as unknown as { gum: string[] }).gum)).toContainEqual(
        JSON.stringify({ deviceId: { exact: other.value } }),
      );
      // Audio keeps flowing from the new track to the far end.
      const before = rtp.count(0);
      await expect.poll(() => rtp.count(0) - before, { timeout: 5000 }).toBeGreaterThan(50);

      // The far end saw one INVITE and no re-INVITE (SIPp would also fail the call on an unexpected request).
      const result = await sipp.done;
      expect(result.code, result.stdout).toBe(0);
      expect(
        sipMessages(result.messages).filter(
          (m) =>
            m.start.startsWith('INVITE ') && !m.text.includes('CSeq: 1 INVITE') && !m.text.includes('CSeq: 2 INVITE'),
        ),
      ).toEqual([]);
    } finally {
      sipp.kill();
      rtp.close();
    }
  });
});
