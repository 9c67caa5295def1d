import { Core, type Invitation } from 'sip.js';
import { describe, expect, it } from 'vitest';
import { CallManager, type CallSettings } from '../../../../electron/node/phone/call-manager';
import { callerIdentity, offerProblem, plainText } from '../../../../electron/node/phone/caller-identity';
import { readScreenPop } from '../../../../electron/node/phone/screen-pop-fields';
import { dialUri } from '../../../../electron/node/phone/dial-target';
import { MediaBridge } from '../../../../electron/node/phone/media-bridge';
import { screenRawRequest } from '../../../../electron/node/phone/raw-request-screen';
import { estimateMos } from '../../../../electron/node/phone/quality';
import { silentLogger } from '../../../../electron/node/log';
import { fakeSdp } from '../../../support/fake-sdp';
import { FakeClock } from '../../../support/fake-clock';

const logger = new Core.LoggerFactory().getLogger('test');
function invite(headers: string[], body = ''): Core.IncomingRequestMessage {
  const raw = [
    'INVITE sip:1001@127.0.0.1 SIP/2.0',
    'Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKnashds7',
    'Max-Forwards: 70',
    'To: <sip:1001@127.0.0.1>',
    'Call-ID: a84b4c76e66710',
    'CSeq: 314159 INVITE',
    'Contact: <sip:x@df7jal23ls0d.invalid;transport=ws>',
    ...headers,
    ...(body ? ['Content-Type: application/sdp'] : []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
  const msg = Core.Parser.parseMessage(raw, logger);
  if (!msg || !(msg instanceof Core.IncomingRequestMessage)) throw new Error('test INVITE did not parse');
  return msg;
}

describe('caller identity from hostile input', () => {
  it('takes the network-asserted identity over From', () => {
    const req = invite([
      'From: "Spoofed" <sip:666@evil>;tag=1',
      'P-Asserted-Identity: "Ana Pérez" <sip:+5215512345678@carrier>',
    ]);
    expect(callerIdentity(req)).toEqual({ name: 'Ana Pérez', number: '+5215512345678' });
  });
  it('keeps markup as text and strips control and bidi characters', () => {
    const req = invite([
      'From: "<script>alert(1)</script>\u202e" <sip:5550100@127.0.0.1>;tag=1',
      'X-Account-Id: 4815\u0000<b>1623</b>',
    ]);
    expect(callerIdentity(req)).toEqual({ name: '<script>alert(1)</script>', number: '5550100' });
    expect(readScreenPop(req, [{ header: 'X-Account-Id' }, { header: 'X-IVR-Path' }])).toEqual([
      { header: 'X-Account-Id', value: '4815 <b>1623</b>' },
    ]);
  });
  it('caps length', () => {
    expect(plainText('x'.repeat(10_000), 128)).toHaveLength(128);
  });
});

describe('offers', () => {
  it('accepts an audio offer with a codec we have', () => {
    expect(offerProblem(fakeSdp())).toBeUndefined();
    expect(offerProblem('v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\n')).toBeUndefined();
  });
  it('names what is wrong with the others', () => {
    expect(offerProblem(undefined)).toBe('no-sdp');
    expect(offerProblem('v=0\r\nm=video 9 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\n')).toBe('no-audio');
    expect(
      offerProblem('v=0\r\nm=audio 9 RTP/AVP 18 101\r\na=rtpmap:18 G729/8000\r\na=rtpmap:101 telephone-event/8000\r\n'),
    ).toBe('no-codec');
    expect(offerProblem('v=0\r\nm=audio 0 RTP/AVP 0\r\n')).toBe('no-audio');
  });
});

describe('incoming INVITE handling', () => {
  const settings: CallSettings = {
    'calls.rejectCode': 486,
    'calls.autoAnswer': false,
    'calls.autoAnswerDelaySec': 0,
    'calls.dtmfMethod': 'rfc4733',
    'calls.supervisorExtension': '',
    'calls.screenPopHeaders': ['X-Account-Id'],
    'calls.screenPop': [],
    'calls.maxRingSec': 180,
    'calls.prepareWhileRinging': true,
    'mute.onCallStart': 'unmuted',
  };
  function fakeInvitation(req: Core.IncomingRequestMessage) {
    const rejected: number[] = [];
    const inv = {
      request: req,
      body: req.body,
      rejected,
      reject: async (o: { statusCode: number }) => {
        rejected.push(o.statusCode);
      },
      progress: async () => undefined,
      delegate: undefined,
      stateChange: { addListener: () => undefined },
    };
    return inv;
  }
  const manager = (
    gate?: () => { offer: true } | { offer: false; sipCode: 480 | 486 | 603 },
    clock = new FakeClock(),
  ) =>
    new CallManager({
      log: silentLogger,
      bridge: new MediaBridge(silentLogger),
      userAgent: () => undefined,
      domain: () => '127.0.0.1',
      settings: () => settings,
      clock,
      ...(gate ? { gate } : {}),
    });

  it('refuses an INVITE without SDP or with no usable codec with 488, without disturbing the agent', () => {
    const m = manager();
    const noSdp = fakeInvitation(invite(['From: <sip:1@x>;tag=1']));
    m.onInvite(noSdp as unknown as Invitation);
    const g729 = fakeInvitation(
      invite(['From: <sip:1@x>;tag=1'], 'v=0\r\nm=audio 4000 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n'),
    );
    m.onInvite(g729 as unknown as Invitation);
    expect(noSdp.rejected).toEqual([488]);
    expect(g729.rejected).toEqual([488]);
    expect(m.snapshot().calls).toEqual([]);
  });

  it('stops a call still ringing after calls.maxRingSec with 480 and says why; not a moment before', async () => {
    const clock = new FakeClock();
    const m = manager(undefined, clock);
    const inv = fakeInvitation(invite(['From: "Ana" <sip:2002@x>;tag=1'], fakeSdp()));
    m.onInvite(inv as unknown as Invitation);
    expect(clock.pending()).toEqual([180_000]);
    clock.skip(179_999);
    expect(inv.rejected).toEqual([]);
    expect(m.snapshot().calls[0]?.endReason).toBeUndefined();
    expect(await clock.fireNext()).toBe(1);
    expect(inv.rejected).toEqual([480]);
    expect(m.snapshot().calls[0]?.endReason).toBe('unanswered');
    expect(clock.pending()).toEqual([]); // once
  });

  it('presents a good INVITE as ringing', () => {
    const m = manager();
    m.onInvite(
      fakeInvitation(
        invite(['From: "Ana" <sip:2002@x>;tag=1', 'X-Account-Id: 99'], fakeSdp()),
      ) as unknown as Invitation,
    );
    expect(m.snapshot().calls).toMatchObject([
      {
        state: 'ringing',
        remote: { name: 'Ana', number: '2002' },
        screenPop: [{ header: 'X-Account-Id', value: '99' }],
      },
    ]);
  });

  it('rejects with the agent-state code while the agent is not ready', () => {
    const m = manager(() => ({ offer: false, sipCode: 480 }));
    const notices: string[] = [];
    m.onNotice((n) => notices.push(n.code));
    const inv = fakeInvitation(invite(['From: <sip:1@x>;tag=1'], fakeSdp()));
    m.onInvite(inv as unknown as Invitation);
    expect(inv.rejected).toEqual([480]);
    expect(notices).toEqual(['call-rejected-not-ready']);
    expect(m.snapshot().calls).toEqual([]);
  });
});

describe('dial targets', () => {
  it('accepts numbers, extensions and SIP addresses', () => {
    expect(dialUri(' +52 (55) 1234-5678 ', 'pbx.example')).toBe('sip:+525512345678@pbx.example');
    expect(dialUri('1002', 'pbx.example')).toBe('sip:1002@pbx.example');
    expect(dialUri('*72#', 'pbx.example')).toBe('sip:*72#@pbx.example');
    expect(dialUri('sip:ana@other.example', 'pbx.example')).toBe('sip:ana@other.example');
    expect(dialUri('supervisor', 'pbx.example')).toBe('sip:supervisor@pbx.example');
  });
  it('refuses the rest', () => {
    for (const bad of ['', '   ', '12 34 abc!', '<script>', 'a'.repeat(200), 'sip:@x', "1'; DROP TABLE"])
      expect(dialUri(bad, 'pbx.example')).toBeUndefined();
  });
});

describe('E-model MOS estimate', () => {
  it('ranks a clean call above a lossy, jittery, distant one, within 1..4.5', () => {
    const clean = estimateMos({ jitterMs: 2, lossPct: 0, rttMs: 20 });
    const bad = estimateMos({ jitterMs: 60, lossPct: 8, rttMs: 400 });
    expect(clean).toBeGreaterThan(4.2);
    expect(bad).toBeLessThan(3);
    expect(estimateMos({ jitterMs: NaN, lossPct: -5, rttMs: Infinity })).toBeGreaterThanOrEqual(1);
  });
});

describe('requests screened before SIP.js (malformed, unsupported Require)', () => {
  const raw = (headers: string[], method = 'INVITE') =>
    [
      `${method} sip:1001@127.0.0.1 SIP/2.0`,
      'Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKnashds7',
      'v: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bKfirst',
      'Max-Forwards: 70',
      'From: "Ana" <sip:2002@x>;tag=a1',
      'To: <sip:1001@127.0.0.1>',
      'Call-ID: a84b4c76e66710',
      `CSeq: 314159 ${method}`,
      ...headers,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
  const supported = ['outbound', 'replaces'];
  const good = 'Contact: <sip:x@df7jal23ls0d.invalid;transport=ws>';

  it('answers an unparsable request with 400, copying every Via, From, To (tagged), Call-ID and CSeq', () => {
    const r = screenRawRequest(raw(['Contact: <sip:x@df7jal23ls0d.invalid;transport=ws']), supported, logger);
    expect(r?.status).toBe(400);
    const lines = r!.response.split('\r\n');
    expect(lines[0]).toBe('SIP/2.0 400 Bad Request');
    expect(lines.filter((l) => l.startsWith('Via: '))).toEqual([
      'Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKnashds7',
      'Via: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bKfirst',
    ]);
    expect(lines).toContain('Call-ID: a84b4c76e66710');
    expect(lines).toContain('CSeq: 314159 INVITE');
    expect(lines.find((l) => l.startsWith('To: '))).toMatch(/^To: <sip:1001@127\.0\.0\.1>;tag=[0-9a-f]{12}$/);
    // The response itself parses as SIP.
    expect(Core.Parser.parseMessage(r!.response, logger)).toBeInstanceOf(Core.IncomingResponseMessage);
  });

  it('refuses an INVITE that requires an unknown extension with 420 naming it, and lets known ones through', () => {
    const r = screenRawRequest(raw([good, 'Require: replaces, no-such-ext', 'Require: <b>x</b>']), supported, logger);
    expect(r?.status).toBe(420);
    expect(r!.response).toMatch(/^SIP\/2\.0 420 Bad Extension\r\n/);
    expect(r!.response).toContain('\r\nUnsupported: no-such-ext, bxb\r\n');
    expect(screenRawRequest(raw([good, 'Require: Replaces']), supported, logger)).toBeUndefined();
  });

  it('delivers good requests, responses, ACKs and requests too broken to answer', () => {
    expect(screenRawRequest(raw([good]), supported, logger)).toBeUndefined();
    expect(screenRawRequest(raw(['Contact: <sip:broken'], 'ACK'), supported, logger)).toBeUndefined();
    expect(screenRawRequest('SIP/2.0 200 OK\r\nVia: x\r\n\r\n', supported, logger)).toBeUndefined();
    expect(
      screenRawRequest('INVITE sip:1001@x SIP/2.0\r\nContact: <sip:broken\r\n\r\n', supported, logger),
    ).toBeUndefined();
    // A Require on a request inside a dialog (re-INVITE) or on another method is SIP.js's business.
    expect(screenRawRequest(raw([good, 'Require: no-such-ext'], 'OPTIONS'), supported, logger)).toBeUndefined();
  });
});
