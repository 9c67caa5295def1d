// The SIP lab, as a library: Kamailio (registrar + proxy, WebSocket and UDP) and rtpengine (userspace) on
// loopback, each run in its own state directory with free ports, so several labs can run at once.
// Plain JavaScript with JSDoc: `node test/lab/lab.mjs` and vitest's globalSetup both import it.
import { spawn } from 'node:child_process';
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
 * @typedef {{ ws: string, udp: string, host: string, domain: string, wsPort: number, udpPort: number, ngPort: number,
 *   rtpMin: number, rtpMax: number, dir: string, logs: string, accounts: Array<{ user: string, password: string }> }} LabEnv
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
 * @param {{ dir: string, host?: string, ports?: Partial<Pick<LabEnv, 'wsPort' | 'udpPort' | 'ngPort' | 'rtpMin'>>, media?: boolean }} o
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
  const rtpMax = rtpMin + 199;
  const accountLines = accounts.map(([u, p]) => `\t$sht(users=>${u}) = "${p}";`).join('\n');
  const cfg = readFileSync(path.join(here, 'kamailio.cfg.tpl'), 'utf8')
    .replaceAll('@HOST@', host)
    .replaceAll('@UDP_PORT@', String(udpPort))
    .replaceAll('@WS_PORT@', String(wsPort))
    .replaceAll('@NG_PORT@', String(ngPort))
    .replaceAll('@MODULES@', modulesDir())
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
  };
  writeFileSync(path.join(dir, 'env.json'), JSON.stringify(env, null, 2));
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
