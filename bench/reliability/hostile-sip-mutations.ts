import { plainSdp } from '../../test/support/hostile-sip-server';

/**
 * Mutated SIP messages for the hostile-SIP drill, each built from a well-formed request addressed to the agent
 * and then broken one way. Deterministic for a given random source, so a printed seed repeats a run.
 */
export const mutationKinds = [
  'header-injection',
  'hostile-display-name',
  'oversized-header',
  'bad-utf8',
  'broken-sdp',
  'unknown-require',
  'bad-cseq',
  'missing-call-id',
  'bogus-content-length',
  'huge-body',
  'response-to-nothing',
  'in-dialog-to-nothing',
  'odd-method',
  'junk',
] as const;
export type MutationKind = (typeof mutationKinds)[number];

export interface Mutated {
  kind: MutationKind;
  data: Buffer;
  /** Sent as a binary WebSocket frame (RFC 7118 allows both); text frames must be valid UTF-8 or the socket dies. */
  binary: boolean;
}

/** Bytes that are not UTF-8: a lone continuation byte, an overlong NUL, a surrogate, 0xFF. */
const badBytes = [
  Buffer.from([0x80]),
  Buffer.from([0xc0, 0x80]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xff, 0xfe]),
];
/** Stands for bad bytes in a string until the message is encoded. */
const BAD = '\u0000\u0001BAD\u0001\u0000';

interface Message {
  start: string;
  headers: Array<[string, string]>;
  body: string;
  /** Leave Content-Length as the mutation set it. */
  keepLength?: boolean;
}

/** The offer every mutation starts from: the hostile server's plain one, with a fixed id so a seed repeats it. */
export const sdpOffer = (): string => plainSdp(1);

export function createMutator(o: { random: () => number; contact: () => string }) {
  const int = (n: number) => Math.floor(o.random() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const hex = (n: number) => Array.from({ length: n }, () => '0123456789abcdef'[int(16)]).join('');
  let seq = 0;
  // The kind being built goes into the caller's user part, so a call left behind at the agent tells which one.
  let current: MutationKind = 'junk';

  const base = (method: string, inDialog = false): Message => {
    const callId = `hostile-${++seq}-${hex(8)}`;
    const contact = o.contact();
    const headers: Array<[string, string]> = [
      ['Via', `SIP/2.0/WS 127.0.0.1;branch=z9hG4bK${hex(12)}`],
      ['Max-Forwards', '70'],
      ['From', `"Caller ${seq}" <sip:${current}-${seq}@127.0.0.1>;tag=${hex(8)}`],
      ['To', `<${contact}>${inDialog ? `;tag=${hex(8)}` : ''}`],
      ['Call-ID', callId],
      ['CSeq', `${1 + int(1000)} ${method}`],
      ['Contact', `<sip:caller${seq}@127.0.0.1;transport=ws>`],
    ];
    const body = method === 'INVITE' ? sdpOffer() : method === 'MESSAGE' ? 'hola' : '';
    if (body) headers.push(['Content-Type', method === 'INVITE' ? 'application/sdp' : 'text/plain']);
    return { start: `${method} ${contact} SIP/2.0`, headers, body };
  };
  const anyBase = () =>
    int(10) < 6 ? base('INVITE') : base(pick(['MESSAGE', 'OPTIONS', 'INFO', 'NOTIFY']), int(2) === 0);
  const set = (m: Message, name: string, value: string | undefined) => {
    const i = m.headers.findIndex(([n]) => n.toLowerCase() === name.toLowerCase());
    if (value === undefined) {
      if (i >= 0) m.headers.splice(i, 1);
    } else if (i >= 0) m.headers[i] = [name, value];
    else m.headers.push([name, value]);
  };
  const get = (m: Message, name: string) => m.headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];

  const encode = (m: Message): Buffer => {
    const body = withBadBytes(m.body);
    const headers = m.keepLength
      ? m.headers
      : [...m.headers.filter(([n]) => n !== 'Content-Length'), ['Content-Length', String(body.length)]];
    const head = withBadBytes(`${m.start}\r\n${headers.map(([n, v]) => `${n}: ${v}`).join('\r\n')}\r\n\r\n`);
    return Buffer.concat([head, body]);
  };
  const withBadBytes = (s: string): Buffer => {
    const parts = s.split(BAD);
    const out: Buffer[] = [];
    parts.forEach((p, i) => {
      if (i > 0) out.push(pick(badBytes));
      out.push(Buffer.from(p, 'utf8'));
    });
    return Buffer.concat(out);
  };

  const hostileNames = [
    () => 'a'.repeat(1 + int(20_000)),
    () => 'Eve" <sip:boss@127.0.0.1>;tag=1',
    () => '\\"\\\\\\"',
    () => '<script>alert(1)</script>',
    () => '\u202Egnp.exe',
    () => '🙂'.repeat(1 + int(2000)),
    () => 'nul\u0000byte',
    () => 'a\u0301'.repeat(500),
    () => '%00%0d%0aX-Evil: 1',
    () => '${jndi:ldap://127.0.0.1/a}',
    () => '',
  ];
  const sdps = [
    () => '',
    () => 'garbage',
    () => sdpOffer().slice(0, int(sdpOffer().length)),
    () => sdpOffer().replace('m=audio 40000', 'm=audio 99999999'),
    () => sdpOffer().replace(/m=.*\r\n/, ''),
    () => 'v=1\r\nm=video 1 RTP/AVP 96\r\n',
    () => sdpOffer().replace('RTP/AVP 0 101', 'RTP/AVP'),
    () => sdpOffer() + 'a=x\r\n'.repeat(20_000),
    () => sdpOffer().replace(/\r\n/g, '\n'),
    () => sdpOffer().replace('c=IN IP4 127.0.0.1', `c=IN IP4 ${'9'.repeat(300)}`),
    () => Array.from({ length: 1 + int(400) }, () => String.fromCharCode(int(0x7f))).join(''),
  ];

  const mutate: Record<MutationKind, () => { m: Message | Buffer | string; binary?: boolean }> = {
    'header-injection': () => {
      const m = anyBase();
      const eol = pick(['\r\n', '\n', '\r', '\r\n\r\n']);
      const inject = pick([
        `Via: SIP/2.0/WS evil.invalid;branch=z9hG4bKevil`,
        `Content-Length: 0`,
        `Require: evil`,
        `BYE sip:a@b SIP/2.0`,
      ]);
      const where = pick(['From', 'To', 'Subject', 'Call-ID', 'User-Agent']);
      if (where === 'From') set(m, 'From', `"Eve${eol}${inject}" <sip:eve@127.0.0.1>;tag=${hex(6)}`);
      else set(m, where, `${get(m, where) ?? 'x'}${eol}${inject}`);
      return { m };
    },
    'hostile-display-name': () => {
      const m = anyBase();
      const name = pick(hostileNames)();
      set(
        m,
        pick(['From', 'To']) === 'From' ? 'From' : 'P-Asserted-Identity',
        `"${name}" <sip:x${hex(4)}@127.0.0.1>;tag=${hex(6)}`,
      );
      if (int(3) === 0) set(m, 'From', `${name.replace(/[\s"<>]/g, '')} <sip:y@127.0.0.1>;tag=${hex(6)}`);
      return { m };
    },
    'oversized-header': () => {
      const m = anyBase();
      if (int(4) === 0) for (let i = 0; i < 1000 + int(9000); i++) m.headers.push([`X-Many-${i}`, 'x']);
      else set(m, pick(['Subject', 'User-Agent', 'X-Long', 'Call-Info', 'Allow']), 'y'.repeat(8_000 + int(1_000_000)));
      return { m };
    },
    'bad-utf8': () => {
      const m = anyBase();
      const where = int(3);
      if (where === 0) set(m, 'From', `"Bad ${BAD} name" <sip:bad@127.0.0.1>;tag=${hex(6)}`);
      else if (where === 1) set(m, 'Subject', `before ${BAD} after`);
      else m.body = `${m.body}${BAD}`;
      // Mostly binary frames; a text frame with bad UTF-8 makes the WebSocket close (RFC 6455 §8.1): also drilled.
      return { m, binary: int(5) > 0 };
    },
    'broken-sdp': () => {
      const m = base('INVITE');
      m.body = pick(sdps)();
      if (int(4) === 0)
        set(
          m,
          'Content-Type',
          pick(['application/sdp;charset=%%%', 'application/SDP', 'multipart/mixed;boundary=x', 'text/html']),
        );
      return { m };
    },
    'unknown-require': () => {
      const m = base(pick(['INVITE', 'INVITE', 'OPTIONS', 'MESSAGE']));
      set(
        m,
        'Require',
        pick([
          'foo',
          `x-${hex(4)}, timer, 100rel`,
          ' , , ',
          Array.from({ length: 200 + int(2000) }, (_, i) => `tag${i}`).join(','),
          'sec-agree\r\nX-Injected: 1',
          '"quoted"',
          'path;q=1',
        ]),
      );
      if (int(3) === 0) set(m, 'Proxy-Require', 'evil');
      return { m };
    },
    'bad-cseq': () => {
      const m = anyBase();
      const method = m.start.split(' ')[0]!;
      const v = pick([
        undefined,
        `abc ${method}`,
        `1 ${method === 'INVITE' ? 'BYE' : 'INVITE'}`,
        `4294967296 ${method}`,
        `-1 ${method}`,
        '1',
        '',
        `${'9'.repeat(400)} ${method}`,
        `1 ${method} extra`,
      ]);
      set(m, 'CSeq', v);
      if (int(5) === 0) m.headers.push(['CSeq', `2 ${method}`]);
      return { m };
    },
    'missing-call-id': () => {
      const m = anyBase();
      const v = pick([undefined, undefined, '', 'z'.repeat(10_000 + int(100_000)), 'a b c', '@']);
      set(m, 'Call-ID', v);
      if (int(4) === 0) m.headers.push(['i', `other-${hex(6)}`]);
      if (int(6) === 0) set(m, 'Via', undefined);
      if (int(6) === 0) set(m, pick(['From', 'To']), undefined);
      return { m };
    },
    'bogus-content-length': () => {
      const m = anyBase();
      const real = Buffer.byteLength(m.body);
      m.keepLength = true;
      set(
        m,
        'Content-Length',
        pick([
          String(real + 1 + int(5000)),
          String(Math.max(0, real - 1 - int(50))),
          '-5',
          'abc',
          '1e12',
          '',
          `${real}, ${real}`,
          '99999999999999999999',
        ]),
      );
      if (int(4) === 0) m.headers.push(['l', String(int(100))]);
      return { m };
    },
    'huge-body': () => {
      const m = base(pick(['INVITE', 'MESSAGE', 'INFO', 'NOTIFY']), false);
      const size = 256 * 1024 + int(4 * 1024 * 1024);
      m.body = m.start.startsWith('INVITE') ? sdpOffer() + 'a=pad\r\n'.repeat(Math.floor(size / 7)) : 'z'.repeat(size);
      return { m };
    },
    'response-to-nothing': () => {
      const code = pick([100, 180, 183, 200, 200, 202, 301, 401, 407, 481, 487, 500, 503, 603, int(1000)]);
      const method = pick(['INVITE', 'BYE', 'REGISTER', 'OPTIONS', 'CANCEL', 'MESSAGE']);
      const lines = [
        `SIP/2.0 ${code} ${pick(['OK', 'Whatever', '', 'x'.repeat(5000)])}`,
        `Via: SIP/2.0/WS ${hex(8)}.invalid;branch=z9hG4bK${hex(12)}`,
        `From: <${o.contact()}>;tag=${hex(8)}`,
        `To: <sip:nobody@127.0.0.1>;tag=${hex(8)}`,
        `Call-ID: ${hex(16)}`,
        `CSeq: ${1 + int(100)} ${method}`,
        ...(code >= 200 && code < 300 ? [`Contact: <sip:nobody@127.0.0.1;transport=ws>`] : []),
        ...(code === 401 ? [`WWW-Authenticate: Digest realm="x", nonce="${hex(8)}"`] : []),
        ...(code === 407 ? [`Proxy-Authenticate: Digest realm="x", nonce="${hex(8)}"`] : []),
        'Content-Length: 0',
        '',
        '',
      ];
      return { m: lines.join('\r\n') };
    },
    'in-dialog-to-nothing': () => {
      const m = base(pick(['BYE', 'INVITE', 'UPDATE', 'REFER', 'NOTIFY', 'INFO', 'PRACK', 'ACK', 'CANCEL']), true);
      if (m.start.startsWith('REFER')) set(m, 'Refer-To', `<sip:${'r'.repeat(int(3000))}@127.0.0.1>`);
      if (m.start.startsWith('NOTIFY')) set(m, 'Event', pick(['refer', 'check-sync', 'dialog', '']));
      return { m };
    },
    'odd-method': () => {
      const method = pick([
        'MESSAGE',
        'OPTIONS',
        'SUBSCRIBE',
        'PUBLISH',
        'NOTIFY',
        'FOO',
        'invite',
        'REGISTER',
        'INFO',
      ]);
      const m = base(method);
      if (method === 'NOTIFY') set(m, 'Event', pick(['check-sync', 'check-sync;reboot=true', 'message-summary', '']));
      if (method === 'SUBSCRIBE') set(m, 'Event', 'presence');
      return { m };
    },
    junk: () => {
      const which = int(7);
      if (which === 0) return { m: Buffer.from(Array.from({ length: 1 + int(2000) }, () => int(256))), binary: true };
      if (which === 1) return { m: '' };
      if (which === 2) return { m: '\r\n\r\n' };
      if (which === 3) return { m: `INVITE ${o.contact()} SIP/2.0\r\n` };
      if (which === 4)
        return {
          m: pick([`INVITE SIP/2.0\r\n\r\n`, 'SIP/2.0 abc OK\r\n\r\n', `INVITE ${o.contact()} SIP/3.0\r\n\r\n`]),
        };
      if (which === 5) return { m: `${'A'.repeat(100_000)} ${o.contact()} SIP/2.0\r\n\r\n` };
      return { m: encode(base('INVITE')).subarray(0, 20 + int(200)) };
    },
  };

  return (kind: MutationKind = pick(mutationKinds)): Mutated => {
    current = kind;
    const { m, binary } = mutate[kind]();
    const data = Buffer.isBuffer(m) ? m : typeof m === 'string' ? Buffer.from(m, 'utf8') : encode(m);
    return { kind, data, binary: binary ?? false };
  };
}
