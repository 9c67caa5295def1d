import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
// @ts-expect-error: plain JavaScript module shared with the `npm run lab` command
import { registeredContacts as labContacts } from '../lab/lab-core.mjs';
import { startHostProcess, type HostProcess } from '../support/browser-host-process';
import { callState, clickTestId, startE2eAgent, type E2eAgent } from '../support/e2e-agent';
import { labAccount } from '../support/lab-env';
import { attachToHostChromium, until, writeChromiumWrapper } from '../support/own-chromium-agent';
import { seededRandom } from '../support/seeded-random';

// Stopping the browser host with SIGTERM or SIGINT at random moments (idle, ringing, in a call, typing a note):
// every run must exit 0 having ended the call at the far end, un-REGISTERed at Kamailio, written the note typed
// just before the signal, waited for all of Chromium and removed its profile folder, and nothing else. The host
// under test starts its own headless Chromium, as `npm run start:browser` does; a wrapper adds a debugging port
// (so the test can play the agent in that very page) and a tone as the microphone. The far end is a second agent
// with real WebRTC (browser host and Chromium), kept across runs. DIADEMA_CLEAN_STOP_SEED replays a series; DIADEMA_CLEAN_STOP_RUNS
// shortens it while working on it.

const lab = inject('lab');
const agent = labAccount(lab, 2);
const farAccount = labAccount(lab, 3);

type Moment = 'idle' | 'ringing' | 'in-call' | 'typing';
type StopSignal = 'SIGTERM' | 'SIGINT';
interface Plan {
  run: number;
  signal: StopSignal;
  moment: Moment;
  entry: 'host' | 'start-browser';
  /** Wait once the moment is reached, before the signal (for typing: after the last keystroke). */
  waitMs: number;
}
interface Outcome {
  plan: Plan;
  exitCode: number | null;
  exitSignal: string | null;
  stopMs: number;
  unregistered: boolean;
  left: string[];
}

const seed = Number(process.env.DIADEMA_CLEAN_STOP_SEED ?? Math.floor(Math.random() * 2 ** 31));
const totalRuns = Number(process.env.DIADEMA_CLEAN_STOP_RUNS ?? 40);

/** Half SIGTERM, half SIGINT; the four moments evenly within each; a few through the npm script's entry. */
function plans(random: () => number, n: number): Plan[] {
  const moments: Moment[] = ['idle', 'ringing', 'in-call', 'typing'];
  const list: Omit<Plan, 'run'>[] = [];
  for (let i = 0; i < n; i++) {
    const signal: StopSignal = i % 2 === 0 ? 'SIGTERM' : 'SIGINT';
    const moment = moments[Math.floor(i / 2) % moments.length]!;
    list.push({ signal, moment, entry: 'host', waitMs: 0 });
  }
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  // Two of each signal go through build/start-browser.mjs, which must pass the signal on to the host.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const own = list.filter((p) => p.signal === signal);
    for (const p of own.slice(0, Math.min(2, Math.floor(own.length / 2)))) p.entry = 'start-browser';
  }
  return list.map((p, i) => ({
    ...p,
    run: i + 1,
    // Typing: within the renderer's autosave window after the last keystroke, where a draft is only in the page.
    waitMs: Math.floor(random() * (p.moment === 'typing' ? 250 : p.moment === 'idle' ? 1000 : 600)),
  }));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Live processes (pid, process group, command line) read from /proc. */
function processes(): Array<{ pid: number; pgid: number; state: string; cmd: string }> {
  const out = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name in parentheses may contain spaces: the fields after its closing parenthesis are fixed.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      out.push({ pid: Number(entry), pgid: Number(rest[2]), state: rest[0]!, cmd });
    } catch {
      // Gone while reading.
    }
  }
  return out;
}

const registeredContacts = labContacts as (env: typeof lab) => Promise<Array<{ aor: string; contact: string }>>;
const contactsOf = async (user: string): Promise<string[]> =>
  (await registeredContacts(lab)).filter((c) => c.aor === user).map((c) => c.contact);

let work: string;
let wrapper: string;
let far: E2eAgent;
const outcomes: Outcome[] = [];

beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'diadema-clean-stop-'));
  // Chromium as the host starts it, plus a debugging port and a tone as its microphone.
  wrapper = writeChromiumWrapper(work, 440);
  far = await startE2eAgent({ server: lab.ws, account: farAccount, toneHz: 660, settings: { 'acw.durationSec': 0 } });
  console.log(`clean stop: seed ${seed} (DIADEMA_CLEAN_STOP_SEED=${seed} replays this series), ${totalRuns} runs`);
}, 60_000);

afterAll(async () => {
  await far?.dispose();
  if (work) rmSync(work, { recursive: true, force: true });
  if (outcomes.length) {
    const times = outcomes.map((o) => o.stopMs).sort((a, b) => a - b);
    console.log(
      `clean stop: ${outcomes.length} runs, exit 0 in ${outcomes.filter((o) => o.exitCode === 0).length}, ` +
        `un-REGISTER seen in ${outcomes.filter((o) => o.unregistered).length}, clean in ` +
        `${outcomes.filter((o) => !o.left.length).length}; signal → exit median ${times[Math.floor(times.length / 2)]} ms, ` +
        `max ${times.at(-1)} ms`,
    );
  }
});

/** The far end's call as its page shows it: `none` or `ended` once it is over. */
const farState = () => callState(far.page);
const farLive = async () => !/^(none|ended)$/.test(await farState());

async function reachMoment(plan: Plan, page: Page): Promise<{ callId?: string; note?: string }> {
  if (plan.moment === 'idle') return {};
  await far.page.getByTestId('dial-input').fill(agent.user);
  await far.page.getByTestId('dial-input').press('Enter');
  await until('the call ringing in the page', async () => (await callState(page)) === 'ringing', 10_000);
  const callId = await page.evaluate(
    () => document.querySelector('[data-testid=call]')?.getAttribute('data-call-id') ?? '',
  );
  if (plan.moment === 'ringing') return { callId };
  await clickTestId(page, 'call-answer');
  await until('the call active in the page', async () => (await callState(page)) === 'active', 10_000);
  await until('the call active at the far end', async () => (await farState()) === 'active', 10_000);
  if (plan.moment === 'in-call') return { callId };
  const note = `run ${plan.run}: Núñez, reembolso ${1000 + plan.run}`;
  await until(
    'the note open for the call',
    () =>
      page.evaluate((id) => document.querySelector('[data-testid=note]')?.getAttribute('data-call-id') === id, callId),
    5000,
  );
  // The panel opens at once and then loads what the store holds for the call: a keystroke before that answer
  // is overwritten by it (the page's own race, not the shutdown's), so the agent starts typing a moment later.
  await sleep(300);
  await page.getByTestId('note-text').pressSequentially(note, { delay: 5 });
  const shown = await page.getByTestId('note-text').inputValue();
  if (shown !== note) throw new Error(`the page shows ${JSON.stringify(shown)} after typing ${JSON.stringify(note)}`);
  return { callId, note };
}

async function oneRun(plan: Plan): Promise<Outcome> {
  const runDir = mkdtempSync(path.join(work, `run-${plan.run}-`));
  const tmp = path.join(runDir, 'tmp');
  mkdirSync(tmp);
  // Something of someone else's in the same temporary folder: the host must remove only its own.
  const bystander = path.join(tmp, 'diadema-other-keep');
  writeFileSync(bystander, 'not the host’s');
  const left: string[] = [];
  const before = new Set(await contactsOf(agent.user));
  let host: HostProcess | undefined;
  let browser: Browser | undefined;
  try {
    host = await startHostProcess({
      settings: {
        'account.server': lab.ws,
        'account.user': agent.user,
        'account.password': agent.password,
        'acw.durationSec': 0,
      },
      env: { TMPDIR: tmp },
      chromium: wrapper,
      entry: plan.entry,
    });
    const attached = await attachToHostChromium(tmp, host.origin);
    browser = attached.browser;
    const page = attached.page;
    await page.locator('[data-testid=registration-state][data-state=registered]').waitFor({ timeout: 10_000 });
    const mine = await until(
      'the agent’s contact at Kamailio',
      async () => {
        const now = (await contactsOf(agent.user)).filter((c) => !before.has(c));
        return now.length ? now : undefined;
      },
      5000,
    );
    const { callId, note } = await reachMoment(plan, page);
    await sleep(plan.waitMs);
    // Chromium's processes (its own process group, started by the host) and the host's, as they are now.
    const chromiumGroups = new Set(
      processes()
        .filter((p) => p.cmd.includes(`--user-data-dir=${attached.profile}`))
        .map((p) => p.pgid),
    );
    if (!chromiumGroups.size) left.push('no Chromium process found before the signal');
    const hostGroup = host.child.pid!;
    const exited = new Promise<[number | null, string | null]>((r) =>
      host!.child.once('exit', (code, signal) => r([code, signal])),
    );
    const signalledAt = Date.now();
    host.child.kill(plan.signal);
    const [exitCode, exitSignal] = await Promise.race([
      exited,
      sleep(40_000).then((): [null, string] => [null, 'still running 40 s after the signal']),
    ]);
    const stopMs = Date.now() - signalledAt;
    await browser.close().catch(() => undefined);
    browser = undefined;

    // Nothing left running: no process of the host's group or Chromium's, nothing using the run's folders. A zombie
    // has exited already (it waits for init, which reaps Chromium's orphaned helpers in its own time).
    const leftover = processes().filter(
      (p) => p.state !== 'Z' && (p.pgid === hostGroup || chromiumGroups.has(p.pgid) || p.cmd.includes(runDir)),
    );
    for (const p of leftover) left.push(`process ${p.pid} (${p.state}, group ${p.pgid}): ${p.cmd.slice(0, 160)}`);
    const profiles = readdirSync(tmp).filter((f) => f.startsWith('diadema-chromium-'));
    for (const f of profiles)
      left.push(`Chromium profile folder ${f} (${readdirSync(path.join(tmp, f)).length} entries)`);
    if (!existsSync(bystander)) left.push('removed a file that was not its own');
    for (const f of ['settings.json', 'secrets.json', 'notes.sqlite'])
      if (!existsSync(path.join(host.dataDir, f))) left.push(`data folder lost ${f}`);

    // The registrar's view right after the exit: the un-REGISTER was answered before the host left.
    const still = (await contactsOf(agent.user)).filter((c) => mine.includes(c));
    const unregistered = still.length === 0;
    if (!unregistered) left.push(`still registered at Kamailio: ${still.join(', ')}`);

    // The far end heard the call end (BYE after an answer; a final response to its INVITE while ringing): without
    // them its call would go on until the media timed out.
    if (callId) {
      try {
        await until('the far end to see the call end', async () => !(await farLive()), 3000);
      } catch {
        left.push(`far end still in the call (${await farState()}) 3 s after the exit`);
      }
    }

    // The notes: the call's end written, and the draft typed just before the signal on disk.
    if (callId && existsSync(path.join(host.dataDir, 'notes.sqlite'))) {
      const db = new BetterSqlite3(path.join(host.dataDir, 'notes.sqlite'), { readonly: true });
      try {
        const call = db.prepare('SELECT end_at FROM calls WHERE id = ?').get(callId) as
          { end_at: number | null } | undefined;
        if (!call?.end_at) left.push(`call ${callId} has no end in the notes database`);
        if (note) {
          const row = db.prepare('SELECT text FROM notes WHERE call_id = ?').get(callId) as
            { text: string } | undefined;
          if (row?.text !== note)
            left.push(`note on disk ${JSON.stringify(row?.text ?? null)}, typed ${JSON.stringify(note)}`);
        }
      } finally {
        db.close();
      }
    }
    if (exitCode !== 0) left.push(`exit ${exitCode ?? exitSignal}; host log:\n${host.stderr().slice(-2000)}`);
    const steps = [...host.stderr().matchAll(/shutdown: (\w+) done \{"ms":(\d+)\}/g)].map((m) => `${m[1]} ${m[2]}`);
    console.log(
      `run ${plan.run} ${plan.signal} ${plan.moment} +${plan.waitMs} ms via ${plan.entry}: exit ${exitCode ?? exitSignal} ` +
        `in ${stopMs} ms (${steps.join(', ')})${left.length ? `, ${left.length} problems` : ''}`,
    );
    return { plan, exitCode, exitSignal, stopMs, unregistered, left };
  } finally {
    await browser?.close().catch(() => undefined);
    // A run that failed before its signal, or left something behind: stop what it started, so that the next run
    // starts clean and nothing outlives the test. The host's own shutdown first (it stops its Chromium, which
    // runs in a process group of its own); then whatever still runs in the host's group or uses the run's folder.
    if (host && host.child.exitCode === null && host.child.signalCode === null) {
      host.child.kill('SIGTERM');
      await until(
        'the host to stop',
        () => host!.child.exitCode !== null || host!.child.signalCode !== null,
        10_000,
      ).catch(() => undefined);
    }
    for (const p of processes()) {
      if (p.state === 'Z' || !(p.cmd.includes(runDir) || (host && p.pgid === host.child.pid))) continue;
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
    await host?.stop();
    if (await farLive()) {
      await clickTestId(far.page, 'call-hangup');
      await until('the far end idle again', async () => !(await farLive()), 10_000).catch(() => undefined);
    }
    rmSync(runDir, { recursive: true, force: true });
  }
}

describe('the browser host stops cleanly, whatever it is doing', () => {
  it(`SIGTERM and SIGINT at random moments: exit 0, calls ended, un-REGISTERed, note on disk, nothing left`, async () => {
    const failures: string[] = [];
    for (const plan of plans(seededRandom(seed), totalRuns)) {
      const what = `run ${plan.run} (${plan.signal}, ${plan.moment}, ${plan.waitMs} ms after, via ${plan.entry})`;
      let outcome: Outcome;
      try {
        outcome = await oneRun(plan);
      } catch (err) {
        failures.push(`${what}: could not be run: ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
      outcomes.push(outcome);
      if (outcome.left.length) failures.push(`${what}:\n  ${outcome.left.join('\n  ')}`);
    }
    expect(failures, `seed ${seed}:\n${failures.join('\n')}`).toEqual([]);
    expect(outcomes).toHaveLength(totalRuns);
  }, 600_000);
});
