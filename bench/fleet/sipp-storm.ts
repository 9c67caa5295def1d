import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabEnv } from '../../test/support/lab-env';
import { freeUdpPort } from '../../test/support/sipp';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Beside this file in the source tree; the bundled bench runs from .tmp/, so fall back to the repository layout. */
const scenario = [
  path.join(here, 'storm-caller.xml'),
  path.resolve(process.cwd(), 'bench', 'fleet', 'storm-caller.xml'),
];

export interface StormResult {
  attempted: number;
  successful: number;
  failed: number;
  /** First INVITE sent → 200 OK, per successful call (ms). */
  answerMs: number[];
  /** SIPp's exit code: 0 all calls went as the scenario says. */
  code: number | null;
  wallMs: number;
  /** Status codes SIPp did not expect (from its error log), with how often each came. */
  unexpected: Record<string, number>;
  tail: string;
}

/**
 * An auto-answered call storm with SIPp over UDP through the lab's Kamailio: `calls` calls at `cps` calls per
 * second, callees taken in turn from `callees`, each held `holdMs` and hung up by the caller. Counts from SIPp's own
 * statistics file; INVITE → 200 times from its response-time trace.
 */
export async function callStorm(o: {
  lab: LabEnv;
  caller: { user: string; password: string };
  callees: string[];
  cps: number;
  calls: number;
  holdMs: number;
}): Promise<StormResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'diadema-storm-'));
  try {
    writeFileSync(path.join(dir, 'callees.csv'), ['SEQUENTIAL', ...o.callees.map((c) => `${c};`), ''].join('\n'));
    const sf = scenario.find((f) => {
      try {
        readFileSync(f);
        return true;
      } catch {
        return false;
      }
    });
    if (!sf) throw new Error(`storm scenario not found (looked at ${scenario.join(', ')})`);
    const [sipPort, controlPort] = [await freeUdpPort(), await freeUdpPort()];
    const args = [
      o.lab.udp,
      '-sf',
      sf,
      '-inf',
      path.join(dir, 'callees.csv'),
      '-s',
      o.caller.user,
      '-au',
      o.caller.user,
      '-ap',
      o.caller.password,
      '-i',
      '127.0.0.1',
      '-p',
      String(sipPort),
      '-cp',
      String(controlPort),
      '-mi',
      '127.0.0.1',
      '-mp',
      String(20000 + 2 * Math.floor(Math.random() * 4000)),
      '-r',
      String(o.cps),
      '-rp',
      '1000',
      '-m',
      String(o.calls),
      '-d',
      String(o.holdMs),
      '-recv_timeout',
      '15000',
      '-timeout',
      `${Math.ceil(o.calls / o.cps) + 60}s`,
      '-nostdin',
      '-trace_stat',
      '-stf',
      path.join(dir, 'stat.csv'),
      '-fd',
      '1',
      '-trace_rtt',
      '-rtt_freq',
      '1',
      '-trace_err',
      '-error_file',
      path.join(dir, 'errors.log'),
    ];
    const start = performance.now();
    const child = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const keep = (d: Buffer) => {
      out = (out + d.toString()).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    const wallMs = performance.now() - start;
    const stat = readFileSync(path.join(dir, 'stat.csv'), 'utf8').trim().split('\n');
    const header = stat[0]!.split(';');
    const last = stat.at(-1)!.split(';');
    const col = (name: string) => Number(last[header.indexOf(name)] ?? NaN);
    const rttFile = readdirSync(dir).find((f) => f.endsWith('_rtt.csv'));
    const answerMs = rttFile
      ? readFileSync(path.join(dir, rttFile), 'utf8')
          .trim()
          .split('\n')
          .slice(1)
          .map((l) => Number(l.split(';')[1]))
          .filter((v) => Number.isFinite(v))
      : [];
    const unexpected: Record<string, number> = {};
    let errors = '';
    try {
      errors = readFileSync(path.join(dir, 'errors.log'), 'utf8');
    } catch {
      // no errors, no file
    }
    for (const m of errors.matchAll(/^\s*SIP\/2\.0 (\d{3})/gm)) unexpected[m[1]!] = (unexpected[m[1]!] ?? 0) + 1;
    for (const m of errors.matchAll(/(timeout|Aborting call|retransmission)[^\n]*/gi)) {
      const k = m[1]!.toLowerCase();
      unexpected[k] = (unexpected[k] ?? 0) + 1;
    }
    return {
      unexpected,
      attempted: col('TotalCallCreated'),
      successful: col('SuccessfulCall(C)'),
      failed: col('FailedCall(C)'),
      answerMs,
      code,
      wallMs,
      tail: out,
    };
  } finally {
    if (!process.env.DIADEMA_KEEP_SIPP) rmSync(dir, { recursive: true, force: true });
  }
}
