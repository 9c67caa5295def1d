import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import {
  decodeDigits,
  muLaw,
  parseRtp,
  RtpListener,
  telephoneEventPt,
  type RtpPacket,
} from '../../support/rtp-listener';

// The RFC 4733 end-to-end test trusts this decoder: it must read real packet layouts and refuse what is not a key press.
function rtp(o: {
  pt: number;
  seq: number;
  ts: number;
  payload: Buffer;
  csrc?: number;
  ext?: boolean;
  pad?: number;
}): Buffer {
  const cc = o.csrc ?? 0;
  const head = Buffer.alloc(12 + 4 * cc);
  head[0] = 0x80 | (o.ext ? 0x10 : 0) | (o.pad ? 0x20 : 0) | cc;
  head[1] = o.pt;
  head.writeUInt16BE(o.seq, 2);
  head.writeUInt32BE(o.ts, 4);
  head.writeUInt32BE(0x1234, 8);
  const ext = o.ext ? Buffer.from([0xbe, 0xde, 0, 1, 1, 2, 3, 4]) : Buffer.alloc(0);
  const pad = o.pad ? Buffer.concat([Buffer.alloc(o.pad - 1), Buffer.from([o.pad])]) : Buffer.alloc(0);
  return Buffer.concat([head, ext, o.payload, pad]);
}
const event = (code: number, end: boolean, duration: number) =>
  Buffer.from([code, (end ? 0x80 : 0) | 10, duration >> 8, duration & 0xff]);
const packets = (list: Array<[number, number, Buffer]>): RtpPacket[] =>
  list.map(([seq, ts, payload]) => parseRtp(rtp({ pt: 101, seq, ts, payload }))!);

describe('RTP and RFC 4733 decoding for tests', () => {
  it('reads the fixed header past CSRCs, a header extension and padding', () => {
    const p = parseRtp(rtp({ pt: 101, seq: 7, ts: 160, payload: event(5, true, 800), csrc: 2, ext: true, pad: 4 }))!;
    expect(p).toMatchObject({ pt: 101, seq: 7, timestamp: 160 });
    expect([...p.payload]).toEqual([...event(5, true, 800)]);
    expect(parseRtp(Buffer.from([0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))).toBeUndefined();
    expect(parseRtp(Buffer.alloc(5))).toBeUndefined();
  });

  it('one digit per event (timestamp), only once ended, in order, of the negotiated payload type only', () => {
    const list = packets([
      [1, 1000, event(1, false, 160)],
      [2, 1000, event(1, false, 320)],
      [3, 1000, event(1, true, 800)],
      [4, 1000, event(1, true, 800)],
      [5, 2000, event(11, false, 160)],
      [6, 2000, event(11, true, 800)],
      [7, 3000, event(10, false, 160)], // never ended: not a key press
    ]);
    list.push(parseRtp(rtp({ pt: 0, seq: 8, ts: 4000, payload: event(9, true, 800) }))!);
    expect(decodeDigits(list, 101)).toBe('1#');
    expect(decodeDigits(list, 96)).toBe('');
  });

  it('takes the telephone-event payload type from an SDP', () => {
    expect(
      telephoneEventPt('m=audio 4000 RTP/AVP 0 126\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:126 telephone-event/8000\r\n'),
    ).toBe(126);
    expect(telephoneEventPt('m=audio 4000 RTP/AVP 0\r\n')).toBeUndefined();
  });

  it('keeps what arrives on its UDP port', async () => {
    const listener = await RtpListener.open();
    const s = createSocket('udp4');
    await new Promise<void>((r) =>
      s.send(rtp({ pt: 0, seq: 1, ts: 0, payload: Buffer.alloc(160) }), listener.port, '127.0.0.1', () => r()),
    );
    await new Promise<void>((r) => s.send(Buffer.from('not rtp'), listener.port, '127.0.0.1', () => r()));
    await expect.poll(() => listener.count(0)).toBe(1);
    expect(listener.count()).toBe(1);
    s.close();
    listener.close();
  });
});

/** G.711 μ-law back to linear (the decoder side), to check the encoder's round trip. */
function linear(u: number): number {
  const v = ~u & 0xff;
  const magnitude = ((((v & 0x0f) << 3) + 0x84) << ((v & 0x70) >> 4)) - 0x84;
  return v & 0x80 ? -magnitude : magnitude;
}

describe('talking back (PCMU)', () => {
  it('encodes μ-law: silence, full scale and a round trip within the segment step', () => {
    expect(muLaw(0)).toBe(0xff);
    expect(muLaw(32767)).toBe(0x80);
    expect(muLaw(-32768)).toBe(0x00);
    for (const x of [-20000, -1000, -37, 5, 100, 1234, 16000, 30000]) {
      const back = linear(muLaw(x));
      expect(Math.sign(back) === Math.sign(x) || Math.abs(x) < 8).toBe(true);
      expect(Math.abs(back - x)).toBeLessThanOrEqual(Math.max(8, Math.abs(x) / 16));
    }
  });

  it('sends 20 ms PCMU packets of a tone to where the received RTP came from, and stops', async () => {
    const listener = await RtpListener.open();
    const peer = createSocket('udp4');
    await new Promise<void>((r) => peer.bind(0, '127.0.0.1', () => r()));
    const got: RtpPacket[] = [];
    peer.on('message', (m) => {
      const p = parseRtp(m);
      if (p) got.push(p);
    });
    const stop = listener.talk(1000);
    await new Promise((r) => setTimeout(r, 100));
    expect(got).toEqual([]); // nowhere to talk to before a packet arrived
    peer.send(rtp({ pt: 0, seq: 1, ts: 0, payload: Buffer.alloc(160) }), listener.port, '127.0.0.1');
    await expect.poll(() => got.length, { timeout: 2000 }).toBeGreaterThanOrEqual(3);
    stop();
    const n = got.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(got.length).toBeLessThanOrEqual(n + 1);
    expect(got.every((p) => p.pt === 0 && p.payload.length === 160)).toBe(true);
    expect(got[1]!.seq).toBe((got[0]!.seq + 1) & 0xffff);
    expect((got[1]!.timestamp - got[0]!.timestamp + 2 ** 32) % 2 ** 32).toBe(160);
    // A 1 kHz tone at half scale: loud, and it crosses zero.
    const samples = [...got[0]!.payload].map(linear);
    expect(Math.max(...samples)).toBeGreaterThan(12_000);
    expect(Math.min(...samples)).toBeLessThan(-12_000);
    peer.close();
    listener.close();
  });
});
