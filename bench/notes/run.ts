import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { silentLogger } from '../../electron/node/log';
import { NotesService } from '../../electron/node/notes/notes-service';
import { markerOf, openStore } from '../../electron/node/store/database';
import { indexPending } from '../../electron/node/store/fts-indexer';
import { StoreClient } from '../../electron/node/store/store-client';
import { callEvents } from '../../test/support/call-events';
import { killTypistLoop } from '../../test/support/kill-typist';
import { bundleEntries } from '../../test/support/store-build';
import { formatRow, percentile, summarise } from '../support/stats';

/**
 * bench/notes: autosave latency with the event loop's lag while calls are being served; FTS search over N
 * generated notes; database size per 100 000 notes; a kill-loop of SIGKILLs while typing, reporting what was lost.
 *   --notes N (default 1 000 000)  --saves N (default 2 000)  --kills N (default 1 000)  --quick  --only autosave|fts|kill
 *   --fts-file PATH: keep the generated database there and reuse it next time (generation takes minutes at 1 000 000)
 */
const arg = (name: string, full: number, quick: number) => {
  const v =
    process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ??
    (process.argv.indexOf(`--${name}`) > 0 ? process.argv[process.argv.indexOf(`--${name}`) + 1] : undefined);
  return Number(v ?? (process.argv.includes('--quick') ? quick : full));
};
const only = process.argv.find((a) => a.startsWith('--only='))?.split('=')[1];
const want = (part: string) => !only || only.split(',').includes(part);
const nNotes = arg('notes', 1_000_000, 20_000);
const nSaves = arg('saves', 2_000, 300);
const nKills = arg('kills', 1_000, 20);
const ftsFile = process.argv.find((a) => a.startsWith('--fts-file='))?.split('=')[1];

const built = await bundleEntries({
  'store-worker': 'electron/node/store/store-worker.ts',
  'notes-typist': 'test/support/notes-typist.ts',
});
const dir = mkdtempSync(path.join(os.tmpdir(), 'diadema-bench-notes-'));
// The machine is shared (2 cores): tail latencies mean little without the load they were taken under.
const load = () =>
  `load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ')}`;
console.log(load());
const ms = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e6;

// A Spanish-looking vocabulary with accents, ñ and a few emoji; 3 000 words so a word is in ~1 % of the notes.
let seed = 42;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
const syll = [
  'ca',
  'lle',
  'ño',
  'ción',
  'ta',
  'ri',
  'fa',
  'pé',
  'rez',
  'mó',
  'vil',
  'fac',
  'tu',
  'ra',
  'co',
  'bro',
  'lí',
  'nea',
  'ser',
  'vi',
  'cio',
  'ba',
  'ja',
  'al',
  'ta',
];
const vocab = Array.from(
  { length: 3_000 },
  (_, i) =>
    (i % 500 === 7 ? '😀' : '') +
    Array.from({ length: 2 + (i % 3) }, () => syll[Math.floor(rnd() * syll.length)]).join('') +
    (i % 97),
);
const word = () => vocab[Math.floor(rnd() * vocab.length)]!;
const sentence = (n: number) => Array.from({ length: n }, word).join(' ');

if (want('autosave')) {
  console.log(
    `\nautosave: ${nSaves} saves of a growing draft (300 ms debounce cadence compressed), quality samples for 4 calls every 20 ms`,
  );
  const notes = new NotesService({
    file: path.join(dir, 'autosave.sqlite'),
    workerUrl: built.urls['store-worker'],
    log: silentLogger,
    settings: () => ({ requiredFields: [], editWindowMin: 30, syncUrl: '' }),
  });
  await notes.start();
  const live = ['q1', 'q2', 'q3', 'q4'].map((id) => {
    const c = callEvents(id);
    notes.onCallEvent(c.ring());
    notes.onCallEvent(c.answer(Date.now()));
    return c;
  });
  const c = callEvents('typed');
  notes.onCallEvent(c.ring());
  notes.onCallEvent(c.answer(Date.now()));
  // The main loop keeps serving: quality samples and a 1 ms ticker that measures its own lateness.
  const quality = setInterval(() => {
    for (const q of live) notes.onCallEvent(q.quality(Date.now(), 4.1));
  }, 20);
  const lag = monitorEventLoopDelay({ resolution: 1 });
  lag.enable();
  const tickLate: number[] = [];
  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    tickLate.push(Math.max(0, now - last - 1));
    last = now;
  }, 1);
  const lat: number[] = [];
  let text = '';
  for (let i = 0; i < nSaves; i++) {
    text += `${word()} `;
    if (text.length > 4000) text = text.slice(-1000);
    const t = process.hrtime.bigint();
    const r = await notes.save({
      callId: 'typed',
      fields: { identifica: 'Sra. Núñez', ayuda: text.slice(0, 200) },
      text,
    });
    lat.push(ms(t));
    if (!r.durable) throw new Error('a save was not durable');
    await new Promise((r2) => setTimeout(r2, 2));
  }
  clearInterval(quality);
  clearInterval(ticker);
  lag.disable();
  console.log(formatRow('autosave round trip (synchronous=FULL)', summarise(lat), 'ms'));
  console.log(formatRow('event-loop tick lateness during saves', summarise(tickLate), 'ms', 3));
  console.log(
    `event-loop delay histogram: p50 ${(lag.percentile(50) / 1e6).toFixed(3)} ms  p99 ${(lag.percentile(99) / 1e6).toFixed(3)} ms  max ${(lag.max / 1e6).toFixed(3)} ms`,
  );
  await notes.stop();
}

if (want('fts')) {
  const file = ftsFile ?? path.join(dir, 'fts.sqlite');
  const start = Date.UTC(2025, 0, 1);
  if (!existsSync(file)) {
    console.log(`\nFTS: generating ${nNotes.toLocaleString('en')} calls with notes in one transaction`);
    const store = openStore(file, { synchronous: 'NORMAL' });
    const t0 = process.hrtime.bigint();
    const insCall = store.db.prepare(
      "INSERT INTO calls (id, direction, remote_name, remote_number, ring_at, answer_at, end_at, hold_ms, acw_ms, disposition) VALUES (?, 'inbound', ?, ?, ?, ?, ?, ?, ?, 'resolved')",
    );
    const insNote = store.db.prepare(
      "INSERT INTO notes (call_id, status, template_id, fields, fields_text, text, disposition, created_at, updated_at, finished_at) VALUES (?, 'final', 'ida', ?, ?, ?, 'resolved', ?, ?, ?)",
    );
    store.db.transaction(() => {
      for (let i = 0; i < nNotes; i++) {
        const at = start + i * 30_000;
        const id = `g${i}`;
        insCall.run(
          id,
          `Cliente ${i % 5000}`,
          `+52155${String(i).padStart(8, '0')}`,
          at,
          at + 5000,
          at + 200_000,
          i % 7 === 0 ? 15_000 : 0,
          30_000,
        );
        const f = { identifica: `${word()} ${word()}`, discúlpate: sentence(4), ayuda: sentence(6) };
        insNote.run(
          id,
          JSON.stringify(f),
          Object.values(f).join('\n'),
          sentence(15 + Math.floor(rnd() * 30)),
          at + 210_000,
          at + 210_000,
          at + 210_000,
        );
      }
    })();
    // The notes went in as pending (deferred indexing): index them all now, as the idle worker would.
    while (indexPending(store.db, 10_000, 'NORMAL') > 0);
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    const genS = ms(t0) / 1000;
    store.close();
    console.log(`generated in ${genS.toFixed(1)} s`);
  }
  const bytes = statSync(file).size;
  console.log(
    `file ${(bytes / 1e6).toFixed(1)} MB; ${(((bytes / nNotes) * 100_000) / 1e6).toFixed(1)} MB per 100 000 notes (calls + notes + FTS)`,
  );
  // A database from an older Diadema is upgraded here: the migration itself, then the background indexing.
  const tUp = process.hrtime.bigint();
  const client = await StoreClient.open({ file, workerUrl: built.urls['store-worker'] });
  const upgradeMs = ms(tUp);
  if (client.info.unindexedNotes) {
    console.log(
      `upgraded in ${upgradeMs.toFixed(0)} ms; ${client.info.unindexedNotes.toLocaleString('en')} notes to index in the background …`,
    );
    const tIdx = process.hrtime.bigint();
    while ((await client.call('info', {})).unindexedNotes) await new Promise((r) => setTimeout(r, 1000));
    console.log(`background indexing done in ${(ms(tIdx) / 1000).toFixed(1)} s`);
  }
  const run = async (
    label: string,
    make: () => string,
    n: number,
    range: { from?: number; to?: number; countLimit?: number } = {},
  ) => {
    const lat: number[] = [];
    let hits = 0;
    for (let i = 0; i < n; i++) {
      const q = make();
      const t = process.hrtime.bigint();
      const r = await client.call('history', { query: q, limit: 50, offset: 0, ...range });
      lat.push(ms(t));
      hits += r.total;
    }
    console.log(`${formatRow(label, summarise(lat), 'ms')}  (avg ${Math.round(hits / n)} matches)`);
  };
  await run('search: one word (~1 % of notes)', () => word(), 200);
  await run('search: two words', () => `${word()} ${word()}`, 200);
  await run('search: word prefix (3 letters)', () => word().replace('😀', '').slice(0, 3), 100);
  await run('… count capped at 10 000', () => word().replace('😀', '').slice(0, 3), 100, { countLimit: 10_000 });
  const end = start + nNotes * 30_000;
  await run('search: one word, last 30 days', () => word(), 200, { from: end - 30 * 86_400_000, to: end });
  const pageLat: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t = process.hrtime.bigint();
    await client.call('history', { from: start + Math.floor(rnd() * nNotes) * 30_000, limit: 50, offset: 0 });
    pageLat.push(ms(t));
  }
  console.log(formatRow('history page by time (50 rows)', summarise(pageLat), 'ms'));
  await client.close();
  const t1 = process.hrtime.bigint();
  openStore(file).close(); // the full check, as every open did before
  console.log(
    `full quick_check at this size: ${ms(t1).toFixed(0)} ms (now only after an unclean shutdown, in a background thread)`,
  );
  // What the agent waits for: the app opening the database until the first save of a note is durable.
  const firstSave = async (unclean: boolean) => {
    if (unclean) writeFileSync(markerOf(file), 'bench\n'); // as a killed session leaves it
    const t = process.hrtime.bigint();
    const notes = new NotesService({
      file,
      workerUrl: built.urls['store-worker'],
      log: silentLogger,
      settings: () => ({ requiredFields: [], editWindowMin: 30, syncUrl: '' }),
    });
    await notes.start();
    const callId = `open-${unclean ? 'u' : 'c'}-${Math.floor(rnd() * 1e9)}`;
    const c = callEvents(callId);
    notes.onCallEvent(c.ring());
    notes.onCallEvent(c.answer(Date.now()));
    const r = await notes.save({ callId, fields: {}, text: 'primera nota tras abrir' });
    const took = ms(t);
    if (!r.durable) throw new Error('the first save was not durable');
    let checkMs: number | undefined;
    if (unclean) {
      const client2 = notes.storeClient()!;
      if (client2.info.checking)
        await new Promise<void>((done) => client2.onEvent((e) => e.event === 'check-passed' && done()));
      checkMs = ms(t);
    }
    await notes.stop();
    return { took, checkMs };
  };
  const clean: number[] = [];
  const unclean: number[] = [];
  const checks: number[] = [];
  for (let i = 0; i < 5; i++) clean.push((await firstSave(false)).took);
  for (let i = 0; i < 3; i++) {
    const r = await firstSave(true);
    unclean.push(r.took);
    checks.push(r.checkMs!);
  }
  console.log(formatRow('open → first save durable (clean)', summarise(clean), 'ms'));
  console.log(formatRow('… after an unclean shutdown', summarise(unclean), 'ms'));
  console.log(formatRow('… its background quick_check done', summarise(checks), 'ms', 0));
}

if (want('kill')) {
  console.log(
    `\nkill-loop: ${nKills} SIGKILLs of a child typing a draft (one keystroke / 10 ms, save ≤ 300 ms after the first unsaved keystroke)`,
  );
  const file = path.join(dir, 'kill.sqlite');
  const {
    lostKeys,
    failed,
    notPrefix,
    lostConfirmed,
    torn,
    ms: loopMs,
  } = await killTypistLoop({
    typist: built.urls['notes-typist'],
    worker: built.urls['store-worker'],
    file,
    kills: nKills,
    typeMs: () => 20 + Math.floor(rnd() * 600),
  });
  console.log(formatRow('keystrokes lost per kill', summarise(lostKeys), 'keys', 0));
  console.log(formatRow('typing lost per kill (10 ms/key)', summarise(lostKeys.map((k) => k * 10)), 'ms', 0));
  console.log(
    `kills ${nKills} in ${(loopMs / 1000).toFixed(0)} s: reopen failed ${failed}, draft not a prefix of what was typed ${notPrefix}, confirmed-durable text lost ${lostConfirmed}, torn (not one whole save) ${torn}, p99 lost ${percentile(lostKeys, 99)} keys`,
  );
}

console.log(`\n${load()}`);
built.dispose();
rmSync(dir, { recursive: true, force: true });
