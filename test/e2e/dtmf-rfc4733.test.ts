import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { callState, clickTestId, startE2eAgent, type E2eAgent } from '../support/e2e-agent';
import { labAccount } from '../support/lab-env';
import { decodeDigits, RtpListener, telephoneEventPt } from '../support/rtp-listener';
import { runSipp, sipMessages } from '../support/sipp';

// RFC 4733 end to end: the agent in Chromium presses keys on the call's keypad; the digits leave the browser as
// telephone-events (RTCDTMFSender, inside DTLS-SRTP), rtpengine turns the call into plain RTP, and a UDP socket
// in this test, the caller's media address, decodes them.
const lab = inject('lab');
const agentAccount = labAccount(lab, 2);
const caller = labAccount(lab, 6);
let agent: E2eAgent;

beforeAll(async () => {
  agent = await startE2eAgent({
    server: lab.ws,
    account: agentAccount,
    settings: { 'calls.dtmfMethod': 'rfc4733', 'acw.durationSec': 0 },
  });
}, 60_000);
afterAll(async () => {
  await agent?.dispose();
});

describe('DTMF as RFC 4733 telephone-events', () => {
  it('digits pressed by the agent arrive at the plain-RTP far end as telephone-events, in order', async () => {
    const rtp = await RtpListener.open();
    const sipp = await runSipp({
      lab,
      scenario: 'external-rtp-caller.xml',
      service: agentAccount.user,
      account: caller,
      pauseMs: 8000,
      keys: { rtp_port: String(rtp.port) },
    });
    try {
      const { page } = agent;
      await expect.poll(() => callState(page), { timeout: 10_000 }).toBe('ringing');
      await clickTestId(page, 'call-answer');
      await expect.poll(() => callState(page), { timeout: 10_000 }).toBe('active');
      // The payload type the far end was told to expect, from the answer SIPp received (rtpengine's plain-RTP side).
      // The agent shows the call active once its 200 OK is sent; SIPp writes its message log a moment later.
      const findAnswer = () =>
        sipMessages(sipp.messages()).find((m) => m.start.startsWith('SIP/2.0 200') && /m=audio/.test(m.text));
      await expect.poll(findAnswer, { timeout: 5000 }).toBeDefined();
      const answer = findAnswer();
      const pt = telephoneEventPt(answer?.text ?? '');
      expect(pt, answer?.text).toBeDefined();
      // Audio first (the agent's tone as PCMU), so the socket really is the call's media address.
      await expect.poll(() => rtp.count(0), { timeout: 8000 }).toBeGreaterThan(50);
      expect(rtp.count(pt)).toBe(0);
      await clickTestId(page, 'call-keypad');
      for (const key of ['1', '5', '9', '*', '0', '#']) {
        await clickTestId(page, `dtmf-${key}`);
        await page.waitForTimeout(250);
      }
      await expect.poll(() => decodeDigits(rtp.packets, pt!), { timeout: 5000 }).toBe('159*0#');
      const result = await sipp.done;
      expect(result.code, result.stdout).toBe(0);
    } finally {
      sipp.kill();
      rtp.close();
    }
  });
});
