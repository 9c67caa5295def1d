import { callNames } from '@common/contract/contract';
import WebSocket from 'ws';
import { startHostProcess } from '../../test/support/browser-host-process';
import { Counter, type HostileTally } from './hostile-tally';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Client {
  ws: WebSocket;
  closed: Promise<{ code: number; reason: string }>;
  call(name: string, args: unknown, ms?: number): Promise<{ ok: boolean; value?: unknown; error?: { code: string } }>;
}

/** A contract client as the page is one: the session secret in `hello`, then calls by id. */
async function connect(origin: string, session: string | undefined): Promise<Client> {
  const ws = new WebSocket(`${origin.replace('http', 'ws')}/contract`, { headers: { Origin: origin } });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const pending = new Map<number, (m: { ok: boolean; value?: unknown; error?: { code: string } }) => void>();
  let nextId = 1;
  ws.on('message', (data) => {
    let m: { t?: string; id?: number; ok?: boolean; value?: unknown; error?: { code: string } };
    try {
      m = JSON.parse(data.toString()) as typeof m;
    } catch {
      return;
    }
    if (m.t === 'result' && m.id !== undefined)
      pending.get(m.id)?.({ ok: m.ok === true, value: m.value, error: m.error });
  });
  if (session) {
    const ready = new Promise<void>((resolve, reject) => {
      ws.once('message', () => resolve());
      void closed.then((c) => reject(new Error(`hello refused: ${c.code} ${c.reason}`)));
    });
    ws.send(JSON.stringify({ t: 'hello', token: session }));
    await ready;
  }
  return {
    ws,
    closed,
    call(name, args, ms = 5000) {
      const id = nextId++;
      return new Promise((resolve) => {
        const t = setTimeout(() => resolve({ ok: false, error: { code: 'no-answer' } }), ms);
        pending.set(id, (m) => {
          clearTimeout(t);
          pending.delete(id);
          resolve(m);
        });
        ws.send(JSON.stringify({ t: 'call', id, name, args }));
      });
    },
  };
}

/** Trades the launch token in the host's page URL for a session secret, as the page does. */
async function session(url: string): Promise<string> {
  const u = new URL(url);
  const res = await fetch(`${u.origin}/session`, {
    method: 'POST',
    headers: { Origin: u.origin },
    body: u.hash.replace('#token=', ''),
  });
  if (!res.ok) throw new Error(`session exchange refused: ${res.status}`);
  return ((await res.json()) as { session: string }).session;
}

/** What the good client sets before the barrage and reads back after it. */
const sentinels: Record<string, unknown> = { 'acw.durationSec': 42, 'ui.language': 'es-MX' };

/**
 * R4, browser host: the built host (`dist/node/browser-host.mjs`, as `npm run start:browser` runs it) in a child
 * process, and a good client holding a session and two settings it chose. Meanwhile random frames at the host's own
 * WebSocket, from connections with and without the session: binary junk, text that is not JSON, JSON of the
 * wrong shape, text frames that are not UTF-8, hellos with wrong tokens, frames over the size limit, deeply nested JSON, upgrades from the wrong
 * origin or path, unknown call names (`__proto__`, `constructor`…) and every real call with hostile arguments
 * (wrong types, huge strings, prototype-pollution keys, SIP and FTS syntax). Counted: host exits, the host's
 * internal-error log lines, refusals by code (close codes, contract error codes, HTTP 403). State kept: the good
 * client was answered all along, and its settings are unchanged afterwards.
 */
export async function hostileHostFrames(o: { inputs: number; random: () => number }): Promise<HostileTally> {
  process.env.DIADEMA_ROOT ??= process.cwd();
  const int = (n: number) => Math.floor(o.random() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const host = await startHostProcess();
  let crashes = 0;
  let stopping = false;
  host.child.once('exit', (code, signal) => {
    if (stopping) return;
    crashes++;
    console.log(`  browser host exited ${code ?? signal}:\n${host.stderr().slice(-2000)}`);
  });
  const refusals = new Counter();
  const accepted = new Counter();
  let goodAnswered = 0;
  let goodAsked = 0;
  try {
    const secret = await session(host.url);
    const good = await connect(host.origin, secret);
    for (const [key, value] of Object.entries(sentinels)) {
      const set = await good.call('settings.set', { key, value });
      if (!set.ok) throw new Error(`good client refused: ${JSON.stringify(set.error)}`);
    }

    const hostileStrings = [
      () => 'x'.repeat(int(300_000)),
      () => '\u0000\r\nVia: SIP/2.0/WS evil',
      () => 'sip:evil@127.0.0.1>;tag=1\r\nX: y',
      () => '"NEAR( * OR -- \' ; DROP TABLE notes; --',
      () => '../../../../etc/passwd',
      () => '\ud800',
      () => '🙂'.repeat(int(5000)),
      () => '',
    ];
    const hostileValues: Array<() => unknown> = [
      () => pick(hostileStrings)(),
      () => -1,
      () => 2 ** 53 + 7,
      () => 1e308,
      () => null,
      () => true,
      () => [],
      () => ({}),
      () => JSON.parse('{"__proto__": {"polluted": true}}') as unknown,
      () => ({ constructor: { prototype: { polluted: true } } }),
      () => Array.from({ length: int(10_000) }, (_, i) => i),
    ];
    const hostileArgs = (name: string): unknown => {
      if (int(4) === 0) return pick(hostileValues)();
      // Shaped like the real arguments, one field hostile.
      const fields: Record<string, unknown> = {
        callId: int(2) ? pick(hostileStrings)() : `c${int(100)}`,
        key: pick([
          'notes.requiredFields',
          'ui.language',
          'calls.rejectCode',
          '__proto__',
          'constructor',
          'x'.repeat(200),
        ]),
        value: pick(hostileValues)(),
        text: pick(hostileStrings)(),
        fields: int(2)
          ? { __proto__: { x: 1 } }
          : Object.fromEntries(Array.from({ length: int(100) }, (_, i) => [`f${i}`, 'v'])),
        target: pick(hostileStrings)(),
        query: pick(hostileStrings)(),
        server: pick(['ws://127.0.0.1:1', 'wss://evil\r\n', pick(hostileStrings)()]),
        user: pick(hostileStrings)(),
        password: pick(hostileStrings)(),
        id: pick(hostileStrings)(),
        reqId: int(2) ? -1 : pick(hostileStrings)(),
        state: pick(['available', 'not-ready', 'break', 'acw', '__proto__']),
        digits: pick(hostileStrings)(),
      };
      const keep = Object.keys(fields).filter(() => int(3) === 0);
      const args = Object.fromEntries(keep.map((k) => [k, fields[k]]));
      // Never the good client's own settings: a hostile call may validly change what it names (that is allowed).
      if (name === 'settings.set' && args.key === undefined) args.key = 'calls.rejectCode';
      return args;
    };

    const frameKinds = [
      'junk-binary',
      'junk-text',
      'bad-utf8-text',
      'wrong-shape',
      'bad-hello',
      'oversized',
      'deep-json',
      'bad-upgrade',
      'unknown-call',
      'hostile-args',
      'hostile-args',
      'hostile-args',
      'hostile-args',
    ] as const;
    type FrameKind = (typeof frameKinds)[number];
    let authed: Client | undefined;
    const hostileFrame = async (kind: FrameKind): Promise<void> => {
      if (kind === 'bad-upgrade') {
        const res = await new Promise<number>((resolve) => {
          const ws = new WebSocket(`${host.origin.replace('http', 'ws')}${pick(['/contract', '/', '/x'])}`, {
            headers: { Origin: pick(['http://evil.invalid', 'null', `${host.origin}.evil`]) },
          });
          ws.on('unexpected-response', (_req, r) => resolve(r.statusCode ?? 0));
          ws.on('error', () => resolve(-1));
          ws.on('open', () => {
            ws.close();
            resolve(101);
          });
        });
        if (res === 101) accepted.add('wrong-origin upgrade');
        else refusals.add(`HTTP ${res}`);
        return;
      }
      if (kind === 'unknown-call' || kind === 'hostile-args') {
        if (!authed || authed.ws.readyState !== WebSocket.OPEN) authed = await connect(host.origin, secret);
        const name =
          kind === 'unknown-call'
            ? pick(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'app.quit', 'x'.repeat(64), 'settings'])
            : pick(callNames);
        const r = await authed.call(name, hostileArgs(name));
        if (r.ok) accepted.add(name);
        else refusals.add(r.error?.code ?? 'no code');
      } else {
        // One connection per frame: each of these should end the connection it arrives on.
        const c = await connect(host.origin, kind === 'wrong-shape' && int(2) ? secret : undefined);
        if (kind === 'junk-binary') c.ws.send(Buffer.from(Array.from({ length: 1 + int(5000) }, () => int(256))));
        else if (kind === 'junk-text') c.ws.send(pick(['', 'hello', '{', 'null', '"t"', '{"t":"hello"']));
        else if (kind === 'bad-utf8-text') c.ws.send(Buffer.from([0x7b, 0xff, 0xc0, 0x80, 0x7d]), { binary: false });
        else if (kind === 'wrong-shape')
          c.ws.send(
            JSON.stringify(
              pick([
                { t: 'call' },
                { t: 'call', id: -1, name: 'app.info' },
                { t: 'ready' },
                [1, 2],
                { t: 'hello', token: 5 },
              ]),
            ),
          );
        else if (kind === 'bad-hello')
          c.ws.send(
            JSON.stringify({
              t: 'hello',
              token: pick([
                'x'.repeat(16),
                'x'.repeat(129),
                (secret.startsWith('A') ? 'B' : 'A') + secret.slice(1),
                '',
              ]),
            }),
          );
        else if (kind === 'oversized') c.ws.send(Buffer.alloc(2 * 1024 * 1024 + 1 + int(1024 * 1024), 0x7b));
        else c.ws.send('['.repeat(100_000 + int(400_000)) + ']'.repeat(10));
        const closed = await Promise.race([c.closed, sleep(6000).then(() => undefined)]);
        if (closed) refusals.add(`close ${closed.code}`);
        else {
          accepted.add(`${kind} left open`);
          c.ws.terminate();
        }
      }
    };

    let sent = 0;
    const inputs = new Counter();
    for (let i = 0; i < o.inputs; i++) {
      if (crashes) break;
      const kind = pick(frameKinds);
      inputs.add(kind);
      sent++;
      try {
        await hostileFrame(kind);
      } catch (e) {
        // The host refused the connection itself (or is gone: then the exit is counted as a crash).
        refusals.add(`connection failed: ${(e as NodeJS.ErrnoException).code ?? String(e).slice(0, 40)}`);
      }
      if (i % 20 === 0) {
        goodAsked++;
        if ((await good.call('app.info', {}, 3000)).ok) goodAnswered++;
      }
    }
    await sleep(500);
    const settings = await good.call('settings.get', {});
    const resolved = (settings.value as { settings?: Record<string, { value?: unknown }> } | undefined)?.settings;
    const settingsKept = Object.entries(sentinels).filter(([k, v]) => resolved?.[k]?.value === v).length;
    const internal = (host.stderr().match(/contract message failed|renderer file request failed/g) ?? []).length;
    // The host installs no handler for these: one would end it, and show here on its way out.
    const uncaught = (host.stderr().match(/Unhandled|uncaught|UnhandledPromiseRejection/gi) ?? []).length;
    const kept = crashes === 0 && goodAnswered === goodAsked && settingsKept === Object.keys(sentinels).length;
    return {
      kind: 'frames at the browser host WS',
      inputs: sent,
      crashes,
      uncaught,
      coded: refusals.total(),
      stateKept: `${kept ? 'yes' : 'NO'} (good client answered ${goodAnswered}/${goodAsked}; its settings kept ${settingsKept}/${
        Object.keys(sentinels).length
      })`,
      notes: [
        `sent by kind: ${inputs.toString()}`,
        `refusals: ${refusals.toString()}`,
        `hostile calls that passed validation and ran: ${accepted.toString()}`,
        `host log lines for errors caught inside a call (answered 'internal error'): ${internal}`,
      ],
    };
  } finally {
    stopping = true;
    await host.stop();
  }
}
