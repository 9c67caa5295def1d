import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
// @ts-expect-error: plain JavaScript module shared with `npm run lab`
import { startLab } from '../../test/lab/lab-core.mjs';
import type { LabEnv } from '../../test/support/lab-env';
import { labAccount } from '../../test/support/lab-env';
import { writeFileAtomic } from '../../electron/node/fs-atomic';
import { jsonFileLayer } from '../../electron/node/settings/layer-source';
import { generateSigningKey, readSigningKey } from '../../electron/node/profile/keys';
import { signProfile } from '../../electron/node/profile/signed-profile';
import { bundleEntries } from '../../test/support/store-build';
import { formatRow, summarise, type Summary } from '../support/stats';
import { startFleetAgent, type FleetAgent } from './fleet-core';
import { measurePhase, treeCpuSeconds, type PhaseFigures } from './measure';
import { callStorm, type StormResult } from './sipp-storm';

/**
 * A fleet of agent cores in this one Node process, each registered to the lab's Kamailio over WebSocket with its
 * own account, in steps of N. Per step: registration of all N at once, memory per core, the check-sync NOTIFY
 * fan-out, an auto-answered SIPp call storm. Stops at the first step that fails a limit and says which.
 * See README.md for the options.
 */
const args = process.argv.slice(2);
const arg = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const quick = args.includes('--quick');
const steps = (arg('steps') ?? (quick ? '10,25' : '50,100,200,500')).split(',').map(Number);
const cps = Number(arg('cps') ?? (quick ? 5 : 50));
const stormSec = Number(arg('storm-sec') ?? (quick ? 4 : 10));
const budgetMs = Number(arg('budget-min') ?? (quick ? 4 : 25)) * 60_000;
const pollSec = Number(arg('poll-sec') ?? (quick ? 5 : 30));
/**
 * Limits: past one of these a step does not count as scaling. They are about what agents and callers notice
 * (failures, delays); CPU shares are printed beside them to say why.
 */
const limits = { loopP99Ms: 200, failedShare: 0.01, checkSyncP95Ms: 2000, answerP95Ms: 1000, memShare: 0.7 };

/** One publish → applied on every agent. */
interface Rollout extends PhaseFigures {
  version: number;
  applied: number;
  /** Publish → applied, per agent (ms). */
  toApplied: Summary;
  /** Publish → the agent's onCheckSync (ms; empty when polling). */
  toNudged: Summary;
  /** What made each agent fetch the version it applied. */
  triggers: Record<string, number>;
  /** Requests the profile server answered during the rollout, and per second over it. */
  requests: number;
  requestsPerSec: number;
  /** The most requests within one second. */
  peakPerSec: number;
  /** CPU of the profile server's process over the rollout (share of one core). */
  serverCpuPct: number;
}

type LabHandle = { env: LabEnv & { fleet: Array<{ user: string; password: string }> }; stop(): Promise<void> };

interface StepResult {
  n: number;
  register: PhaseFigures & { perAgent: Summary; registered: number };
  rssPerCoreMb: number;
  heapPerCoreMb: number;
  rssTotalMb: number;
  idle: PhaseFigures;
  notify: PhaseFigures & { toFired: Summary; answered200: number; fired: number };
  rollout: { checkSync: Rollout; polling: Rollout };
  storm: PhaseFigures & { result: StormResult; answer: Summary };
  stop?: string;
}

/** The lab library in the repository (the bench itself runs bundled from .tmp/). */
const labCoreUrl = pathToFileURL(path.resolve(process.cwd(), 'test', 'lab', 'lab-core.mjs')).href;
if (!existsSync(new URL(labCoreUrl))) throw new Error('run from the repository root: npm run bench -- fleet');

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const mb = (b: number) => b / 1024 / 1024;

const started = performance.now();
const root = mkdtempSync(path.join(os.tmpdir(), 'diadema-bench-fleet-'));
const built = await bundleEntries({
  'store-worker': 'electron/node/store/store-worker.ts',
  'profile-server': 'bench/fleet/profile-server-main.ts',
});
const maxN = Math.max(...steps);
const lab = (await startLab({
  dir: path.join(root, 'lab'),
  fleet: maxN,
  rtpPorts: 4000,
})) as LabHandle;
const kamailioPid = Number(readFileSync(path.join(lab.env.dir, 'kamailio.ownpid'), 'utf8'));
// The team profile: a real HTTPS server (Node https, openssl-made certificate) serving the folder a team lead
// publishes to, a signing key, and the IT policy every agent reads (URL, trusted key, poll interval).
const server = await startProfileServer(path.join(root, 'published'));
const lead = await readSigningKey(
  (await generateSigningKey(path.join(root, 'keys'), 'fleet-lead', new Date())).keyFile,
);
const policyFile = path.join(root, 'policy.json');
await writeFileAtomic(
  policyFile,
  JSON.stringify({
    'profile.url': `${server.url}/floor.jws`,
    'profile.trustedKeys': [lead.publicLine],
    'profile.pollSec': pollSec,
  }),
);
let profileVersion = 0;
/** Signs and publishes the next version (atomically: a poll never reads half a file); returns its number. */
async function publishNext(): Promise<number> {
  const version = ++profileVersion;
  const draft = {
    team: 'floor',
    version,
    author: 'Fleet Lead',
    defaults: { 'notes.editWindowMin': 10 + (version % 100) },
    enforced: {},
  };
  await writeFileAtomic(path.join(server.dir, 'floor.jws'), await signProfile(draft, lead, new Date()), 0o644);
  return version;
}
await publishNext();
const results: StepResult[] = [];
let stopReason: string | undefined;
try {
  console.log(
    `fleet: steps ${steps.join(', ')} agents; storm ${cps} calls/s for ${stormSec} s; ${os.cpus().length} CPUs, ` +
      `${Math.round(mb(os.totalmem()))} MB; limits: failures ${limits.failedShare * 100} %, check-sync p95 ` +
      `${limits.checkSyncP95Ms} ms, INVITE → 200 p95 ${limits.answerP95Ms} ms, event-loop p99 during the storm ` +
      `${limits.loopP99Ms} ms, memory ${limits.memShare * 100} %`,
  );
  for (const n of steps) {
    const elapsed = performance.now() - started;
    const last = results.at(-1);
    // A step costs roughly in proportion to N: do not start one the budget cannot finish.
    if (last && elapsed + ((performance.now() - started) / results.length) * (n / last.n) > budgetMs) {
      stopReason = `time budget: ${n} agents would not finish within ${budgetMs / 60_000} min (--budget-min)`;
      break;
    }
    console.log(`\n… ${n} agents`);
    const r = await runStep(n);
    results.push(r);
    if (r.stop) {
      stopReason = `${n} agents: ${r.stop}`;
      break;
    }
  }
  printTables();
} finally {
  await lab.stop();
  await server.stop();
  built.dispose();
  rmSync(root, { recursive: true, force: true });
}

async function runStep(n: number): Promise<StepResult> {
  const accounts = lab.env.fleet.slice(0, n);
  const agents: FleetAgent[] = [];
  gc();
  const rss0 = process.memoryUsage().rss;
  const heap0 = process.memoryUsage().heapUsed;
  try {
    // Build the cores a few at a time (each opens its notes database in a worker), then register all at once.
    for (let i = 0; i < n; i += 10) {
      agents.push(
        ...(await Promise.all(
          accounts.slice(i, i + 10).map((a) =>
            startFleetAgent({
              root,
              server: lab.env.ws,
              user: a.user,
              password: a.password,
              workerUrl: built.urls['store-worker'],
              settings: { 'calls.autoAnswer': true, 'calls.autoAnswerDelaySec': 0 },
              extra: {
                policy: jsonFileLayer('policy', policyFile, { quarantineDamaged: false }),
                profile: { ca: server.caPem },
              },
            }),
          ),
        )),
      );
    }
    // Let the store workers finish opening their databases, so registration is measured on its own.
    await new Promise((r) => setTimeout(r, 1000 + 5 * n));
    const perAgent: number[] = [];
    const register = await measurePhase(kamailioPid, () =>
      Promise.all(
        agents.map(async (a) => {
          const t = performance.now();
          const s = await a.core.handlers['phone.register']({});
          if (s.state === 'registered') perAgent.push(performance.now() - t);
          return s.state;
        }),
      ),
    );
    const registered = register.value.filter((s) => s === 'registered').length;
    gc();
    const mem = process.memoryUsage();
    const rssPerCoreMb = mb(mem.rss - rss0) / n;
    const heapPerCoreMb = mb(mem.heapUsed - heap0) / n;

    // Registered and idle: what N agents cost when nothing happens (keep-alives, timers).
    const idle = await measurePhase(kamailioPid, () => new Promise((r) => setTimeout(r, 3000)));

    // check-sync: NOTIFY to every agent through Kamailio → onCheckSync in each core.
    // The sender runs in its own process (it is the server's side, not the agents'); times are wall clock.
    const firedAt = new Map<string, number>();
    const offs = agents.map((a) => a.core.phone.onCheckSync(() => firedAt.set(a.user, Date.now())));
    const notify = await measurePhase(kamailioPid, async () => {
      const sent = await notifyFromOtherProcess(
        lab.env,
        accounts.map((a) => a.user),
      );
      const until = performance.now() + 10_000;
      while (firedAt.size < registered && performance.now() < until) await new Promise((r) => setTimeout(r, 5));
      return sent;
    });
    offs.forEach((off) => off());
    const toFired = summarise([...firedAt.values()].map((t) => t - notify.value.startedAt));

    // Publish → applied on every agent: once with the check-sync NOTIFY, once waiting for the polls alone.
    const initial = profileVersion;
    const until0 = performance.now() + 60_000;
    while (performance.now() < until0 && agents.some((a) => (a.core.profile.status().applied?.version ?? 0) < initial))
      await new Promise((r) => setTimeout(r, 50));
    const checkSync = await rollout(agents, accounts, true);
    const polling = await rollout(agents, accounts, false);

    // Call storm: SIPp calls the agents in turn; each answers itself. A call lasts a quarter of the gap between two
    // calls to the same agent, so every call finds its agent idle (auto-answer is never armed while another call
    // is live: a call that found its agent still busy would ring until SIPp's timeout and count as failed).
    const gapMs = (n / cps) * 1000;
    const holdMs = Math.max(100, Math.min(2000, Math.floor(gapMs / 4)));
    const storm = await measurePhase(kamailioPid, () =>
      callStorm({
        lab: lab.env,
        caller: labAccount(lab.env, 6),
        callees: accounts.map((a) => a.user),
        cps,
        calls: Math.round(cps * stormSec),
        holdMs,
      }),
    );

    const step: StepResult = {
      n,
      register: { ...register, perAgent: summarise(perAgent), registered },
      rssPerCoreMb,
      heapPerCoreMb,
      rssTotalMb: mb(mem.rss),
      idle,
      notify: {
        ...notify,
        toFired,
        answered200: notify.value.codes.filter((c) => c === 200).length,
        fired: firedAt.size,
      },
      storm: { ...storm, result: storm.value, answer: summarise(storm.value.answerMs) },
      rollout: { checkSync, polling },
    };
    step.stop = limitHit(step);
    console.log(
      `  registered ${registered}/${n} in ${register.wallMs.toFixed(0)} ms; check-sync ${firedAt.size}/${n}; ` +
        `storm ${storm.value.successful}/${storm.value.attempted} ok, ${storm.value.failed} failed`,
    );
    return step;
  } finally {
    // Unregister and close each core a few at a time, so the next step starts from an empty location table.
    for (let i = 0; i < agents.length; i += 25) await Promise.all(agents.slice(i, i + 25).map((a) => a.dispose()));
  }
}

/**
 * Publishes the next version and waits until every agent applied it: at once followed by the check-sync NOTIFY
 * to every agent (`notify`), or by nothing (the agents' polls find it). Requests are counted at the server.
 */
async function rollout(agents: FleetAgent[], accounts: Array<{ user: string }>, notify: boolean): Promise<Rollout> {
  const appliedAt = new Map<string, number>();
  const nudgedAt = new Map<string, number>();
  const triggers: Record<string, number> = {};
  let target = Infinity;
  const nudgeOffs = agents.map((a) =>
    a.core.phone.onCheckSync(() => {
      if (!nudgedAt.has(a.user)) nudgedAt.set(a.user, Date.now());
    }),
  );
  const offs = agents.map((a) =>
    a.core.profile.onChange((st) => {
      if ((st.applied?.version ?? 0) >= target && !appliedAt.has(a.user)) {
        appliedAt.set(a.user, Date.now());
        const t = st.lastCheck?.trigger ?? 'unknown';
        triggers[t] = (triggers[t] ?? 0) + 1;
      }
    }),
  );
  // Past the agents' check-sync coalescing window (1 s): a NOTIFY inside it would wait for the window's end, and a
  // trailing one from the phase before would fetch this version and pass for a poll.
  await new Promise((r) => setTimeout(r, 1500));
  const requests0 = server.count();
  const seen = server.times.length;
  const server0 = treeCpuSeconds(server.pid);
  let publishedAt = 0;
  const phase = await measurePhase(kamailioPid, async () => {
    publishedAt = Date.now();
    target = await publishNext();
    if (notify)
      await notifyFromOtherProcess(
        lab.env,
        accounts.map((a) => a.user),
      );
    const deadline = performance.now() + (notify ? 15_000 : pollSec * 1.2 * 1000 + 15_000);
    while (appliedAt.size < agents.length && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  });
  offs.forEach((off) => off());
  nudgeOffs.forEach((off) => off());
  await new Promise((r) => setTimeout(r, 50)); // the server's last count line
  const serverCpuPct = ((treeCpuSeconds(server.pid) - server0) * 100_000) / phase.wallMs;
  const requests = server.count() - requests0;
  const times = server.times.slice(seen);
  let peakPerSec = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= 1000) j++;
    peakPerSec = Math.max(peakPerSec, i - j + 1);
  }
  return {
    ...phase,
    version: target,
    applied: appliedAt.size,
    toApplied: summarise([...appliedAt.values()].map((t) => t - publishedAt)),
    toNudged: summarise([...nudgedAt.values()].map((t) => t - publishedAt)),
    triggers,
    requests,
    requestsPerSec: requests / (phase.wallMs / 1000),
    peakPerSec,
    serverCpuPct,
  };
}

/**
 * The HTTPS profile server (profile-server-main.ts) in its own process, serving `dir`: its URL and CA, the
 * requests it answered (count, and the time of each as its count lines report them, to 10 ms), its pid for CPU.
 */
async function startProfileServer(dir: string) {
  mkdirSync(dir, { recursive: true });
  const child = spawn(process.execPath, [fileURLToPath(built.urls['profile-server']), dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const times: number[] = [];
  let count = 0;
  let buffered = '';
  const hello = new Promise<{ url: string; caPem: string }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`profile server exited with ${code}`)));
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      let nl;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.startsWith('{')) {
          resolve(JSON.parse(line) as { url: string; caPem: string });
          continue;
        }
        const [at, n] = line.split(' ').map(Number);
        while (count < n!) {
          times.push(at!);
          count++;
        }
      }
    });
  });
  const { url, caPem } = await hello;
  return {
    url,
    caPem,
    dir,
    pid: child.pid!,
    times,
    count: () => count,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/**
 * `notifyRegistered` (lab-core.mjs) in a child Node process, as `npm run lab -- notify-profile` would run it:
 * its HTTP requests to Kamailio's RPC must not be counted as the agents' CPU or delay their event loop.
 */
async function notifyFromOtherProcess(env: LabEnv, only: string[]): Promise<{ startedAt: number; codes: number[] }> {
  const script = [
    `import { notifyRegistered } from ${JSON.stringify(labCoreUrl)};`,
    `const o = JSON.parse(process.argv[1]);`,
    `const startedAt = Date.now();`,
    `const r = await notifyRegistered(o.env, { only: o.only, concurrency: 32 });`,
    `process.stdout.write(JSON.stringify({ startedAt, codes: r.map((x) => x.code) }));`,
  ].join('\n');
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, JSON.stringify({ env, only })], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`check-sync sender exited with ${code}`);
  return JSON.parse(out) as { startedAt: number; codes: number[] };
}

/** The first limit a step breaks, with the measured CPU and event-loop figures of that phase, or undefined. */
function limitHit(s: StepResult): string | undefined {
  const why = (f: PhaseFigures) =>
    `; meanwhile agents' process ${f.agentCpuPct.toFixed(0)} % CPU (of 200 % on 2 cores), Kamailio ` +
    `${f.kamailioCpuPct.toFixed(0)} %, event-loop p99 ${f.loopP99Ms.toFixed(0)} ms / max ${f.loopMaxMs.toFixed(0)} ms`;
  if (s.register.registered < s.n)
    return `registration: only ${s.register.registered} of ${s.n} registered${why(s.register)}`;
  if (s.notify.fired < s.n || s.notify.answered200 < s.n)
    return `check-sync: ${s.notify.answered200} answered 200, ${s.notify.fired} of ${s.n} raised onCheckSync${why(s.notify)}`;
  if (s.notify.toFired.p95 > limits.checkSyncP95Ms)
    return `check-sync p95 ${s.notify.toFired.p95.toFixed(0)} ms${why(s.notify)}`;
  for (const [how, r] of [
    ['with check-sync', s.rollout.checkSync],
    ['by polling', s.rollout.polling],
  ] as const) {
    if (r.applied < s.n) return `profile ${how}: v${r.version} applied on ${r.applied} of ${s.n} agents${why(r)}`;
  }
  if (s.rollout.checkSync.toApplied.p95 > limits.checkSyncP95Ms)
    return `profile with check-sync: publish → applied p95 ${s.rollout.checkSync.toApplied.p95.toFixed(0)} ms${why(s.rollout.checkSync)}`;
  const st = s.storm.result;
  if (st.failed / Math.max(1, st.attempted) > limits.failedShare)
    return `call storm: ${st.failed} of ${st.attempted} calls failed (SIPp; ${JSON.stringify(st.unexpected)})${why(s.storm)}`;
  if (s.storm.answer.p95 > limits.answerP95Ms)
    return `call storm: INVITE → 200 p95 ${s.storm.answer.p95.toFixed(0)} ms${why(s.storm)}`;
  if (s.storm.loopP99Ms > limits.loopP99Ms) return `call storm: agents' event loop lagging${why(s.storm)}`;
  if (s.rssTotalMb > mb(os.totalmem()) * limits.memShare)
    return `memory: agents' process at ${s.rssTotalMb.toFixed(0)} MB`;
  return undefined;
}

function printTables(): void {
  const f0 = (v: number) => v.toFixed(0).padStart(7);
  const f1 = (v: number) => v.toFixed(1).padStart(7);
  console.log('\nregistration of all N at once (ms), memory after registration');
  for (const r of results) {
    console.log(formatRow(`register, ${r.n} agents`, r.register.perAgent, 'ms', 0));
  }
  console.log(
    `${'agents'.padStart(7)} ${'all (ms)'.padStart(9)} ${'ok'.padStart(5)} ${'RSS/core MB'.padStart(12)} ` +
      `${'heap/core MB'.padStart(13)} ${'RSS MB'.padStart(8)} ${'agents CPU%'.padStart(12)} ${'Kam CPU%'.padStart(9)} ` +
      `${'loop p99'.padStart(9)} ${'loop max'.padStart(9)}`,
  );
  for (const r of results)
    console.log(
      `${String(r.n).padStart(7)} ${f0(r.register.wallMs).padStart(9)} ${String(r.register.registered).padStart(5)} ` +
        `${f1(r.rssPerCoreMb).padStart(12)} ${f1(r.heapPerCoreMb).padStart(13)} ${f0(r.rssTotalMb).padStart(8)} ` +
        `${f0(r.register.agentCpuPct).padStart(12)} ${f0(r.register.kamailioCpuPct).padStart(9)} ` +
        `${f0(r.register.loopP99Ms).padStart(9)} ${f0(r.register.loopMaxMs).padStart(9)}`,
    );

  console.log('\nregistered and idle for 3 s');
  for (const r of results)
    console.log(
      `  ${r.n} agents: agents' process ${f0(r.idle.agentCpuPct).trim()} % CPU, Kamailio ` +
        `${f0(r.idle.kamailioCpuPct).trim()} %, event-loop p99 ${f0(r.idle.loopP99Ms).trim()} ms`,
    );

  console.log(
    '\ncheck-sync NOTIFY to every agent (lab RPC → Kamailio → WebSocket → onCheckSync), ms from the RPC start',
  );
  for (const r of results) {
    console.log(formatRow(`check-sync, ${r.n} agents`, r.notify.toFired, 'ms', 0));
  }
  for (const r of results)
    console.log(
      `  ${r.n} agents: ${r.notify.answered200} answered 200, ${r.notify.fired} raised onCheckSync; ` +
        `agents CPU ${f0(r.notify.agentCpuPct).trim()} %, Kamailio CPU ${f0(r.notify.kamailioCpuPct).trim()} %, ` +
        `loop p99 ${f0(r.notify.loopP99Ms).trim()} ms`,
    );

  console.log(`\nteam profile: publish → applied on every agent (ms), profile.pollSec ${pollSec} (±20 % jitter)`);
  for (const r of results) {
    console.log(formatRow(`with check-sync, ${r.n} agents`, r.rollout.checkSync.toApplied, 'ms', 0));
    console.log(formatRow(`  of which publish → NOTIFY in agent`, r.rollout.checkSync.toNudged, 'ms', 0));
    console.log(formatRow(`polling only, ${r.n} agents`, r.rollout.polling.toApplied, 'ms', 0));
  }
  console.log(
    `${'agents'.padStart(7)} ${'how'.padStart(11)} ${'applied'.padStart(8)} ${'requests'.padStart(9)} ` +
      `${'req/s'.padStart(7)} ${'peak/s'.padStart(7)} ${'server CPU%'.padStart(12)} ${'agents CPU%'.padStart(12)} ` +
      `${'loop p99'.padStart(9)}  triggers`,
  );
  for (const r of results) {
    for (const [how, x] of [
      ['check-sync', r.rollout.checkSync],
      ['polling', r.rollout.polling],
    ] as const)
      console.log(
        `${String(r.n).padStart(7)} ${how.padStart(11)} ${String(x.applied).padStart(8)} ${String(x.requests).padStart(9)} ` +
          `${x.requestsPerSec.toFixed(1).padStart(7)} ${String(x.peakPerSec).padStart(7)} ` +
          `${f0(x.serverCpuPct).padStart(12)} ${f0(x.agentCpuPct).padStart(12)} ${f0(x.loopP99Ms).padStart(9)}  ${JSON.stringify(x.triggers)}`,
      );
  }

  console.log(`\nauto-answered call storm, SIPp over UDP at ${cps} calls/s for ${stormSec} s (INVITE → 200, ms)`);
  for (const r of results) console.log(formatRow(`storm, ${r.n} agents`, r.storm.answer, 'ms', 0));
  console.log(
    `${'agents'.padStart(7)} ${'calls'.padStart(6)} ${'ok'.padStart(6)} ${'failed'.padStart(7)} ${'calls/s'.padStart(8)} ` +
      `${'agents CPU%'.padStart(12)} ${'Kam CPU%'.padStart(9)} ${'loop p99'.padStart(9)} ${'loop max'.padStart(9)}`,
  );
  for (const r of results) {
    const s = r.storm.result;
    console.log(
      `${String(r.n).padStart(7)} ${String(s.attempted).padStart(6)} ${String(s.successful).padStart(6)} ` +
        `${String(s.failed).padStart(7)} ${(s.attempted / (s.wallMs / 1000)).toFixed(1).padStart(8)} ` +
        `${f0(r.storm.agentCpuPct).padStart(12)} ${f0(r.storm.kamailioCpuPct).padStart(9)} ` +
        `${f0(r.storm.loopP99Ms).padStart(9)} ${f0(r.storm.loopMaxMs).padStart(9)}`,
    );
  }
  const top = results.at(-1);
  console.log(
    stopReason
      ? `\nstops scaling: ${stopReason}`
      : `\nscaled through ${top?.n ?? 0} agents with no limit hit (the largest step asked for)`,
  );
}
