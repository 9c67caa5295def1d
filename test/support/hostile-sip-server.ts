import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** One SIP message the agent sent, reduced to what a drill counts. */
export interface SeenMessage {
  /** `REGISTER`, `BYE`… for a request; undefined for a response. */
  method?: string;
  /** The status of a response; undefined for a request. */
  status?: number;
  /** The CSeq method (what a response answers). */
  cseqMethod?: string;
  callId?: string;
}

const compact: Record<string, string> = {
  v: 'via',
  f: 'from',
  t: 'to',
  i: 'call-id',
  m: 'contact',
  l: 'content-length',
  c: 'content-type',
};

/** The values of one header (full or compact name) in a raw SIP message, in order; folded lines are not expected. */
export function headerValues(raw: string, name: string): string[] {
  const want = name.toLowerCase();
  const head = raw.split(/\r\n\r\n/, 1)[0]!;
  const out: string[] = [];
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const n = line.slice(0, colon).trim().toLowerCase();
    if ((compact[n] ?? n) === want) out.push(line.slice(colon + 1).trim());
  }
  return out;
}

const token = () => randomBytes(6).toString('hex');

/**
 * The response a registrar gives: the request's Via, From, Call-ID and CSeq echoed, a To tag added, and for a
 * REGISTER each Contact with the expiry it asked for (or 300 s). Undefined when the request lacks what a response
 * needs.
 */
export function responseTo(request: string, status: number, reason: string, extra: string[] = []): string | undefined {
  const via = headerValues(request, 'via');
  const [from] = headerValues(request, 'from');
  const [to] = headerValues(request, 'to');
  const [callId] = headerValues(request, 'call-id');
  const [cseq] = headerValues(request, 'cseq');
  if (!via.length || !from || !to || !callId || !cseq) return undefined;
  const lines = [
    `SIP/2.0 ${status} ${reason}`,
    ...via.map((v) => `Via: ${v}`),
    `From: ${from}`,
    `To: ${/;\s*tag=/i.test(to) ? to : `${to};tag=${token()}`}`,
    `Call-ID: ${callId}`,
    `CSeq: ${cseq}`,
  ];
  if (/^REGISTER /.test(request) && status === 200) {
    const expires = headerValues(request, 'expires')[0] ?? '300';
    for (const c of headerValues(request, 'contact'))
      lines.push(`Contact: ${/;\s*expires=/i.test(c) ? c : `${c};expires=${expires}`}`);
  }
  lines.push(...extra, 'Content-Length: 0', '', '');
  return lines.join('\r\n');
}

/** What a good call through the hostile server came to. */
export interface GoodCallOutcome {
  /** The agent answered (200 to the INVITE) and the ACK was sent. */
  answered: boolean;
  /** The agent answered the server's BYE with 200. */
  ended: boolean;
  /** Final status to the INVITE, if any. */
  status?: number;
}

export interface HostileSipServer {
  /** `ws://127.0.0.1:<port>`: the agent's account server. */
  readonly url: string;
  /** REGISTERs answered with 200 so far (each connection registers again). */
  readonly registers: number;
  /** WebSocket connections the agent opened so far. */
  readonly connections: number;
  /** Everything the agent sent that was not a REGISTER. */
  readonly seen: readonly SeenMessage[];
  /** The agent's Contact URI from its latest REGISTER (where requests to it go). */
  readonly contact: string | undefined;
  /** Whether the agent's WebSocket is open now. */
  connected(): boolean;
  /** Sends bytes to the agent over its open WebSocket: text frames unless `binary`. False when none is open. */
  send(data: string | Buffer, o?: { binary?: boolean }): boolean;
  /**
   * Places a well-formed call to the agent (caller `good-caller`), waits for its final answer, ACKs it and, when
   * it was answered, hangs it up with a BYE and waits for the 200. For checking that the agent still takes calls.
   */
  goodCall(o?: { timeoutMs?: number }): Promise<GoodCallOutcome>;
  close(): Promise<void>;
}

/** A plain audio offer, with no media behind it (`id`: its session id and version; by default from the clock). */
export function plainSdp(id = Date.now() % 1_000_000): string {
  return [
    'v=0',
    `o=- ${id} ${id} IN IP4 127.0.0.1`,
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    'm=audio 40000 RTP/AVP 0 101',
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=sendrecv',
    '',
  ].join('\r\n');
}

/**
 * A SIP-over-WebSocket server (RFC 7118, subprotocol `sip`) for hostile-input drills: it accepts an agent's
 * REGISTER at once (no digest) and then lets the drill write anything at all onto the agent's own WebSocket. It
 * answers the agent's other requests as a lenient proxy would (200, or nothing for an ACK) so that the agent's
 * transactions finish, and records what the agent sent (its refusals are the drill's "coded errors").
 */
export async function startHostileSipServer(): Promise<HostileSipServer> {
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    handleProtocols: (protocols) => (protocols.has('sip') ? 'sip' : false),
  });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  const port = (wss.address() as AddressInfo).port;
  let current: WebSocket | undefined;
  let registers = 0;
  let connections = 0;
  let contact: string | undefined;
  const seen: SeenMessage[] = [];
  const waiters = new Set<(raw: string) => void>();

  // The Request-URI of each INVITE the drill sent, by Call-ID: what a CANCEL or ACK for it is addressed to.
  const invites = new Map<string, string>();
  const remember = (data: string | Buffer) => {
    const text = typeof data === 'string' ? data : data.toString('latin1');
    const uri = /^INVITE (\S+) SIP\/2\.0\r\n/.exec(text)?.[1];
    const [callId] = headerValues(text, 'call-id');
    if (uri && callId) {
      invites.set(callId, uri);
      // Bounded: a drill sends thousands, and only the latest few are still ringing.
      if (invites.size > 500) invites.delete(invites.keys().next().value!);
    }
  };
  /**
   * The drill's caller gives up on every call it offered: CANCEL while ringing, ACK a refusal, ACK and BYE an
   * answer. Otherwise the agent would pile up ringing calls and its transactions would wait for ACKs.
   */
  const giveUp = (ws: WebSocket, response: string, status: number) => {
    const callId = headerValues(response, 'call-id')[0]!;
    const uri = invites.get(callId);
    const [via] = headerValues(response, 'via');
    const [from] = headerValues(response, 'from');
    const [to] = headerValues(response, 'to');
    const seq = /^(\d+)/.exec(headerValues(response, 'cseq')[0] ?? '')?.[1];
    if (!uri || !via || !from || !to || !seq || status === 100) return;
    const msg = (method: string, ruri: string, viaValue: string, toValue: string, n: string) =>
      [
        `${method} ${ruri} SIP/2.0`,
        `Via: ${viaValue}`,
        'Max-Forwards: 70',
        `From: ${from}`,
        `To: ${toValue}`,
        `Call-ID: ${callId}`,
        `CSeq: ${n} ${method}`,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
    if (ws.readyState !== ws.OPEN) return;
    if (status < 200) {
      if (status !== 180 && status !== 183) return;
      ws.send(msg('CANCEL', uri, via, to.replace(/;\s*tag=[^;]*/i, ''), seq));
    } else if (status >= 300) ws.send(msg('ACK', uri, via, to, seq));
    else {
      invites.delete(callId);
      const target = /<([^>]+)>/.exec(headerValues(response, 'contact')[0] ?? '')?.[1] ?? uri;
      ws.send(msg('ACK', target, `SIP/2.0/WS 127.0.0.1;branch=z9hG4bK${token()}`, to, seq));
      ws.send(msg('BYE', target, `SIP/2.0/WS 127.0.0.1;branch=z9hG4bK${token()}`, to, String(Number(seq) + 1)));
    }
  };

  const reply = (ws: WebSocket, raw: string) => {
    const first = raw.slice(0, raw.indexOf('\r\n'));
    const request = /^([A-Z]+) \S+ SIP\/2\.0$/.exec(first);
    const [callId] = headerValues(raw, 'call-id');
    const [cseq] = headerValues(raw, 'cseq');
    const cseqMethod = cseq?.split(/\s+/)[1];
    if (request?.[1] === 'REGISTER') {
      registers++;
      contact = /<([^>]+)>/.exec(headerValues(raw, 'contact')[0] ?? '')?.[1] ?? contact;
      const response = responseTo(raw, 200, 'OK');
      if (response) ws.send(response);
      return;
    }
    const status = /^SIP\/2\.0 (\d{3}) /.exec(first)?.[1];
    seen.push({
      ...(request ? { method: request[1] } : {}),
      ...(status ? { status: Number(status) } : {}),
      ...(cseqMethod ? { cseqMethod } : {}),
      ...(callId ? { callId } : {}),
    });
    for (const w of waiters) w(raw);
    if (status && cseqMethod === 'INVITE' && callId && !callId.startsWith('good-')) giveUp(ws, raw, Number(status));
    if (request && request[1] !== 'ACK') {
      const response = responseTo(raw, 200, 'OK');
      if (response) ws.send(response);
    }
  };

  wss.on('connection', (ws) => {
    connections++;
    current = ws;
    ws.on('message', (data) => reply(ws, data.toString()));
    ws.on('error', () => undefined);
  });

  const send = (data: string | Buffer, o: { binary?: boolean } = {}) => {
    if (!current || current.readyState !== current.OPEN) return false;
    remember(data);
    current.send(data, { binary: o.binary ?? false });
    return true;
  };

  /** The next message from the agent that `match` accepts, or undefined after `ms`. */
  const next = (match: (raw: string) => boolean, ms: number) =>
    new Promise<string | undefined>((resolve) => {
      const w = (raw: string) => {
        if (!match(raw)) return;
        waiters.delete(w);
        clearTimeout(t);
        resolve(raw);
      };
      const t = setTimeout(() => {
        waiters.delete(w);
        resolve(undefined);
      }, ms);
      waiters.add(w);
    });

  return {
    url: `ws://127.0.0.1:${port}`,
    get registers() {
      return registers;
    },
    get connections() {
      return connections;
    },
    seen,
    get contact() {
      return contact;
    },
    connected: () => current !== undefined && current.readyState === current.OPEN,
    send,
    async goodCall(o = {}) {
      const ms = o.timeoutMs ?? 10_000;
      if (!contact) return { answered: false, ended: false };
      const callId = `good-${token()}`;
      const fromTag = token();
      const branch = `z9hG4bK${token()}`;
      const sdp = plainSdp();
      const common = [
        'Max-Forwards: 70',
        `From: "Good Caller" <sip:good-caller@127.0.0.1>;tag=${fromTag}`,
        `Call-ID: ${callId}`,
        'Contact: <sip:good-caller@127.0.0.1;transport=ws>',
      ];
      const final = next((raw) => /^SIP\/2\.0 [2-6]\d\d /.test(raw) && headerValues(raw, 'call-id')[0] === callId, ms);
      send(
        [
          `INVITE ${contact} SIP/2.0`,
          `Via: SIP/2.0/WS 127.0.0.1;branch=${branch}`,
          ...common,
          `To: <${contact}>`,
          'CSeq: 1 INVITE',
          'Content-Type: application/sdp',
          `Content-Length: ${Buffer.byteLength(sdp)}`,
          '',
          sdp,
        ].join('\r\n'),
      );
      const answer = await final;
      if (!answer) return { answered: false, ended: false };
      const status = Number(/^SIP\/2\.0 (\d{3})/.exec(answer)![1]);
      const [to] = headerValues(answer, 'to');
      // A 2xx is ACKed end to end (new branch, to the agent's Contact); any other final answer on the same branch.
      const target = /<([^>]+)>/.exec(headerValues(answer, 'contact')[0] ?? '')?.[1] ?? contact;
      const ackBranch = status < 300 ? `z9hG4bK${token()}` : branch;
      send(
        [
          `ACK ${status < 300 ? target : contact} SIP/2.0`,
          `Via: SIP/2.0/WS 127.0.0.1;branch=${ackBranch}`,
          ...common,
          `To: ${to}`,
          'CSeq: 1 ACK',
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n'),
      );
      if (status >= 300) return { answered: false, ended: false, status };
      const byeDone = next(
        (raw) =>
          /^SIP\/2\.0 \d{3} /.test(raw) &&
          headerValues(raw, 'call-id')[0] === callId &&
          headerValues(raw, 'cseq')[0]?.endsWith('BYE') === true,
        ms,
      );
      send(
        [
          `BYE ${target} SIP/2.0`,
          `Via: SIP/2.0/WS 127.0.0.1;branch=z9hG4bK${token()}`,
          ...common,
          `To: ${to}`,
          'CSeq: 2 BYE',
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n'),
      );
      const bye = await byeDone;
      return { answered: true, ended: bye !== undefined && /^SIP\/2\.0 200 /.test(bye), status };
    },
    async close() {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}
