import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  headerValues,
  responseTo,
  startHostileSipServer,
  type HostileSipServer,
} from '../../support/hostile-sip-server';

const register = [
  'REGISTER sip:127.0.0.1 SIP/2.0',
  'Via: SIP/2.0/WS abc.invalid;branch=z9hG4bK111',
  'Max-Forwards: 70',
  'To: <sip:1001@127.0.0.1>',
  'From: <sip:1001@127.0.0.1>;tag=aaa',
  'Call-ID: reg-1',
  'CSeq: 7 REGISTER',
  'Contact: <sip:k3j2@abc.invalid;transport=ws>',
  'Expires: 600',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

/** A WebSocket that speaks SIP to the server as an agent's transport does, collecting what the server sends. */
async function sipClient(url: string): Promise<{ ws: WebSocket; got: string[]; next(): Promise<string> }> {
  const ws = new WebSocket(url, 'sip');
  const got: string[] = [];
  const waiting: Array<(m: string) => void> = [];
  ws.on('message', (d) => {
    const m = d.toString();
    const w = waiting.shift();
    if (w) w(m);
    else got.push(m);
  });
  await new Promise((r) => ws.once('open', r));
  return {
    ws,
    got,
    next: () => (got.length ? Promise.resolve(got.shift()!) : new Promise((r) => waiting.push(r))),
  };
}

describe('hostile SIP server (test support)', () => {
  let server: HostileSipServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('reads headers by full and compact name, in order', () => {
    const raw = 'MESSAGE sip:a@b SIP/2.0\r\nVia: one\r\nv: two\r\ni: cid\r\n\r\nVia: body, not a header';
    expect(headerValues(raw, 'via')).toEqual(['one', 'two']);
    expect(headerValues(raw, 'Call-ID')).toEqual(['cid']);
    expect(headerValues(raw, 'cseq')).toEqual([]);
  });

  it('answers as a registrar would: echoes the transaction, adds a To tag, grants the Contact its expiry', () => {
    const r = responseTo(register, 200, 'OK')!;
    expect(r.startsWith('SIP/2.0 200 OK\r\n')).toBe(true);
    expect(headerValues(r, 'via')).toEqual(['SIP/2.0/WS abc.invalid;branch=z9hG4bK111']);
    expect(headerValues(r, 'to')[0]).toMatch(/^<sip:1001@127\.0\.0\.1>;tag=[0-9a-f]+$/);
    expect(headerValues(r, 'cseq')).toEqual(['7 REGISTER']);
    expect(headerValues(r, 'contact')).toEqual(['<sip:k3j2@abc.invalid;transport=ws>;expires=600']);
    expect(responseTo(register.replace(/Call-ID: reg-1\r\n/, ''), 200, 'OK')).toBeUndefined();
  });

  it('registers the agent, then delivers whatever the drill sends on its socket', async () => {
    server = await startHostileSipServer();
    const c = await sipClient(server.url);
    expect(c.ws.protocol).toBe('sip');
    c.ws.send(register);
    expect(await c.next()).toMatch(/^SIP\/2\.0 200 OK\r\n/);
    expect(server.registers).toBe(1);
    expect(server.contact).toBe('sip:k3j2@abc.invalid;transport=ws');
    expect(server.send(Buffer.from([0xff, 0x00, 0x80]), { binary: true })).toBe(true);
    expect([...Buffer.from(await c.next(), 'latin1')].length).toBeGreaterThan(0);
    c.ws.close();
    await new Promise((r) => c.ws.once('close', r));
    await new Promise((r) => setTimeout(r, 50));
    expect(server.connected()).toBe(false);
    expect(server.send('OPTIONS')).toBe(false);
  });

  it('gives up on a call it offered: CANCEL on 180 (To without the tag), ACK on a refusal', async () => {
    server = await startHostileSipServer();
    const c = await sipClient(server.url);
    c.ws.send(register);
    await c.next();
    const invite = [
      `INVITE ${server.contact} SIP/2.0`,
      'Via: SIP/2.0/WS 127.0.0.1;branch=z9hG4bKinv1',
      'From: <sip:caller@127.0.0.1>;tag=f1',
      `To: <${server.contact}>`,
      'Call-ID: hostile-1',
      'CSeq: 5 INVITE',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    server.send(invite);
    const received = await c.next();
    const ringing = responseTo(received, 180, 'Ringing')!;
    c.ws.send(ringing);
    const cancel = await c.next();
    expect(cancel.startsWith(`CANCEL ${server.contact} SIP/2.0\r\n`)).toBe(true);
    expect(headerValues(cancel, 'via')).toEqual(['SIP/2.0/WS 127.0.0.1;branch=z9hG4bKinv1']);
    expect(headerValues(cancel, 'to')).toEqual([`<${server.contact}>`]);
    expect(headerValues(cancel, 'cseq')).toEqual(['5 CANCEL']);
    c.ws.send(responseTo(received, 487, 'Request Terminated')!.replace(/;tag=\w+/, ';tag=t9'));
    const ack = await c.next();
    expect(ack.startsWith(`ACK ${server.contact} SIP/2.0\r\n`)).toBe(true);
    expect(headerValues(ack, 'cseq')).toEqual(['5 ACK']);
    expect(server.seen.map((s) => s.status)).toEqual([180, 487]);
  });

  it('places a good call: ACKs the 200 and hangs up with a BYE the agent answers', async () => {
    server = await startHostileSipServer();
    const c = await sipClient(server.url);
    c.ws.send(register);
    await c.next();
    const outcome = server.goodCall({ timeoutMs: 2000 });
    const invite = await c.next();
    expect(headerValues(invite, 'from')[0]).toMatch(/^"Good Caller" <sip:good-caller@127\.0\.0\.1>/);
    expect(headerValues(invite, 'content-type')).toEqual(['application/sdp']);
    c.ws.send(responseTo(invite, 200, 'OK', ['Contact: <sip:k3j2@abc.invalid;transport=ws>'])!);
    const ack = await c.next();
    expect(ack.startsWith('ACK sip:k3j2@abc.invalid;transport=ws SIP/2.0')).toBe(true);
    const bye = await c.next();
    expect(headerValues(bye, 'cseq')).toEqual(['2 BYE']);
    c.ws.send(responseTo(bye, 200, 'OK')!);
    expect(await outcome).toEqual({ answered: true, ended: true, status: 200 });
  });

  it('reports a good call the agent refused', async () => {
    server = await startHostileSipServer();
    const c = await sipClient(server.url);
    c.ws.send(register);
    await c.next();
    const outcome = server.goodCall({ timeoutMs: 2000 });
    const invite = await c.next();
    c.ws.send(responseTo(invite, 486, 'Busy Here')!);
    expect(await outcome).toEqual({ answered: false, ended: false, status: 486 });
  });
});
