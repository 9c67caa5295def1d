import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { StoreClient } from '../../electron/node/store/store-client';
import { typedText } from './typist-text';

export interface KillOutcome {
  typed: number;
  lastSaving: number;
  lastSaved: number;
  recovered: number;
  /** Starts of saves: the draft on disk must be exactly one of these snapshots. */
  savings: number[];
  recoveredIsPrefix: boolean;
  /** Keystrokes lost: typed before the kill, absent after reopening. */
  lost: number;
}

/**
 * Starts the typist (a bundled notes-typist.mjs), lets it type for `typeMs` after its first durable save, kills
 * it with SIGKILL, reopens the database through the store worker and reports what survived.
 */
export async function killTypistOnce(o: {
  typist: URL;
  worker: URL;
  file: string;
  callId: string;
  typeMs: number;
  everyMs?: number;
}): Promise<KillOutcome> {
  const child = spawn(process.execPath, [fileURLToPath(o.typist), o.file, o.callId, String(o.everyMs ?? 10)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let typed = 0,
    lastSaving = 0,
    lastSaved = 0,
    buf = '',
    err = '';
  const savings: number[] = [];
  let firstSaved: (() => void) | undefined;
  const saved = new Promise<void>((r) => {
    firstSaved = r;
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const l of lines) {
      const [k, v] = l.split(' ');
      if (k === 'typed') typed = Number(v);
      else if (k === 'saving') {
        lastSaving = Number(v);
        savings.push(lastSaving);
      } else if (k === 'saved') {
        lastSaved = Number(v);
        firstSaved?.();
      }
    }
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await Promise.race([
    saved,
    exited.then(() => {
      throw new Error(`typist exited early: ${err}`);
    }),
  ]);
  await new Promise((r) => setTimeout(r, o.typeMs));
  child.kill('SIGKILL');
  await exited;
  const store = await StoreClient.open({ file: o.file, workerUrl: o.worker });
  try {
    const note = await store.call('getNote', { callId: o.callId });
    const text = note?.text ?? '';
    return {
      typed,
      lastSaving,
      lastSaved,
      recovered: text.length,
      savings,
      recoveredIsPrefix: typedText(typed).startsWith(text),
      lost: typed - text.length,
    };
  } finally {
    await store.close();
  }
}

/** What a series of kills lost (see `killTypistLoop`). */
export interface KillLoopTally {
  /** Keystrokes lost per kill. */
  lostKeys: number[];
  /** Kills after which the database did not reopen. */
  failed: number;
  /** Drafts that are not a prefix of what was typed. */
  notPrefix: number;
  /** Text confirmed durable and then lost. */
  lostConfirmed: number;
  /** Drafts that are not one whole save. */
  torn: number;
  ms: number;
}

/**
 * `kills` rounds of `killTypistOnce` on one database file, each typing for `typeMs()` before its kill; a round that
 * fails to reopen the database is counted and said, and every 100 kills a progress line is printed.
 */
export async function killTypistLoop(o: {
  typist: URL;
  worker: URL;
  file: string;
  kills: number;
  typeMs: () => number;
  log?: (line: string) => void;
}): Promise<KillLoopTally> {
  const log = o.log ?? ((line: string) => console.log(line));
  const t: KillLoopTally = { lostKeys: [], failed: 0, notPrefix: 0, lostConfirmed: 0, torn: 0, ms: 0 };
  const started = performance.now();
  for (let i = 0; i < o.kills; i++) {
    try {
      const r = await killTypistOnce({
        typist: o.typist,
        worker: o.worker,
        file: o.file,
        callId: `k${i}`,
        typeMs: o.typeMs(),
      });
      t.lostKeys.push(r.lost);
      if (!r.recoveredIsPrefix) t.notPrefix++;
      if (r.recovered < r.lastSaved) t.lostConfirmed++;
      if (!r.savings.includes(r.recovered)) t.torn++;
    } catch (e) {
      t.failed++;
      log(`  kill ${i}: ${String(e)}`);
    }
    if ((i + 1) % 100 === 0) log(`  ${i + 1} kills …`);
  }
  t.ms = performance.now() - started;
  return t;
}
