import BetterSqlite3, { type Database } from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { CallSummary, NoteView, TimelineEntry } from '@common/contract/notes';
import { parseScreenPopRecords, type ScreenPopRecord } from '@common/contract/screen-pop-record';
import { isNoteEditable, missingRequiredFields } from '@common/notes/note-rules';
import { defersIndexing, indexPending, pendingNotes } from './fts-indexer';
import { latestVersion, migrations, type Migration } from './migrations';
import { inspectFile, readMeta, stampOf, syncDir, writeMeta, type StoreMeta } from './file-check';
import { restoreSalvage, salvageAll, salvageFile, type Restored, type Salvage } from './salvage';
import {
  StoreError,
  type ExportRow,
  type RecoveredFrom,
  type StoreArgs,
  type StoreHandlers,
  type StoreInfo,
} from './store-api';

export interface OpenOptions {
  /** Move a corrupt file aside and start a fresh one (the app); false: refuse it (the CLI). */
  recoverCorrupt?: boolean;
  /** Tests of the migrations stop at this version. */
  targetVersion?: number;
  /** `synchronous` pragma: FULL (default) also survives power loss; NORMAL survives a killed process. */
  synchronous?: 'FULL' | 'NORMAL';
  /**
   * 'full' (default: the CLI, tests): `PRAGMA quick_check` over the whole file before use. 'after-unclean' (the
   * app's worker): only the header, the size and the schema are checked here; a marker beside the file says the
   * store is open, and `checkDue` tells the caller to run quick_check in the background (the last session did not
   * close the file, or it changed since). In this mode the caller also does the WAL checkpoints (`housekeep`).
   * In both modes a file that fails the cheap checks (`inspectFile`) or SQLite's open is set aside (unless
   * `recoverCorrupt` is false) with what can be read copied into the fresh file.
   */
  integrity?: 'full' | 'after-unclean';
  /** The file was moved aside during this session (a later open on the fresh file keeps saying so). */
  recoveredFrom?: StoreInfo['recoveredFrom'];
  now?: () => number;
}

export interface Store extends StoreHandlers {
  readonly db: Database;
  /** The marker of an open store was there at open: the last session ended without closing the file. */
  readonly uncleanShutdown: boolean;
  /**
   * The caller owes the file a background quick_check: after an unclean shutdown, when the file changed since our
   * last clean close (a disk tool, a restored backup, damage between sessions), or when the last passed check is
   * older than a week. A new file, or one just rebuilt from a damaged one, owes none.
   */
  readonly checkDue: boolean;
  /** The background quick_check passed: a clean close may now drop the marker. */
  checkPassed(): void;
  /** Idle work, a slice at a time: index pending notes; true while more is left. */
  housekeep(maxNotes: number): boolean;
  /** Copies WAL pages into the database file without blocking writers (PASSIVE). */
  checkpoint(): void;
  /** Every row that can still be read (calls, notes, timeline, undelivered outbox), before moving the file aside. */
  salvage(): Salvage;
  /** Puts salvaged rows into this (fresh) file, with what a scan of the pages of the file set aside finds. */
  restore(s: Salvage, movedTo?: string): Restored;
  close(): void;
}

/** The file that says a store is open on `file` (removed at a clean close after a passed check). */
export const markerOf = (file: string): string => `${file}.in-use`;

function writeMarker(marker: string): void {
  const fd = openSync(marker, 'w', 0o600);
  try {
    writeSync(fd, `${process.pid}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  // The marker's directory entry must survive a power loss too.
  syncDir(path.dirname(marker));
}

/** Maps what SQLite (or the file system) answered to the store's error codes. */
export function classifyError(err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : String(err);
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || /ENOSPC|database or disk is full/i.test(message))
    return new StoreError('disk-full', message);
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return new StoreError('corrupt', message);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return new StoreError('busy', message);
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS' || code === 'EACCES')
    return new StoreError('read-only', message);
  if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_CANTOPEN' || code === 'EIO')
    return new StoreError('io', message);
  return new StoreError('internal', message);
}

const sidecars = ['', '-wal', '-shm'];

/** Moves the file and its WAL and shared-memory files aside to `<file>.corrupt-<time>`; returns where. */
export function moveAside(file: string, now: number): string {
  const movedTo = `${file}.corrupt-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
  for (const s of sidecars) if (existsSync(file + s)) renameSync(file + s, movedTo + s);
  return movedTo;
}

/** A passed check older than this is run again at the next open, even after clean closes. */
const RECHECK_MS = 7 * 24 * 3600_000;

/** Opens (creating, recovering, migrating) the notes database at `file`. */
export function openStore(file: string, o: OpenOptions = {}): Store {
  const now = o.now ?? Date.now;
  const background = o.integrity === 'after-unclean';
  const marker = markerOf(file);
  const unclean = background && existsSync(marker);
  const meta = readMeta(file);
  let recoveredFrom = o.recoveredFrom;
  let salvage: Salvage | undefined;
  let cause: RecoveredFrom['cause'] = 'damaged';
  const verdict = inspectFile(file, meta !== undefined);
  // A file that is not sound is never opened for writing: what it still holds is copied out, it is set aside whole,
  // and a fresh file takes its place.
  const setAside = (reason: string) => {
    if (o.recoverCorrupt === false) throw new StoreError('corrupt', reason);
    salvage = salvageFile(file);
    recoveredFrom = { movedTo: moveAside(file, now()), reason, cause, notesRecovered: 0, callsRecovered: 0 };
  };
  if (verdict.state === 'unsound') {
    cause = verdict.cause;
    setAside(verdict.reason);
  }
  const fresh = !existsSync(file) || verdict.state === 'new';
  /** Opens what is at `file` now; false: the file proved damaged only once open (set it aside and try again). */
  const attempt = (): Store | string => {
    let db: Database;
    try {
      db = openChecked(file, !background);
    } catch (err) {
      const e = classifyError(err);
      if (e.code !== 'corrupt' || salvage) throw e;
      return e.message;
    }
    let checkDue = false;
    let store: Store;
    try {
      // Before the first write: a session that ends without close() leaves it, and the next open checks the file.
      if (background && !existsSync(marker)) writeMarker(marker);
      db.pragma(`synchronous = ${o.synchronous ?? 'FULL'}`);
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 2000');
      // The worker checkpoints when idle (and every so many writes), never inside a save.
      if (background) db.pragma('wal_autocheckpoint = 0');
      migrate(db, o.targetVersion ?? latestVersion);
      if (salvage && recoveredFrom) {
        const restored = restoreSalvage(db, salvage, recoveredFrom.movedTo);
        recoveredFrom = { ...recoveredFrom, notesRecovered: restored.notes, callsRecovered: restored.calls };
      }
      const started = fresh || salvage !== undefined;
      if (background) {
        const stamp = stampOf(file);
        const unchanged =
          meta?.closed !== undefined && stamp?.size === meta.closed.size && stamp.mtimeMs === meta.closed.mtimeMs;
        const recent = meta?.checkedAt !== undefined && now() - meta.checkedAt < RECHECK_MS;
        checkDue = !started && (unclean || !unchanged || !recent);
      }
      store = buildStore(db, file, now, recoveredFrom, {
        marker: background ? marker : undefined,
        unclean,
        checkDue,
        synchronous: o.synchronous ?? 'FULL',
      });
      // What every start reads first (the full-text bookkeeping, the outbox): a damaged page there is found now,
      // while the file can still be set aside, rather than as a store that fails every request of the session.
      if ((o.targetVersion ?? latestVersion) === latestVersion) {
        store.info({});
        store.outboxStats({});
      }
      // A new (or rebuilt) file counts as checked; an existing one met for the first time is checked now.
      if (background && (started || !meta))
        writeMeta(file, started ? { createdAt: now(), checkedAt: now() } : { createdAt: now() });
    } catch (err) {
      db.close();
      const e = classifyError(err);
      if (!isDamage(e) || salvage) throw e;
      return e.message;
    }
    return store;
  };
  const first = attempt();
  if (typeof first !== 'string') return first;
  setAside(first);
  const second = attempt();
  if (typeof second === 'string') throw new StoreError('corrupt', second);
  return second;
}

/** An error at open that says the file is damaged (SQLite's own word, or a full-text table that cannot load). */
function isDamage(e: StoreError): boolean {
  return e.code === 'corrupt' || (e.code === 'internal' && /fts5|vtable|malformed/i.test(e.message));
}

/** The tables each schema version must have: a cheap sanity check of the schema instead of reading every page. */
const requiredTables: ReadonlyArray<[number, string]> = [
  [1, 'calls'],
  [1, 'timeline'],
  [2, 'notes'],
  [2, 'notes_fts'],
  [3, 'outbox'],
  [4, 'notes_fts_pending'],
  [4, 'note_times'],
];

function openChecked(file: string, fullCheck: boolean): Database {
  const db = new BetterSqlite3(file);
  try {
    // The first read of the header: garbage there answers SQLITE_NOTADB.
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > latestVersion) {
      throw new StoreError(
        'newer-version',
        `the notes database is at schema version ${version}; this Diadema knows up to ${latestVersion}`,
        { found: version, supported: latestVersion },
      );
    }
    if (fullCheck) {
      const check = db.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new StoreError('corrupt', `quick_check: ${String(check)}`);
    } else {
      // Reading the schema parses every CREATE statement (a damaged schema page answers SQLITE_CORRUPT).
      const names = new Set(db.prepare('SELECT name FROM sqlite_schema').pluck().all() as string[]);
      const missing = requiredTables.filter(([v, t]) => v <= version && !names.has(t)).map(([, t]) => t);
      if (missing.length)
        throw new StoreError('corrupt', `schema version ${version} without table(s) ${missing.join(', ')}`);
    }
    db.pragma('journal_mode = WAL');
    return db;
  } catch (err) {
    db.close();
    throw classifyError(err);
  }
}

/** Runs every migration above the database's version, each in its own transaction with the version bump. */
export function migrate(db: Database, target: number = latestVersion, list: readonly Migration[] = migrations): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (const m of list) {
    if (m.version <= current || m.version > target) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}

interface CallRow {
  id: string;
  direction: 'inbound' | 'outbound';
  remote_name: string;
  remote_number: string;
  ring_at: number;
  answer_at: number | null;
  end_at: number | null;
  end_reason: string | null;
  hold_ms: number;
  hold_since: number | null;
  acw_ms: number;
  acw_since: number | null;
  disposition: string | null;
  mos_sum: number;
  quality_samples: number;
  /** JSON; absent on a database opened at a version before 5 (migration tests). */
  screen_pop?: string;
}
interface NoteRow {
  call_id: string;
  status: 'draft' | 'final';
  template_id: string | null;
  fields: string;
  text: string;
  disposition: string | null;
  updated_at: number;
  finished_at: number | null;
}

export function summary(c: CallRow, snippet?: string | null): CallSummary {
  return {
    callId: c.id,
    direction: c.direction,
    remoteName: c.remote_name,
    remoteNumber: c.remote_number,
    ringAt: c.ring_at,
    ...(c.answer_at !== null ? { answerAt: c.answer_at } : {}),
    ...(c.end_at !== null ? { endAt: c.end_at } : {}),
    handleMs: c.answer_at !== null && c.end_at !== null ? Math.max(0, c.end_at - c.answer_at) : 0,
    holdMs: c.hold_ms,
    acwMs: c.acw_ms,
    disposition: c.disposition,
    ...(c.quality_samples > 0 ? { mos: Math.round((c.mos_sum / c.quality_samples) * 100) / 100 } : {}),
    ...(snippet ? { snippet } : {}),
    ...screenPopOf(c.screen_pop),
  };
}

/** The stored screen-pop list (a damaged cell loses the fields, never the call). */
function screenPopOf(json: string | undefined): { screenPop?: ScreenPopRecord[] } {
  const screenPop = parseScreenPopRecords(json);
  return screenPop.length > 0 ? { screenPop } : {};
}

function parseFields(json: string): Record<string, string> {
  try {
    const v = JSON.parse(json) as unknown;
    return v && typeof v === 'object'
      ? (Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x === 'string')) as Record<string, string>)
      : {};
  } catch {
    return {};
  }
}

function noteView(n: NoteRow): NoteView {
  return {
    callId: n.call_id,
    templateId: n.template_id,
    fields: parseFields(n.fields),
    text: n.text,
    disposition: n.disposition,
    status: n.status,
    updatedAt: n.updated_at,
    ...(n.finished_at !== null ? { finishedAt: n.finished_at } : {}),
  };
}

const wordChar = /[\p{L}\p{N}\p{So}\p{Sk}\p{Co}]/u;
/** The agent's words as an FTS5 query: every word must appear (the last one as a prefix); no FTS syntax gets through. */
export function ftsQuery(q: string): string | null {
  // Control characters separate words (a NUL would end the FTS5 string and fail the whole query).
  const terms = q
    .normalize('NFC')
    .replace(/\p{Cc}/gu, ' ')
    .split(/\s+/)
    .filter((t) => wordChar.test(t))
    .slice(0, 16);
  if (terms.length === 0) return null;
  return terms.map((t, i) => `"${t.replace(/"/g, '""')}"${i === terms.length - 1 ? '*' : ''}`).join(' ');
}

/** The main lookups, named so the migration tests can check their query plans. */
export const lookups = {
  historyByTime:
    'SELECT * FROM calls c WHERE c.ring_at BETWEEN @from AND @to ORDER BY c.ring_at DESC LIMIT @limit OFFSET @offset',
  historyCount: 'SELECT count(*) AS n FROM calls WHERE ring_at BETWEEN @from AND @to',
  // Newest first by the note's rowid (notes are created at answer time), which FTS5 yields in order: no sort of every
  // match, and the snippet is only made for the rows returned.
  historySearch: `SELECT c.*, snippet(notes_fts, -1, '', '', '…', 12) AS snip FROM notes_fts JOIN notes n ON n.id = notes_fts.rowid JOIN calls c ON c.id = n.call_id
    WHERE notes_fts MATCH @match AND c.ring_at BETWEEN @from AND @to ORDER BY notes_fts.rowid DESC LIMIT @limit OFFSET @offset`,
  /** The notes of calls that rang in a time range lie between these FTS rowids (from the time index, no row read). */
  noteIdsInRange: 'SELECT min(id) AS lo, max(id) AS hi FROM note_times WHERE ring_at BETWEEN @from AND @to',
  // With a time range, FTS5 reads only the rowids between those bounds, and each match is checked against the small
  // note_times row rather than the note and its call (CROSS JOIN keeps FTS5 as the outer loop).
  historySearchRanged: `SELECT c.*, snippet(notes_fts, -1, '', '', '…', 12) AS snip FROM notes_fts
    CROSS JOIN note_times t ON t.id = notes_fts.rowid CROSS JOIN notes n ON n.id = notes_fts.rowid CROSS JOIN calls c ON c.id = n.call_id
    WHERE notes_fts MATCH @match AND notes_fts.rowid BETWEEN @lo AND @hi AND t.ring_at BETWEEN @from AND @to
    ORDER BY notes_fts.rowid DESC LIMIT @limit OFFSET @offset`,
  historySearchCountRanged: `SELECT count(*) AS n FROM notes_fts CROSS JOIN note_times t ON t.id = notes_fts.rowid
    WHERE notes_fts MATCH @match AND notes_fts.rowid BETWEEN @lo AND @hi AND t.ring_at BETWEEN @from AND @to`,
  /** Without a time range the count needs no join. */
  historySearchCountAll: 'SELECT count(*) AS n FROM notes_fts WHERE notes_fts MATCH @match',
  timelineOfCall: 'SELECT at, kind, data FROM timeline WHERE call_id = ? ORDER BY at, id',
  noteOfCall: 'SELECT * FROM notes WHERE call_id = ?',
  drafts: `SELECT n.call_id, n.updated_at, substr(n.text, 1, 200) AS preview, n.fields_text, c.remote_name, c.remote_number
    FROM notes n JOIN calls c ON c.id = n.call_id WHERE n.status = 'draft' ORDER BY n.updated_at DESC LIMIT ?`,
  outboxDue:
    'SELECT id, idem_key, call_id, attempts, payload FROM outbox WHERE delivered_at IS NULL AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?',
} as const;

/** `SELECT count(*) AS n FROM x WHERE …` as a count that stops after `@cap` rows. */
const cappedCount = (sql: string) =>
  `SELECT count(*) AS n FROM (${sql.replace(/^SELECT count\(\*\) AS n FROM/, 'SELECT 1 FROM')} LIMIT @cap)`;

const fieldsText = (fields: Record<string, string>) => Object.values(fields).join('\n');
const MAX_TIME = Number.MAX_SAFE_INTEGER;

/** Before a search, pending notes are indexed when there are at most this many (else it answers from the index). */
const SEARCH_FLUSH_MAX = 5_000;

interface Housekeeping {
  /** The marker file, when the caller checks after an unclean shutdown (the worker). */
  marker: string | undefined;
  unclean: boolean;
  checkDue: boolean;
  synchronous: 'FULL' | 'NORMAL';
}

/** Updates the meta file (the app's worker only); a failure to write it costs at most an extra check next time. */
function updateMeta(file: string, change: (m: StoreMeta) => StoreMeta): void {
  try {
    writeMeta(file, change(readMeta(file) ?? { createdAt: Date.now() }));
  } catch {
    // read-only folder or full disk: the next open checks the file again, which is the safe side
  }
}

function buildStore(
  db: Database,
  file: string,
  now: () => number,
  recoveredFrom: StoreInfo['recoveredFrom'],
  hk: Housekeeping,
): Store {
  const deferred = defersIndexing(db);
  let checkPending = hk.checkDue;
  // Statements are prepared once, on first use (a migration test opens older schemas).
  const cache = new Map<string, BetterSqlite3.Statement>();
  const p = (sql: string) => {
    let st = cache.get(sql);
    if (!st) {
      st = db.prepare(sql);
      cache.set(sql, st);
    }
    return st;
  };
  const q = {
    call: 'SELECT * FROM calls WHERE id = ?',
    insertCall: `INSERT INTO calls (id, direction, remote_name, remote_number, ring_at, screen_pop)
      VALUES (@callId, @direction, @remoteName, @remoteNumber, @at, @screenPop) ON CONFLICT (id) DO NOTHING`,
    timeline: 'INSERT INTO timeline (call_id, at, kind, data) VALUES (?, ?, ?, ?)',
    note: lookups.noteOfCall,
    openDraft: `INSERT INTO notes (call_id, status, created_at, updated_at) VALUES (?, 'draft', ?, ?) ON CONFLICT (call_id) DO NOTHING`,
    lastOutbox: 'SELECT id, payload FROM outbox WHERE call_id = ? ORDER BY id DESC LIMIT 1',
    enqueue: 'INSERT INTO outbox (idem_key, call_id, created_at, next_attempt_at) VALUES (?, ?, ?, ?)',
  };
  const requireCall = (id: string): CallRow => {
    const c = p(q.call).get(id) as CallRow | undefined;
    if (!c) throw new StoreError('no-such-call', `no call ${id}`);
    return c;
  };
  const addTimeline = (callId: string, at: number, kind: string, data: Record<string, unknown>) => {
    p(q.timeline).run(callId, at, kind, JSON.stringify(data));
  };
  /** A delivery of the call's current state is queued unless one not yet attempted is already waiting. */
  const ensureQueued = (callId: string, at: number) => {
    const last = p(q.lastOutbox).get(callId) as { id: number; payload: string | null } | undefined;
    if (!last || last.payload !== null) p(q.enqueue).run(randomUUID(), callId, at, at);
  };
  const tx = <A>(fn: (a: A) => void) => db.transaction(fn);

  const qualityTx = tx<StoreArgs<'quality'>>(({ callId, at, mos, jitterMs, lossPct, rttMs, keep }) => {
    requireCall(callId);
    p(`UPDATE calls SET mos_sum = mos_sum + @mos, quality_samples = quality_samples + 1, mos_min = MIN(COALESCE(mos_min, @mos), @mos),
        jitter_max = MAX(COALESCE(jitter_max, @jitterMs), @jitterMs), loss_max = MAX(COALESCE(loss_max, @lossPct), @lossPct) WHERE id = @callId`).run(
      { callId, mos, jitterMs, lossPct },
    );
    if (keep) addTimeline(callId, at, 'quality', { mos, jitterMs, lossPct, rttMs });
  });

  const handlers: StoreHandlers = {
    callStarted: tx((a) => {
      const { callId, direction, remoteName, remoteNumber, at } = a;
      const screenPop = JSON.stringify(a.screenPop ?? []);
      p(q.insertCall).run({ callId, direction, remoteName, remoteNumber, at, screenPop });
      addTimeline(a.callId, a.at, 'state', { state: a.direction === 'inbound' ? 'ringing' : 'dialing' });
    }),
    callState: tx(({ callId, at, state, endReason }) => {
      const c = requireCall(callId);
      if (state === 'answered') {
        p('UPDATE calls SET answer_at = COALESCE(answer_at, ?) WHERE id = ?').run(at, callId);
        p(q.openDraft).run(callId, at, at);
      } else if (state === 'held') {
        p('UPDATE calls SET hold_since = COALESCE(hold_since, ?) WHERE id = ?').run(at, callId);
      } else {
        if (c.hold_since !== null)
          p('UPDATE calls SET hold_ms = hold_ms + MAX(0, ? - hold_since), hold_since = NULL WHERE id = ?').run(
            at,
            callId,
          );
        if (state === 'ended')
          p('UPDATE calls SET end_at = COALESCE(end_at, ?), end_reason = COALESCE(end_reason, ?) WHERE id = ?').run(
            at,
            endReason ?? null,
            callId,
          );
      }
      addTimeline(
        callId,
        at,
        state === 'held' || state === 'resumed' ? 'hold' : 'state',
        state === 'held' || state === 'resumed'
          ? { on: state === 'held' }
          : { state, ...(endReason ? { endReason } : {}) },
      );
      if (state === 'ended' && endReason === 'transferred') addTimeline(callId, at, 'transfer', { done: true });
    }),
    acw: tx(({ callId, at, phase, enqueueUpdate }) => {
      const c = requireCall(callId);
      if (phase === 'start') p('UPDATE calls SET acw_since = COALESCE(acw_since, ?) WHERE id = ?').run(at, callId);
      else if (c.acw_since !== null)
        p('UPDATE calls SET acw_ms = acw_ms + MAX(0, ? - acw_since), acw_since = NULL WHERE id = ?').run(at, callId);
      addTimeline(callId, at, 'acw', { phase });
      const n = p(q.note).get(callId) as NoteRow | undefined;
      if (phase === 'end' && enqueueUpdate && n?.status === 'final') ensureQueued(callId, at);
    }),
    addTimeline: tx(({ callId, at, kind, data }) => {
      requireCall(callId);
      addTimeline(callId, at, kind, data);
    }),
    // Several samples a second per call: committed without an fsync of their own (synchronous=NORMAL), so a save
    // queued behind one does not wait for the disk twice. The next durable commit (a save, a call state) syncs the
    // WAL up to and including them; a power loss can cost the last samples of the summary, never a note.
    quality: (a) => {
      db.pragma('synchronous = NORMAL');
      try {
        qualityTx(a);
      } finally {
        db.pragma(`synchronous = ${hk.synchronous}`);
      }
    },
    saveNote: (a) => {
      db.transaction(() => {
        requireCall(a.callId);
        const n = p(q.note).get(a.callId) as NoteRow | undefined;
        if (n && !isNoteEditable({ status: n.status, finishedAt: n.finished_at }, a.editWindowMs, a.at)) {
          throw new StoreError('not-editable', 'the note is final and its edit window has passed');
        }
        p(`INSERT INTO notes (call_id, status, template_id, fields, fields_text, text, disposition, created_at, updated_at)
          VALUES (@callId, 'draft', @templateId, @fields, @fieldsText, @text, @disposition, @at, @at)
          ON CONFLICT (call_id) DO UPDATE SET template_id = CASE WHEN @keepTemplate THEN template_id ELSE excluded.template_id END,
            fields = excluded.fields, fields_text = excluded.fields_text, text = excluded.text,
            disposition = CASE WHEN @keepDisposition THEN disposition ELSE excluded.disposition END, updated_at = excluded.updated_at`).run(
          {
            callId: a.callId,
            at: a.at,
            fields: JSON.stringify(a.fields),
            fieldsText: fieldsText(a.fields),
            text: a.text,
            templateId: a.templateId ?? null,
            keepTemplate: a.templateId === undefined ? 1 : 0,
            disposition: a.disposition ?? null,
            keepDisposition: a.disposition === undefined ? 1 : 0,
          },
        );
        if (n?.status === 'final') {
          if (a.disposition) p('UPDATE calls SET disposition = ? WHERE id = ?').run(a.disposition, a.callId);
          if (a.enqueueUpdate) ensureQueued(a.callId, a.at);
        }
      })();
      return { savedAt: a.at };
    },
    getNote: ({ callId }) => {
      const n = p(q.note).get(callId) as NoteRow | undefined;
      return n ? noteView(n) : null;
    },
    finishNote: (a) => {
      let result = { ok: true, missing: [] as string[] };
      db.transaction(() => {
        requireCall(a.callId);
        p(q.openDraft).run(a.callId, a.at, a.at);
        const n = p(q.note).get(a.callId) as NoteRow;
        const fields = parseFields(n.fields);
        const missing = missingRequiredFields(a.requiredFields, { text: n.text, fields });
        if (missing.length) {
          result = { ok: false, missing };
          return;
        }
        p(
          `UPDATE notes SET status = 'final', disposition = ?, finished_at = COALESCE(finished_at, ?), updated_at = ? WHERE call_id = ?`,
        ).run(a.disposition, a.at, a.at, a.callId);
        p('UPDATE calls SET disposition = ? WHERE id = ?').run(a.disposition, a.callId);
        if (a.enqueue) ensureQueued(a.callId, a.at);
      })();
      return result;
    },
    history: ({ from, to, query, limit, offset, countLimit }) => {
      const range = { from: from ?? 0, to: to ?? MAX_TIME, limit, offset };
      const cap = countLimit !== undefined ? Math.max(1, Math.floor(countLimit)) : undefined;
      /** The count of a `SELECT count(*) AS n FROM …` lookup, stopped after `cap` + 1 rows when capped. */
      const count = (sql: string, params: Record<string, unknown>) => {
        if (cap === undefined) return { total: (p(sql).get(params) as { n: number }).n };
        const n = (p(cappedCount(sql)).get({ ...params, cap: cap + 1 }) as { n: number }).n;
        return n > cap ? { total: cap, totalCapped: true } : { total: n };
      };
      const match = query ? ftsQuery(query) : null;
      if (query && !match) return { calls: [], total: 0 };
      if (match) {
        if (deferred && pendingNotes(db) <= SEARCH_FLUSH_MAX) while (indexPending(db, 1000, hk.synchronous) > 0);
        if (from === undefined && to === undefined) {
          const rows = p(lookups.historySearch).all({ ...range, match }) as Array<CallRow & { snip: string }>;
          return { calls: rows.map((r) => summary(r, r.snip)), ...count(lookups.historySearchCountAll, { match }) };
        }
        const ids = p(lookups.noteIdsInRange).get({ from: range.from, to: range.to }) as {
          lo: number | null;
          hi: number | null;
        };
        if (ids.lo === null || ids.hi === null) return { calls: [], total: 0 };
        const bounded = { ...range, match, lo: ids.lo, hi: ids.hi };
        const rows = p(lookups.historySearchRanged).all(bounded) as Array<CallRow & { snip: string }>;
        return {
          calls: rows.map((r) => summary(r, r.snip)),
          ...count(lookups.historySearchCountRanged, { match, from: range.from, to: range.to, lo: ids.lo, hi: ids.hi }),
        };
      }
      const rows = p(lookups.historyByTime).all(range) as CallRow[];
      return { calls: rows.map((r) => summary(r)), ...count(lookups.historyCount, { from: range.from, to: range.to }) };
    },
    detail: ({ callId }) => {
      const c = p(q.call).get(callId) as CallRow | undefined;
      if (!c) return null;
      const timeline = (
        p(lookups.timelineOfCall).all(callId) as Array<{ at: number; kind: TimelineEntry['kind']; data: string }>
      ).map((t) => ({ at: t.at, kind: t.kind, data: JSON.parse(t.data) as Record<string, unknown> }));
      const n = p(q.note).get(callId) as NoteRow | undefined;
      return { call: summary(c), timeline, note: n ? noteView(n) : null };
    },
    drafts: ({ limit }) =>
      (
        p(lookups.drafts).all(limit) as Array<{
          call_id: string;
          updated_at: number;
          preview: string;
          fields_text: string;
          remote_name: string;
          remote_number: string;
        }>
      ).map((r) => ({
        callId: r.call_id,
        remoteName: r.remote_name,
        remoteNumber: r.remote_number,
        updatedAt: r.updated_at,
        preview: (r.preview || r.fields_text).slice(0, 200),
      })),
    exportRows: ({ from, to }) =>
      (
        p(`SELECT c.*, n.status AS note_status, n.template_id, n.fields, n.text, n.finished_at
        FROM calls c LEFT JOIN notes n ON n.call_id = c.id WHERE c.ring_at BETWEEN ? AND ? ORDER BY c.ring_at`).all(
          from,
          to,
        ) as Array<
          CallRow & {
            note_status: 'draft' | 'final' | null;
            template_id: string | null;
            fields: string | null;
            text: string | null;
            finished_at: number | null;
          }
        >
      ).map((r): ExportRow => ({
        ...summary(r),
        endReason: r.end_reason,
        templateId: r.template_id,
        fields: r.fields ? parseFields(r.fields) : {},
        text: r.text ?? '',
        noteStatus: r.note_status,
        finishedAt: r.finished_at,
      })),
    outboxDue: ({ now: at, limit }) => {
      const items: Array<{ id: number; idem_key: string; call_id: string; attempts: number; payload: string | null }> =
        [];
      db.transaction(() => {
        items.push(...(p(lookups.outboxDue).all(at, limit) as typeof items));
        for (const it of items) {
          if (it.payload !== null) continue;
          it.payload = JSON.stringify(deliveryPayload(db, it.idem_key, it.call_id));
          p('UPDATE outbox SET payload = ? WHERE id = ?').run(it.payload, it.id);
        }
      })();
      return items.map((it) => ({
        id: it.id,
        key: it.idem_key,
        callId: it.call_id,
        attempts: it.attempts,
        payload: it.payload!,
      }));
    },
    outboxResult: ({ id, at, delivered, error, nextAttemptAt }) => {
      if (delivered)
        p('UPDATE outbox SET delivered_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?').run(at, id);
      else
        p('UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?').run(
          error ?? 'failed',
          nextAttemptAt ?? at,
          id,
        );
    },
    outboxStats: () => {
      const s = p(
        'SELECT count(*) AS pending, min(next_attempt_at) AS next FROM outbox WHERE delivered_at IS NULL',
      ).get() as { pending: number; next: number | null };
      const last = p(
        'SELECT last_error FROM outbox WHERE delivered_at IS NULL AND last_error IS NOT NULL ORDER BY attempts DESC, id DESC LIMIT 1',
      ).get() as { last_error: string } | undefined;
      return {
        pending: s.pending,
        ...(s.next !== null ? { nextAttemptAt: s.next } : {}),
        ...(last ? { lastError: last.last_error } : {}),
      };
    },
    setPageLimit: ({ pages }) => {
      // SQLite never lowers max_page_count below the current size; a huge value lifts the cap.
      db.pragma(`max_page_count = ${pages === null ? 4294967294 : Math.max(1, Math.floor(pages))}`);
    },
    info: () => ({
      file,
      version: db.pragma('user_version', { simple: true }) as number,
      walMode: db.pragma('journal_mode', { simple: true }) === 'wal',
      ...(recoveredFrom ? { recoveredFrom } : {}),
      ...(deferred ? { unindexedNotes: pendingNotes(db) } : {}),
    }),
  };
  return {
    ...handlers,
    db,
    uncleanShutdown: hk.unclean,
    checkDue: hk.checkDue,
    checkPassed: () => {
      checkPending = false;
      if (hk.marker) updateMeta(file, (m) => ({ ...m, checkedAt: now() }));
    },
    housekeep: (maxNotes) => deferred && indexPending(db, maxNotes, hk.synchronous) > 0,
    checkpoint: () => {
      db.pragma('wal_checkpoint(PASSIVE)');
    },
    salvage: () => salvageAll(db),
    restore: (sv, movedTo) => restoreSalvage(db, sv, movedTo),
    close: () => {
      if (!db.open) return;
      db.close();
      // A clean close: the next open needs no full check, unless the one this session owed has not passed yet or
      // something other than us changes the file before then (the stamp of the file as we left it).
      if (hk.marker && !checkPending) {
        const closed = stampOf(file);
        updateMeta(file, (m) => ({ ...m, ...(closed ? { closed } : {}) }));
        rmSync(hk.marker, { force: true });
      }
    },
  };
}

/** What the sync endpoint receives for one finished call. */
function deliveryPayload(db: Database, key: string, callId: string) {
  const c = db.prepare('SELECT * FROM calls WHERE id = ?').get(callId) as CallRow;
  const n = db.prepare('SELECT * FROM notes WHERE call_id = ?').get(callId) as NoteRow | undefined;
  return {
    idempotencyKey: key,
    schema: 1,
    call: { ...summary(c), endReason: c.end_reason },
    note: n ? noteView(n) : null,
  };
}
