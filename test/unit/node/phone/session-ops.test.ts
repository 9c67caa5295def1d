import type { Session } from 'sip.js';
import { describe, expect, it } from 'vitest';
import { autoAnswerDelaySec } from '../../../../electron/node/phone/auto-answer';
import { refer, reinvite } from '../../../../electron/node/phone/session-ops';
import { FakeClock } from '../../../support/fake-clock';

type Answer = { status: number; retryAfter?: boolean };
/** A session whose re-INVITEs get the given answers in turn. */
function session(answers: Answer[]) {
  let sent = 0;
  const s = {
    invite: async (o: { requestDelegate: { onAccept(): void; onReject(r: unknown): void } }) => {
      const a = answers[sent++] ?? { status: 200 };
      if (a.status === 200) o.requestDelegate.onAccept();
      else
        o.requestDelegate.onReject({
          message: { statusCode: a.status, hasHeader: (h: string) => h === 'Retry-After' && Boolean(a.retryAfter) },
        });
    },
  };
  return { s: s as unknown as Session, sent: () => sent };
}

describe('re-INVITE', () => {
  it('retries after glare (491) and after 500 with Retry-After, waiting on the injected clock', async () => {
    const clock = new FakeClock();
    const { s, sent } = session([{ status: 491 }, { status: 500, retryAfter: true }, { status: 200 }]);
    const status = reinvite(s, { clock, random: () => 0.5 });
    await new Promise((r) => setImmediate(r));
    expect(sent()).toBe(1);
    expect(await clock.fireNext()).toBe(450);
    expect(await clock.fireNext()).toBe(450);
    expect(await status).toBe(200);
    expect(sent()).toBe(3);
  });

  it('gives up after two retries and does not retry a plain refusal', async () => {
    const clock = new FakeClock();
    const glare = session([{ status: 491 }, { status: 491 }, { status: 491 }, { status: 200 }]);
    const p = reinvite(glare.s, { clock, random: () => 0 });
    await new Promise((r) => setImmediate(r));
    await clock.fireNext();
    await clock.fireNext();
    expect(await p).toBe(491);
    expect(glare.sent()).toBe(3);
    const refused = session([{ status: 488 }]);
    expect(await reinvite(refused.s, { clock })).toBe(488);
    expect(clock.pending()).toEqual([]);
  });
});

describe('REFER', () => {
  it('reports the target answering and the target failing from the NOTIFY sipfrag', async () => {
    let notify: ((n: unknown) => void) | undefined;
    const s = {
      refer: async (_t: unknown, o: { requestDelegate: { onAccept(): void }; onNotify(n: unknown): void }) => {
        notify = o.onNotify;
        o.requestDelegate.onAccept();
      },
    } as unknown as Session;
    const seen: string[] = [];
    await refer(s, {} as never, {
      failed: (d) => seen.push(`failed:${d}`),
      targetAnswered: () => seen.push('answered'),
    });
    const n = (body: string) => notify?.({ accept: async () => undefined, request: { body } });
    n('SIP/2.0 100 Trying\r\n');
    n('SIP/2.0 486 Busy Here\r\n');
    n('SIP/2.0 200 OK\r\n');
    expect(seen).toEqual(['failed:SIP/2.0 486 Busy Here', 'answered']);
  });
});

describe('auto-answer', () => {
  const off = { 'calls.autoAnswer': false, 'calls.autoAnswerDelaySec': 3 } as const;
  it("follows the caller's answer-after, capped at 60 s, else the settings", () => {
    expect(autoAnswerDelaySec('<sip:x>;answer-after=5', off)).toBe(5);
    expect(autoAnswerDelaySec('<sip:x>;Answer-After = 999', off)).toBe(60);
    expect(autoAnswerDelaySec(undefined, off)).toBeUndefined();
    expect(autoAnswerDelaySec('<sip:x>;purpose=info', { ...off, 'calls.autoAnswer': true })).toBe(3);
  });
});
