import { UserAgent, type Session } from 'sip.js';
import { afterEach, describe, expect, it } from 'vitest';
import { dialogForBye, sendLateBye, type DialogForBye } from '../../../../electron/node/phone/late-bye';
import { CapturingSipTransport } from '../../../support/capturing-sip-transport';

const uri = (s: string) => UserAgent.makeURI(s)!;
// A dialog as a call through the lab leaves it: Kamailio's Record-Route, the far end's contact with its alias.
const dialog: DialogForBye = {
  callId: 'call-7f3a',
  localTag: 'local-tag',
  remoteTag: 'remote-tag',
  localUri: uri('sip:1004@lab.test'),
  remoteUri: uri('sip:1005@lab.test'),
  remoteTarget: uri('sip:x9k2@df7jal23ls0d.invalid;transport=ws;alias=127.0.0.1~41234~5'),
  routeSet: ['<sip:127.0.0.1:5066;transport=ws;lr>'],
  cseq: 9,
};

let ua: UserAgent | undefined;
afterEach(async () => {
  await ua?.stop();
  ua = undefined;
});

async function startedUa(): Promise<{ ua: UserAgent; transport: CapturingSipTransport }> {
  ua = new UserAgent({
    uri: uri('sip:1004@lab.test'),
    transportConstructor: CapturingSipTransport,
    logBuiltinEnabled: false,
  });
  await ua.start();
  return { ua, transport: ua.transport as unknown as CapturingSipTransport };
}

const header = (message: string, name: string) =>
  message.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));

describe('a BYE for a dialog whose user agent is gone', () => {
  it('goes through another user agent in that dialog: target, route set, tags, Call-ID and CSeq', async () => {
    const { ua, transport } = await startedUa();
    const status = sendLateBye(ua, dialog);
    await new Promise((r) => setImmediate(r));
    expect(transport.sent).toHaveLength(1);
    const bye = transport.sent[0]!;
    expect(bye.split('\r\n')[0]).toBe('BYE sip:x9k2@df7jal23ls0d.invalid;transport=ws;alias=127.0.0.1~41234~5 SIP/2.0');
    expect(header(bye, 'Route')).toBe('Route: <sip:127.0.0.1:5066;transport=ws;lr>');
    expect(header(bye, 'Call-ID')).toBe('Call-ID: call-7f3a');
    expect(header(bye, 'From')).toMatch(/<sip:1004@lab\.test>;tag=local-tag$/);
    expect(header(bye, 'To')).toMatch(/<sip:1005@lab\.test>;tag=remote-tag$/);
    expect(header(bye, 'CSeq')).toBe('CSeq: 9 BYE');
    transport.answer(bye, 200, 'OK');
    expect(await status).toBe(200);
  });

  it('resolves the far end’s refusal, and 503 when it cannot be sent', async () => {
    const { ua, transport } = await startedUa();
    const refused = sendLateBye(ua, dialog);
    await new Promise((r) => setImmediate(r));
    transport.answer(transport.sent[0]!, 481, 'Call/Transaction Does Not Exist');
    expect(await refused).toBe(481);
    await transport.disconnect();
    expect(await sendLateBye(ua, dialog)).toBe(503);
  });

  it('is only copied from a confirmed dialog', () => {
    expect(dialogForBye({ dialog: undefined } as unknown as Session)).toBeUndefined();
  });
});
