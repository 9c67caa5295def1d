// The SIP lab, as a library: Kamailio (registrar + proxy, WebSocket and UDP) and rtpengine (userspace) on
// loopback, each run in its own state directory with free ports, so several labs can run at once.
// Plain JavaScript with JSDoc: `node test/lab/lab.mjs` and vitest's globalSetup both import it.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { existsSync, mkdirSync, readFileSync, writeFileSync, openSync, closeSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withSbinDirs } from '../../build/system-packages.mjs';

// When bundled (benchmarks), this file no longer sits beside its template: fall back to the repository layout.
const beside = path.dirname(fileURLToPath(import.meta.url));
const here = existsSync(path.join(beside, 'kamailio.cfg.tpl')) ? beside : path.resolve(process.cwd(), 'test', 'lab');

/** Test accounts: extension → password. 1900 is the supervisor. */
export const accounts = [
  ['1001', 'lab-1001-Ana'],
  ['1002', 'lab-1002-Beto'],
  ['1003', 'lab-1003-Caro'],
  ['1004', 'lab-1004-Dani'],
  ['1005', 'lab-1005-Eva'],
  ['1006', 'lab-1006-Fer'],
  ['1900', 'lab-1900-Sup'],
];

/**
 * Accounts for a fleet of agents (bench/fleet): `70000`, `70001`, … with passwords `lab-<ext>-fleet`. Only a lab
 * started with `fleet: n` knows them.
 * @param {number} n
 * @returns {Array<{ user: string, password: string }>}
 */
export function fleetAccounts(n) {
  if (!Number.isInteger(n) || n < 0 || n > 10000) throw new Error(`fleet size must be 0…10000, not ${n}`);
  return Array.from({ length: n }, (_, i) => {
    const user = String(70000 + i);
    return { user, password: `lab-${user}-fleet` };
  });
}

/**
 * @typedef {{ ws: string, udp: string, host: string, domain: string, wsPort: number, udpPort: number, ngPort: number,
 *   rtpMin: number, rtpMax: number, dir: string, logs: string, accounts: Array<{ user: string, password: string }>,
 *   fleet: Array<{ user: string, password: string }>, rpc: string }} LabEnv
 */

function freePort(kind) {
  return new Promise((resolve, reject) => {
    if (kind === 'udp') {
      const s = createSocket('udp4');
      s.once('error', reject);
      s.bind(0, '127.0.0.1', () => {
        const { port } = s.address();
        s.close(() => resolve(port));
      });
    } else {
      const s = net.createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const { port } = /** @type {net.AddressInfo} */ (s.address());
        s.close(() => resolve(port));
      });
    }
  });
}

function modulesDir() {
  for (const d of [
    '/usr/lib/x86_64-linux-gnu/kamailio/modules',
    '/usr/lib/aarch64-linux-gnu/kamailio/modules',
    '/usr/lib/kamailio/modules',
  ]) {
    if (existsSync(path.join(d, 'websocket.so'))) return d;
  }
  throw new Error('Kamailio modules not found: apt-get install kamailio kamailio-websocket-modules');
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function tail(file, lines = 15) {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function waitTcp(port, host, ms, proc, log) {
  const start = Date.now();
  while (Date.now() - start < ms) {
    if (proc.exitCode !== null) throw new Error(`${proc.spawnargs[0]} exited with ${proc.exitCode}:\n${tail(log)}`);
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, host, () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`nothing listens on ${host}:${port} after ${ms} ms:\n${tail(log)}`);
}

/** rtpengine answers the NG protocol's ping (bencoded, after a cookie) once it is ready for Kamailio. */
async function waitRtpengine(port, host, ms, proc, log) {
  const start = Date.now();
  while (Date.now() - start < ms) {
    if (proc.exitCode !== null) throw new Error(`rtpengine exited with ${proc.exitCode}:\n${tail(log)}`);
    const ok = await new Promise((resolve) => {
      const s = createSocket('udp4');
      const done = (v) => {
        clearTimeout(t);
        s.close();
        resolve(v);
      };
      const t = setTimeout(() => done(false), 200);
      s.on('message', (m) => done(m.toString().includes('pong')));
      s.on('error', () => done(false));
      s.send(Buffer.from('c1 d7:command4:pinge'), port, host);
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`rtpengine does not answer on ${host}:${port} after ${ms} ms:\n${tail(log)}`);
}

function startProcess(cmd, args, logFile) {
  const fd = openSync(logFile, 'a');
  // kamailio and rtpengine live in /usr/sbin, which is not on an ordinary user's PATH (`npm run lab` as a user).
  const env = { ...process.env, PATH: withSbinDirs(process.env.PATH) };
  const child = spawn(cmd, args, { stdio: ['ignore', fd, fd], detached: false, env });
  closeSync(fd);
  return child;
}

/**
 * Starts a lab in `dir`. Ports default to free ones; pass them to restart a lab on the same addresses.
 * `rtpPorts` sizes rtpengine's port range (default 200; a call storm needs about four per call up at once).
 * `fleet: n` adds n more accounts (`fleetAccounts`); `env.rpc` is the URL of Kamailio's JSON-RPC (`notifyRegistered`).
 * @param {{ dir: string, host?: string, ports?: Partial<Pick<LabEnv, 'wsPort' | 'udpPort' | 'ngPort' | 'rtpMin'>>,
 *   media?: boolean, fleet?: number, rtpPorts?: number }} o
 * @returns {Promise<{ env: LabEnv, stop: () => Promise<void>, stopKamailio: () => Promise<void>, startKamailio: () => Promise<void> }>}
 */
export async function startLab(o) {
  const host = o.host ?? '127.0.0.1';
  const dir = path.resolve(o.dir);
  const logs = path.join(dir, 'logs');
  mkdirSync(logs, { recursive: true });
  const wsPort = o.ports?.wsPort ?? (await freePort('tcp'));
  const udpPort = o.ports?.udpPort ?? (await freePort('udp'));
  const ngPort = o.ports?.ngPort ?? (await freePort('udp'));
  const rtpMin = o.ports?.rtpMin ?? 30000 + 2 * Math.floor(Math.random() * 10000);
  const rtpMax = rtpMin + (o.rtpPorts ?? 200) - 1;
  const fleet = fleetAccounts(o.fleet ?? 0);
  const accountLines = [...accounts.map(([user, password]) => ({ user, password })), ...fleet]
    .map((a) => `\t$sht(users=>${a.user}) = "${a.password}";`)
    .join('\n');
  const rpcToken = randomBytes(16).toString('hex');
  const cfg = readFileSync(path.join(here, 'kamailio.cfg.tpl'), 'utf8')
    .replaceAll('@HOST@', host)
    .replaceAll('@UDP_PORT@', String(udpPort))
    .replaceAll('@WS_PORT@', String(wsPort))
    .replaceAll('@NG_PORT@', String(ngPort))
    .replaceAll('@MODULES@', modulesDir())
    .replaceAll('@RPC_TOKEN@', rpcToken)
    .replace('@ACCOUNTS@', accountLines);
  const cfgFile = path.join(dir, 'kamailio.cfg');
  writeFileSync(cfgFile, cfg);
  writeFileSync(
    path.join(dir, 'rtpengine.conf'),
    [
      '[rtpengine]',
      'table = -1',
      `interface = ${host}`,
      `listen-ng = ${host}:${ngPort}`,
      `port-min = ${rtpMin}`,
      `port-max = ${rtpMax}`,
      'log-level = 5',
      'log-stderr = true',
      'delete-delay = 0',
      '',
    ].join('\n'),
  );

  const kamLog = path.join(logs, 'kamailio.log');
  const rtpLog = path.join(logs, 'rtpengine.log');
  /** @type {import('node:child_process').ChildProcess | undefined} */ let kam;
  /** @type {import('node:child_process').ChildProcess | undefined} */ let rtp;

  const startKamailio = async () => {
    // -DD: stay in the foreground; -E: log to stderr (the log file). The pid file is Kamailio's own.
    kam = startProcess(
      'kamailio',
      ['-DD', '-E', '-f', cfgFile, '-P', path.join(dir, 'kamailio.pid'), '-Y', dir, '-m', '64', '-M', '8'],
      kamLog,
    );
    await waitTcp(wsPort, host, 8000, kam, kamLog);
    writeFileSync(path.join(dir, 'kamailio.ownpid'), String(kam.pid));
  };
  const stopProc = async (p) => {
    if (!p || p.exitCode !== null) return;
    p.kill('SIGTERM');
    for (let i = 0; i < 60 && p.exitCode === null; i++) await sleep(50);
    if (p.exitCode === null) p.kill('SIGKILL');
    for (let i = 0; i < 40 && p.exitCode === null; i++) await sleep(25);
  };
  const stopKamailio = async () => {
    await stopProc(kam);
  };

  if (o.media !== false) {
    rtp = startProcess(
      'rtpengine',
      ['--config-file', path.join(dir, 'rtpengine.conf'), '--foreground', '--pidfile', path.join(dir, 'rtpengine.pid')],
      rtpLog,
    );
    writeFileSync(path.join(dir, 'rtpengine.ownpid'), String(rtp.pid));
    await waitRtpengine(ngPort, host, 8000, rtp, rtpLog);
  }
  try {
    await startKamailio();
  } catch (e) {
    await stopProc(rtp);
    throw e;
  }
  /** @type {LabEnv} */
  const env = {
    ws: `ws://${host}:${wsPort}`,
    udp: `${host}:${udpPort}`,
    host,
    domain: host,
    wsPort,
    udpPort,
    ngPort,
    rtpMin,
    rtpMax,
    dir,
    logs,
    accounts: accounts.map(([user, password]) => ({ user, password })),
    fleet,
    rpc: `http://${host}:${wsPort}/rpc/${rpcToken}`,
  };
  // Owner-only: it holds the RPC token (and the lab's passwords).
  writeFileSync(path.join(dir, 'env.json'), JSON.stringify(env, null, 2), { mode: 0o600 });
  return {
    env,
    stopKamailio,
    startKamailio,
    stop: async () => {
      await stopProc(kam);
      await stopProc(rtp);
    },
  };
}

/** Status of a lab started by `lab.mjs` (a separate process): which of its processes are alive. */
export function labStatus(dir) {
  const read = (f) => {
    try {
      return Number(readFileSync(path.join(dir, f), 'utf8'));
    } catch {
      return 0;
    }
  };
  const kam = read('kamailio.ownpid');
  const rtp = read('rtpengine.ownpid');
  let env;
  try {
    env = JSON.parse(readFileSync(path.join(dir, 'env.json'), 'utf8'));
  } catch {
    env = undefined;
  }
  return { kamailio: kam > 0 && alive(kam), rtpengine: rtp > 0 && alive(rtp), env };
}

/** Stops a lab started by another process, by the pids it recorded. */
export async function stopLab(dir) {
  for (const f of ['kamailio.ownpid', 'rtpengine.ownpid']) {
    let pid;
    try {
      pid = Number(readFileSync(path.join(dir, f), 'utf8'));
    } catch {
      continue;
    }
    if (pid > 0 && alive(pid)) {
      process.kill(pid, 'SIGTERM');
      for (let i = 0; i < 60 && alive(pid); i++) await sleep(50);
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  }
}

/** Shell variables for scripts (`eval "$(npm run -s lab -- env)"`). */
export function envLines(env) {
  const lines = [
    `DIADEMA_LAB_WS=${env.ws}`,
    `DIADEMA_LAB_UDP=${env.udp}`,
    `DIADEMA_LAB_DOMAIN=${env.domain}`,
    `DIADEMA_LAB_LOGS=${env.logs}`,
  ];
  env.accounts.forEach((a, i) => {
    lines.push(`DIADEMA_LAB_USER_${i + 1}=${a.user}`, `DIADEMA_LAB_PASS_${i + 1}=${a.password}`);
  });
  return lines.map((l) => `export ${l}`);
}

/**
 * One JSON-RPC call to a lab's Kamailio (`env.rpc`, HTTP, loopback only).
 * @param {Pick<LabEnv, 'rpc'>} env
 * @param {string} method
 * @param {unknown[]} [params]
 */
export async function labRpc(env, method, params = []) {
  const res = await fetch(env.rpc, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', method, params, id: 1 }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`kamailio rpc ${method}: HTTP ${res.status} ${text.slice(0, 200)}`);
  const body = JSON.parse(text);
  if (body.error) throw new Error(`kamailio rpc ${method}: ${JSON.stringify(body.error)}`);
  return body.result;
}

/**
 * Every contact in the location table: `aor` (the user part), `contact` (the registered Contact URI) and
 * `received` (where the registration really came from, set for WebSocket clients, whose Contact host is invented).
 * @param {Pick<LabEnv, 'rpc'>} env
 * @returns {Promise<Array<{ aor: string, contact: string, received: string | undefined }>>}
 */
export async function registeredContacts(env) {
  const result = await labRpc(env, 'ul.dump');
  const out = [];
  for (const d of result?.Domains ?? []) {
    if (d.Domain?.Domain !== 'location') continue;
    for (const a of d.Domain.AoRs ?? []) {
      for (const c of a.Info?.Contacts ?? []) {
        const received = c.Contact?.Received;
        out.push({
          aor: String(a.Info.AoR),
          contact: String(c.Contact.Address),
          received: typeof received === 'string' && received.startsWith('sip') ? received : undefined,
        });
      }
    }
  }
  return out;
}

/**
 * Sends an out-of-dialog NOTIFY to every registered contact (the desk-phone "re-read your configuration" nudge is
 * `Event: check-sync;reboot=false`) through Kamailio's transaction layer (`tm.t_uac_wait`), so WebSocket clients get
 * it over the connection they registered on (next hop = the contact's `received`). Resolves with each contact's
 * final response code (408 when it did not answer; 0 when Kamailio could not send it), in the table's order.
 * `only` keeps the contacts of those users; `concurrency` bounds the requests in flight.
 * @param {Pick<LabEnv, 'rpc' | 'domain'>} env
 * @param {{ event?: string, only?: string[], concurrency?: number }} [o]
 * @returns {Promise<Array<{ aor: string, contact: string, code: number, ms: number, error?: string }>>}
 */
export async function notifyRegistered(env, o = {}) {
  const event = o.event ?? 'check-sync;reboot=false';
  if (/[\r\n]/.test(event)) throw new Error('event must be one header value');
  const only = o.only ? new Set(o.only) : undefined;
  const contacts = (await registeredContacts(env)).filter((c) => !only || only.has(c.aor));
  const results = new Array(contacts.length);
  let next = 0;
  const worker = async () => {
    while (next < contacts.length) {
      const i = next++;
      const c = contacts[i];
      const headers = [
        `From: <sip:provisioning@${env.domain}>;tag=${randomBytes(6).toString('hex')}`,
        `To: <sip:${c.aor}@${env.domain}>`,
        `Event: ${event}`,
        'Subscription-State: terminated',
        '',
      ].join('\r\n');
      const start = performance.now();
      let code = 0;
      let error;
      try {
        const r = await labRpc(env, 'tm.t_uac_wait', ['NOTIFY', c.contact, c.received ?? '.', '.', headers]);
        code = Number(/^(\d{3})/.exec(String(r?.Status ?? r))?.[1] ?? 0);
        if (!code) error = `no status in ${JSON.stringify(r).slice(0, 200)}`;
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
      results[i] = { aor: c.aor, contact: c.contact, code, ms: performance.now() - start, ...(error ? { error } : {}) };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.concurrency ?? 16) }, worker));
  return results;
}
