import BetterSqlite3 from 'better-sqlite3';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { notesStatus, type NotesStatus } from '@common/contract/notes';
import { silentLogger } from '../../../../electron/node/log';
import { NotesService } from '../../../../electron/node/notes/notes-service';
import { metaOf } from '../../../../electron/node/store/file-check';
import { callEvents } from '../../../support/call-events';
import { bundleStoreWorker } from '../../../support/store-build';

/**
 * A notes database made by the real store (through the notes service and its worker), closed cleanly, then damaged
 * on disk the ways a crash, a disk tool or a bad block leave it. Each start over the damaged copy must: keep every
 * note SQLite can still read (in the new database), keep the damaged file itself set aside byte for byte, tell the
 * agent through notes.status with a code, and go on saving new notes.
 */

let worker: Awaited<ReturnType<typeof bundleStoreWorker>>;
let root: string;
let goodDir: string;
let dir: string;
const services: NotesService[] = [];
const clock = {
  now: () => Date.now(),
  setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
  clearTimeout: (h: unknown) => clearTimeout(h as NodeJS.Timeout),
};
const NOTES = 60;
/** Each note's text: a word of its own (to search for) and enough text to spread the notes over several pages. */
const textOf = (i: number) =>
  `Nota ${i}: cliente palabra${i}x pide revisar su factura; devolver llamada mañana 🙂 ${'detalle '.repeat(40)}`;
const callOf = (i: number) => `call-${String(i).padStart(3, '0')}`;

async function service(folder: string) {
  const s = new NotesService({
    file: path.join(folder, 'notes.sqlite'),
    workerUrl: worker.url,
    log: silentLogger,
    settings: () => ({ requiredFields: [], editWindowMin: 30, syncUrl: '' }),
    clock,
    retryMs: 20,
  });
  services.push(s);
  await s.start();
  return s;
}
const stop = async (s: NotesService) => {
  services.splice(services.indexOf(s), 1);
  await s.stop();
};

beforeAll(async () => {
  worker = await bundleStoreWorker();
  root = mkdtempSync(path.join(os.tmpdir(), 'diadema-damaged-'));
  goodDir = path.join(root, 'good');
  mkdirSync(goodDir);
  const s = await service(goodDir);
  for (let i = 0; i < NOTES; i++) {
    const c = callEvents(callOf(i), { at: 1_000 + i * 1_000 });
    s.onCallEvent(c.ring());
    s.onCallEvent(c.answer(1_500 + i * 1_000));
    expect((await s.save({ callId: callOf(i), fields: {}, text: textOf(i) })).durable).toBe(true);
    s.onCallEvent(c.end(1_900 + i * 1_000));
    if (i % 2 === 0) expect((await s.finish(callOf(i), 'resolved')).ok).toBe(true);
  }
  // Searched once, so the full-text index holds every note on disk.
  expect((await s.history({ query: 'palabra7x', limit: 5, offset: 0 })).total).toBe(1);
  await stop(s);
}, 60_000);
afterAll(() => {
  worker.dispose();
  rmSync(root, { recursive: true, force: true });
});
let runs = 0;
beforeEach(() => {
  dir = path.join(root, `run-${runs++}`);
  mkdirSync(dir);
  for (const f of readdirSync(goodDir)) copyFileSync(path.join(goodDir, f), path.join(dir, f));
});
afterEach(async () => {
  for (const s of services.splice(0)) await s.stop();
});

const file = () => path.join(dir, 'notes.sqlite');

/** The pages (1-based) of a table or index of the good database, from SQLite's own page map. */
function pagesOf(name: string, type?: 'leaf' | 'internal'): number[] {
  const db = new BetterSqlite3(path.join(goodDir, 'notes.sqlite'), { readonly: true });
  try {
    return (
      db
        .prepare(`SELECT pageno FROM dbstat WHERE name = ?${type ? ' AND pagetype = ?' : ''} ORDER BY pageno`)
        .all(...(type ? [name, type] : [name])) as Array<{ pageno: number }>
    ).map((r) => r.pageno);
  } finally {
    db.close();
  }
}
const PAGE = 4096;
function zero(page: number, from = 0, to = PAGE): void {
  const fd = openSync(file(), 'r+');
  writeSync(fd, Buffer.alloc(to - from), 0, to - from, (page - 1) * PAGE + from);
  closeSync(fd);
}

/** The notes SQLite can still read from the damaged file, each looked up alone by its rowid (the table's own tree). */
function readableNotes(bytes: Buffer): Map<string, string> {
  const copy = path.join(root, `probe-${runs}.sqlite`);
  writeFileSync(copy, bytes);
  const out = new Map<string, string>();
  try {
    const db = new BetterSqlite3(copy, { readonly: true });
    try {
      for (let id = 1; id <= NOTES; id++) {
        try {
          const r = db.prepare('SELECT call_id, text FROM notes WHERE rowid = ?').get(id) as
            { call_id: string; text: string } | undefined;
          if (r && r.text === textOf(Number(r.call_id.slice(5)))) out.set(r.call_id, r.text);
        } catch {
          // unreadable: its page is damaged
        }
      }
    } finally {
      db.close();
    }
  } catch {
    // SQLite cannot open it at all
  } finally {
    rmSync(copy, { force: true });
  }
  return out;
}

async function recoveredStatus(s: NotesService): Promise<NotesStatus> {
  // At open (header, size, 0 bytes) or from the background check a moment later (damage inside a page).
  for (let i = 0; i < 200 && s.status().store !== 'recovered'; i++) await new Promise((r) => setTimeout(r, 25));
  return s.status();
}

/**
 * Starts over the damaged file and checks what every kind of damage must give: the coded notice, the damaged bytes
 * kept set aside, every still-readable note in the new database with its exact text, nothing invented, and new notes
 * saved durably (and there after a restart).
 */
async function startOverDamage(cause: 'emptied' | 'damaged') {
  const damaged = readFileSync(file());
  const readable = readableNotes(damaged);
  const s = await service(dir);
  const status = await recoveredStatus(s);
  const kept = new Map<string, string>();
  for (let i = 0; i < NOTES; i++) {
    const { note } = await s.get(callOf(i));
    if (note) kept.set(callOf(i), note.text);
  }
  expect(notesStatus.parse(status)).toMatchObject({
    store: 'recovered',
    movedTo: expect.stringMatching(/notes\.sqlite\.corrupt-\d{4}-/),
    recovery: { cause, notesRecovered: kept.size },
  });
  expect(readFileSync(status.movedTo!).equals(damaged)).toBe(true);
  // Every note SQLite can still read is there, and nothing else: no note comes back altered.
  for (const [callId, text] of readable) expect(kept.get(callId)).toBe(text);
  for (const [callId, text] of kept) expect(text).toBe(textOf(Number(callId.slice(5))));
  // The agent keeps working: a new call's note is saved durably, found by search, and there after a restart.
  const c = callEvents('after-damage', { at: 500_000 });
  s.onCallEvent(c.ring());
  s.onCallEvent(c.answer(500_500));
  expect((await s.save({ callId: 'after-damage', fields: {}, text: 'nota nueva tras el daño' })).durable).toBe(true);
  expect((await s.history({ query: 'daño', limit: 5, offset: 0 })).calls.map((x) => x.callId)).toEqual([
    'after-damage',
  ]);
  await stop(s);
  const again = await service(dir);
  expect(again.status().store).toBe('ok');
  expect((await again.get('after-damage')).note?.text).toBe('nota nueva tras el daño');
  for (const [callId, text] of kept) expect((await again.get(callId)).note?.text).toBe(text);
  return { readable, kept, status };
}

describe('a damaged notes database: set aside, what can be read kept, the agent told', { timeout: 60_000 }, () => {
  it('zero bytes where a database existed: set aside as emptied, not opened as a new empty one', async () => {
    truncateSync(file(), 0);
    const { readable, status } = await startOverDamage('emptied');
    expect(readable.size).toBe(0);
    expect(statSync(status.movedTo!).size).toBe(0);
  });

  it('zero bytes where none was ever made (no meta file): simply a new database, nothing to tell', async () => {
    truncateSync(file(), 0);
    rmSync(metaOf(file()));
    const s = await service(dir);
    expect(s.status().store).toBe('ok');
    expect(readdirSync(dir).filter((f) => f.includes('.corrupt-'))).toEqual([]);
    expect(existsSync(metaOf(file()))).toBe(true); // from now on an emptied file would be noticed
  });

  it('a zeroed run over the index the notes are looked up by (what once opened "ok" with a note missing)', async () => {
    const [index] = pagesOf('sqlite_autoindex_notes_1', 'leaf');
    // The cell area at the end of the page: the page still parses, but the lookups of those notes find nothing.
    zero(index!, PAGE / 2);
    const { readable } = await startOverDamage('damaged');
    expect(readable.size).toBe(NOTES); // the table itself is intact: every note comes back
  });

  it('a zeroed run over a page of the notes table: the notes on the other pages are kept', async () => {
    const leaves = pagesOf('notes', 'leaf');
    expect(leaves.length).toBeGreaterThan(3);
    zero(leaves[1]!);
    const { readable, kept } = await startOverDamage('damaged');
    expect(readable.size).toBeLessThan(NOTES);
    // Only what another page still holds of the zeroed notes (an older copy left by a page split) can add to them.
    expect(kept.size).toBeGreaterThanOrEqual(readable.size);
    expect(kept.size).toBeLessThan(NOTES);
  });

  it('zeroed full-text pages: every note kept, and search works again from the notes', async () => {
    for (const p of [...pagesOf('notes_fts_data'), ...pagesOf('notes_fts_idx')]) zero(p);
    const { readable } = await startOverDamage('damaged');
    expect(readable.size).toBe(NOTES);
    const s = await service(dir);
    expect((await s.history({ query: 'palabra42x', limit: 5, offset: 0 })).calls.map((x) => x.callId)).toEqual([
      callOf(42),
    ]);
  });

  it('zeroed pages that every start reads (full-text config and pending list): set aside at open, not a failed session', async () => {
    for (const p of [...pagesOf('notes_fts_config'), ...pagesOf('notes_fts_pending')]) zero(p);
    const { kept } = await startOverDamage('damaged');
    expect(kept.size).toBe(NOTES);
  });

  it('zeroed schema pages, the first one included: SQLite reads nothing; the notes are found in their pages', async () => {
    for (const p of pagesOf('sqlite_schema')) zero(p);
    const { readable, kept, status } = await startOverDamage('damaged');
    expect(readable.size).toBe(0);
    expect(kept.size).toBe(NOTES);
    expect(status.detail).toMatch(/header/);
  });

  it('cut short: found at open from the page count in the header; the notes before the cut are kept', async () => {
    const leaves = pagesOf('notes', 'leaf');
    expect(Math.max(...pagesOf('sqlite_schema'))).toBeLessThan(leaves.at(-1)!); // the cut spares the schema
    truncateSync(file(), (leaves.at(-1)! - 1) * PAGE);
    const { kept, status } = await startOverDamage('damaged');
    expect(status.detail).toMatch(/cut short/);
    // SQLite itself refuses a file shorter than its header says; the notes before the cut are copied all the same.
    expect(kept.size).toBeGreaterThan(0);
    expect(kept.size).toBeLessThan(NOTES);
  });

  it('header: a page count the file does not hold is found at open, and every note is still copied', async () => {
    const fd = openSync(file(), 'r+');
    const count = Buffer.alloc(4);
    count.writeUInt32BE(statSync(file()).size / PAGE + 5);
    writeSync(fd, count, 0, 4, 28);
    closeSync(fd);
    const { kept } = await startOverDamage('damaged');
    expect(kept.size).toBe(NOTES);
  });

  it('header: a page size SQLite cannot use: set aside, read through a mended copy of the header', async () => {
    const fd = openSync(file(), 'r+');
    writeSync(fd, Buffer.from([0x03, 0xe8]), 0, 2, 16); // 1000: not a power of two
    closeSync(fd);
    const { readable, kept, status } = await startOverDamage('damaged');
    expect(readable.size).toBe(0); // SQLite alone reads nothing
    expect(kept.size).toBe(NOTES);
    expect(status.detail).toMatch(/page size/);
  });
});
