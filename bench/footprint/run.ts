import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// @ts-expect-error: plain JavaScript module shared with `npm run lab`
import { registeredContacts, startLab } from '../../test/lab/lab-core.mjs';
import type { LabEnv } from '../../test/support/lab-env';
import { labAccount } from '../../test/support/lab-env';
import { reExecInPrivateNetwork } from '../support/netns';
import { formatRow, summarise } from '../support/stats';
import { groupMemory, processTree, type GroupMemory } from './pages';
import { buildBundle } from '../support/bundle';

/**
 * bench/footprint: memory of an idle, registered agent, side by side with Linphone desktop on this machine.
 *
 * Each client is started as an agent would run it, on a virtual display (Xvfb), registered to the lab's Kamailio,
 * left idle, then sampled `samples` times 3 s apart: the distinct resident pages of its whole process tree (each
 * physical page once: ./pages.ts), the sum of PSS and of private pages, and each process's share. Printed:
 *   - Diadema's browser host as `npm run start:browser` runs it (Node core + Chromium in an app window);
 *   - the same with `--headless` (what the tests drive);
 *   - Linphone desktop (`linphone --config F`, Qt), registered over UDP;
 * and the ratio Diadema / Linphone. Needs root (page frame numbers) and the Debian packages `linphone-desktop` and
 * `xvfb`; a missing one is said and skipped. `--quick`: 3 samples after 5 s idle (default 5 after 15 s).
 * `--only=windowed,headless,linphone`: those clients only (to compare one Chromium flag at a time). `--user=NAME`:
 * the browser host runs as that user, where Chromium keeps its sandbox (as root it refuses it: `--no-sandbox`).
 */
reExecInPrivateNetwork('bench/footprint');

const quick = process.argv.includes('--quick');
const idleMs = quick ? 5000 : 15_000;
const samples = quick ? 3 : 5;
const clients = ['windowed', 'headless', 'linphone'] as const;
const onlyArg = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const only = new Set(onlyArg ? onlyArg.split(',') : clients);
const user = process.argv.find((a) => a.startsWith('--user='))?.slice('--user='.length);
const ids = user
  ? { uid: Number(spawnSync('id', ['-u', user]).stdout), gid: Number(spawnSync('id', ['-g', user]).stdout) }
  : undefined;
if (user && !(ids!.uid > 0 && ids!.gid >= 0)) {
  console.error(`--user: no such user other than root: ${user}`);
  process.exit(2);
}
for (const c of only)
  if (!(clients as readonly string[]).includes(c)) {
    console.error(`--only: unknown client ${c} (${clients.join(', ')})`);
    process.exit(2);
  }
const root = process.env.DIADEMA_ROOT ?? process.cwd();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const has = (bin: string) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;

buildBundle(root);

const dir = mkdtempSync(path.join(os.tmpdir(), 'diadema-bench-footprint-'));
const children: ChildProcess[] = [];
const start = (cmd: string, args: string[], env: NodeJS.ProcessEnv, log: string, as?: typeof ids) => {
  const c = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...as });
  const out: string[] = [];
  c.stdout!.on('data', (d: Buffer) => out.push(d.toString()));
  c.stderr!.on('data', (d: Buffer) => out.push(d.toString()));
  c.on('exit', () => writeFileSync(path.join(dir, log), out.join('')));
  children.push(c);
  return c;
};
const stop = async (c: ChildProcess | undefined, graceMs = 10_000) => {
  if (!c?.pid || c.exitCode !== null || c.signalCode !== null) return;
  const exited = new Promise((r) => c.once('exit', r));
  try {
    process.kill(-c.pid, 'SIGTERM');
  } catch {
    return;
  }
  const t = setTimeout(() => {
    try {
      process.kill(-c.pid!, 'SIGKILL');
    } catch {
      // Gone.
    }
  }, graceMs);
  await exited;
  clearTimeout(t);
};

/** Waits until `user` has a binding at the lab's Kamailio. */
async function registered(env: LabEnv, user: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const contacts = (await registeredContacts(env).catch(() => [])) as Array<{ aor: string }>;
    if (contacts.some((c) => c.aor.startsWith(`${user}@`) || c.aor === user)) return;
    await sleep(200);
  }
  throw new Error(`${user} did not register within ${ms} ms`);
}

interface Measured {
  label: string;
  samples: GroupMemory[];
}
/** Samples the process tree of `rootPid` (minus processes named in `skip`) after the idle time. */
async function measure(label: string, rootPid: number, skip: RegExp = /^$/): Promise<Measured> {
  await sleep(idleMs);
  const out: GroupMemory[] = [];
  for (let i = 0; i < samples; i++) {
    const pids = processTree(rootPid).filter((pid) => {
      try {
        return !skip.test(readFileSync(`/proc/${pid}/comm`, 'utf8').trim());
      } catch {
        return false;
      }
    });
    out.push(groupMemory(pids));
    await sleep(3000);
  }
  return { label, samples: out };
}

const mib = (kib: number) => kib / 1024;
const results: Measured[] = [];
let lab: { env: LabEnv; stop(): Promise<void> } | undefined;
try {
  lab = (await startLab({ dir: path.join(dir, 'lab'), media: false })) as { env: LabEnv; stop(): Promise<void> };
  const env = lab.env;
  const display = `:${90 + (process.pid % 9)}`;
  const runtime = path.join(dir, 'xdg');
  mkdirSync(runtime, { mode: 0o700 });
  const base = { ...process.env, XDG_RUNTIME_DIR: runtime, HOME: path.join(dir, 'home') };
  mkdirSync(base.HOME, { recursive: true });
  /** Gives `--user` what the browser host writes: its home, runtime and data folders, its settings file. */
  const own = (...paths: string[]) => {
    if (ids) for (const p of paths) chownSync(p, ids.uid, ids.gid);
  };
  if (ids) chmodSync(dir, 0o711); // The user reaches its own files in here, and lists nothing.
  own(runtime, base.HOME);
  let gui: NodeJS.ProcessEnv | undefined;
  if (has('Xvfb')) {
    start('Xvfb', [display, '-nolisten', 'tcp', '-screen', '0', '1366x768x24'], base, 'xvfb.log');
    const socket = `/tmp/.X11-unix/X${display.slice(1)}`;
    for (let i = 0; i < 100 && !existsSync(socket); i++) await sleep(50);
    gui = { ...base, DISPLAY: display };
  } else console.log('Xvfb not installed (apt-get install xvfb): the windowed runs are skipped');

  // Diadema's browser host, windowed (as agents run it) and headless.
  for (const [n, headless] of [
    [1, false],
    [2, true],
  ] as const) {
    if (!only.has(headless ? 'headless' : 'windowed') || (!headless && !gui)) continue;
    const acc = labAccount(env, n);
    const settings = path.join(dir, `settings-${n}.json`);
    writeFileSync(
      settings,
      JSON.stringify({ 'account.server': env.ws, 'account.user': acc.user, 'account.password': acc.password }),
    );
    mkdirSync(path.join(dir, `data-${n}`));
    own(settings, path.join(dir, `data-${n}`));
    const host = start(
      process.execPath,
      [
        path.join(root, 'dist', 'node', 'browser-host.mjs'),
        '--settings',
        settings,
        '--data-dir',
        path.join(dir, `data-${n}`),
        ...(headless ? ['--headless'] : []),
      ],
      headless ? base : gui!,
      `diadema-${n}.log`,
      ids,
    );
    try {
      await registered(env, acc.user, 20_000);
      const label = `Diadema browser host${headless ? ' (headless)' : ''}${user ? ` as ${user}` : ''}`;
      results.push(await measure(label, host.pid!));
    } finally {
      await stop(host);
    }
  }

  // Linphone desktop, registered over UDP.
  if (!only.has('linphone')) {
    // Not asked for.
  } else if (gui && has('linphone')) {
    const acc = labAccount(env, 3);
    const rc = path.join(dir, 'linphonerc');
    writeFileSync(
      rc,
      [
        '[sip]',
        'sip_port=-1',
        'sip_tcp_port=-1',
        'sip_tls_port=-1',
        'default_proxy=0',
        '[proxy_0]',
        `reg_proxy=<sip:${env.udp};transport=udp>`,
        `reg_identity=sip:${acc.user}@${env.domain}`,
        'reg_expires=3600',
        'reg_sendregister=1',
        'publish=0',
        '[auth_info_0]',
        `username=${acc.user}`,
        `passwd=${acc.password}`,
        `domain=${env.domain}`,
        '',
      ].join('\n'),
    );
    // Linphone wants a session bus; it is not counted (Diadema's Chromium runs without one).
    const dbus = has('dbus-run-session');
    const linphone = start(
      dbus ? 'dbus-run-session' : 'linphone',
      dbus ? ['--', 'linphone', '--config', rc] : ['--config', rc],
      gui,
      'linphone.log',
    );
    try {
      await registered(env, acc.user, 30_000);
      results.push(await measure('Linphone desktop', linphone.pid!, /^dbus-/));
    } finally {
      await stop(linphone);
    }
  } else console.log('Linphone desktop not measured (apt-get install linphone-desktop xvfb)');
} finally {
  for (const c of children) await stop(c, 3000);
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
}

console.log(`\nidle and registered: ${idleMs / 1000} s idle, then ${samples} samples 3 s apart (MiB)`);
for (const r of results) {
  console.log(`\n${r.label}: ${r.samples.at(-1)!.processes.length} processes`);
  console.log(formatRow('  distinct resident pages', summarise(r.samples.map((s) => mib(s.distinctKiB))), 'MiB', 1));
  console.log(formatRow('  sum of PSS', summarise(r.samples.map((s) => mib(s.pssKiB))), 'MiB', 1));
  console.log(formatRow('  sum of private pages', summarise(r.samples.map((s) => mib(s.ussKiB))), 'MiB', 1));
  const last = r.samples.at(-1)!;
  const byRole = new Map<string, { n: number; pss: number; rss: number }>();
  for (const p of last.processes) {
    const x = byRole.get(p.role) ?? { n: 0, pss: 0, rss: 0 };
    byRole.set(p.role, { n: x.n + 1, pss: x.pss + p.pssKiB, rss: x.rss + p.rssKiB });
  }
  for (const [role, x] of [...byRole].sort((a, b) => b[1].pss - a[1].pss))
    console.log(
      `    ${`${role} ×${x.n}`.padEnd(36)} PSS ${mib(x.pss).toFixed(1).padStart(7)}  RSS ${mib(x.rss).toFixed(1).padStart(7)}`,
    );
}
const median = (r: Measured | undefined) => (r ? summarise(r.samples.map((s) => s.distinctKiB)).median : NaN);
const linphone = results.find((r) => r.label.startsWith('Linphone'));
for (const r of results.filter((x) => x !== linphone))
  if (linphone)
    console.log(
      `\n${r.label} / Linphone desktop (distinct pages, median): ${(median(r) / median(linphone)).toFixed(2)}×`,
    );
