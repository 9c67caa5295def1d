import { createSocket, type Socket } from 'node:dgram';

export interface RtpPacket {
  pt: number;
  seq: number;
  timestamp: number;
  marker: boolean;
  payload: Buffer;
  at: number;
}
export interface TelephoneEvent {
  event: number;
  end: boolean;
  volume: number;
  duration: number;
}

/** RFC 3550 fixed header (CSRCs and a header extension skipped); undefined when it is not RTP version 2. */
export function parseRtp(buf: Buffer, at = 0): RtpPacket | undefined {
  if (buf.length < 12 || buf[0]! >> 6 !== 2) return undefined;
  const cc = buf[0]! & 0x0f;
  let offset = 12 + 4 * cc;
  if (buf[0]! & 0x10) {
    if (buf.length < offset + 4) return undefined;
    offset += 4 + 4 * buf.readUInt16BE(offset + 2);
  }
  let end = buf.length;
  if (buf[0]! & 0x20) end -= buf[buf.length - 1]!;
  if (offset > end) return undefined;
  return {
    pt: buf[1]! & 0x7f,
    marker: Boolean(buf[1]! & 0x80),
    seq: buf.readUInt16BE(2),
    timestamp: buf.readUInt32BE(4),
    payload: buf.subarray(offset, end),
    at,
  };
}

/** RFC 4733 §2.3 named-event payload. */
export function parseTelephoneEvent(payload: Buffer): TelephoneEvent | undefined {
  if (payload.length < 4) return undefined;
  return {
    event: payload[0]!,
    end: Boolean(payload[1]! & 0x80),
    volume: payload[1]! & 0x3f,
    duration: payload.readUInt16BE(2),
  };
}

const DIGITS = '0123456789*#ABCD';

/**
 * Key presses carried by telephone-event packets of payload type `pt`, in order: one per event (RFC 4733 sends
 * each event as several packets sharing one RTP timestamp, the last ones with the End bit; only ended ones count).
 */
export function decodeDigits(packets: readonly RtpPacket[], pt: number): string {
  const seen = new Map<number, string>();
  for (const p of packets) {
    if (p.pt !== pt) continue;
    const e = parseTelephoneEvent(p.payload);
    if (!e?.end || e.event > 15 || seen.has(p.timestamp)) continue;
    seen.set(p.timestamp, DIGITS[e.event]!);
  }
  return [...seen.values()].join('');
}

/** G.711 μ-law of one 16-bit linear sample (ITU-T G.711: bias 0x84, 8 segments, inverted). */
export function muLaw(sample: number): number {
  const sign = sample < 0 ? 0x80 : 0;
  const magnitude = Math.min(32635, Math.abs(Math.round(sample))) + 0x84;
  let exponent = 7;
  while (exponent > 0 && !(magnitude & (0x4000 >> (7 - exponent)))) exponent--;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/**
 * A plain-RTP endpoint for tests: a UDP socket on loopback that keeps every RTP packet it receives, and can talk
 * back (a PCMU tone) to where the packets come from — rtpengine's port for this call leg.
 */
export class RtpListener {
  readonly packets: RtpPacket[] = [];
  private source: { address: string; port: number } | undefined;
  private constructor(
    private readonly socket: Socket,
    readonly port: number,
  ) {
    socket.on('message', (m, from) => {
      const p = parseRtp(m, Date.now());
      if (!p) return;
      this.packets.push(p);
      this.source = { address: from.address, port: from.port };
    });
  }

  /**
   * Sends a `hz` tone as PCMU (payload type 0, 20 ms packets, half scale) to the sender of the packets received so
   * far, until the returned function is called. Nothing is sent before a packet has arrived.
   */
  talk(hz = 500): () => void {
    const ssrc = Math.floor(Math.random() * 2 ** 32);
    let seq = Math.floor(Math.random() * 65536);
    let timestamp = Math.floor(Math.random() * 2 ** 32);
    let phase = 0;
    const timer = setInterval(() => {
      if (!this.source) return;
      const packet = Buffer.alloc(12 + 160);
      packet[0] = 0x80;
      packet[1] = 0;
      packet.writeUInt16BE(seq, 2);
      packet.writeUInt32BE(timestamp >>> 0, 4);
      packet.writeUInt32BE(ssrc, 8);
      for (let i = 0; i < 160; i++, phase++)
        packet[12 + i] = muLaw(16_000 * Math.sin((2 * Math.PI * hz * phase) / 8000));
      seq = (seq + 1) & 0xffff;
      timestamp = (timestamp + 160) % 2 ** 32;
      this.socket.send(packet, this.source.port, this.source.address);
    }, 20);
    return () => clearInterval(timer);
  }

  static open(): Promise<RtpListener> {
    return new Promise((resolve, reject) => {
      const s = createSocket('udp4');
      s.once('error', reject);
      s.bind(0, '127.0.0.1', () => resolve(new RtpListener(s, s.address().port)));
    });
  }

  count(pt?: number): number {
    return pt === undefined ? this.packets.length : this.packets.filter((p) => p.pt === pt).length;
  }
  close(): void {
    this.socket.close();
  }
}

/** The payload type an SDP gives to telephone-event/8000, if any. */
export function telephoneEventPt(sdp: string): number | undefined {
  const m = /a=rtpmap:(\d+) telephone-event\/8000/i.exec(sdp);
  return m ? Number(m[1]) : undefined;
}
