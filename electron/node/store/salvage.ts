import BetterSqlite3, { type Database } from 'better-sqlite3';
import { closeSync, copyFileSync, existsSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { scanPages, type ScannedRow, type Shape } from './page-scan';

/**
 * Copying what can still be read out of a damaged notes database into a fresh one. SQLite's `.recover` is not in
 * better-sqlite3, so the rows are read table by table in rowid order, a batch at a time; a batch that meets a
 * damaged page is retried row by row, and the rowids that cannot be reached (a damaged leaf or interior page) are
 * stepped over by searching for the next rowid that reads again. Derived tables (the full-text index, its pending
 * list, the note times) are not copied: the fresh file rebuilds them from the notes.
 */

/** Rows copied out of a corrupt file into the fresh one (best effort: what can still be read). */
export interface Salvage {
  tables: Array<{ table: string; rows: Array<Record<string, unknown>> }>;
  /** Stretches of rowids (per table) that could not be read. */
  gaps: number;
  /** Rows found only by scanning the pages (`page-scan.ts`). */
  scanned?: number;
}

/** What the fresh file received. */
export interface Restored {
  notes: number;
  calls: number;
  /** Call rows made up for notes whose own call row could not be read (so the note is not refused). */
  placeholderCalls: number;
  /** Rows read but refused by the fresh file (values a damaged page turned into garbage). */
  refused: number;
}

/** Parents before children (foreign keys); undelivered outbox items only (the delivered ones are history). */
const copied: ReadonlyArray<{ table: string; where?: string }> = [
  { table: 'calls' },
  { table: 'notes' },
  { table: 'timeline' },
  { table: 'outbox', where: 'delivered_at IS NULL' },
];

const BATCH = 500;
const MAX_ROWID = Number.MAX_SAFE_INTEGER;

/** Reads every row that can still be read from `db` (any connection; read only is enough). */
export function salvageAll(db: Database): Salvage {
  let gaps = 0;
  const tables: Salvage['tables'] = [];
  for (const { table, where } of copied) {
    const { rows, gaps: g } = readTable(db, table, where);
    gaps += g;
    tables.push({ table, rows });
  }
  return { tables, gaps };
}

/**
 * The same, from a file that failed the checks before it was opened: read from a scratch copy beside it whose header
 * is mended where it can be (SQLite refuses a whole file whose header claims more pages than it holds, so the page
 * count is cleared and the file's real size used; an impossible page size becomes the 4096 bytes the store uses).
 * The file itself is never written. No room for the copy: the file is read as it is.
 */
export function salvageFile(file: string): Salvage {
  const scratch = `${file}.salvage-${process.pid}`;
  const sidecars = ['', '-wal', '-shm', '-journal'];
  try {
    try {
      copyFileSync(file, scratch);
      if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, `${scratch}-wal`);
      mendHeader(scratch, existsSync(`${file}-wal`));
    } catch {
      return readFrom(file, true);
    }
    return readFrom(scratch, false);
  } finally {
    for (const s of sidecars) rmSync(scratch + s, { force: true });
  }
}

function readFrom(file: string, readonly: boolean): Salvage {
  try {
    const db = new BetterSqlite3(file, { readonly, fileMustExist: true });
    try {
      return salvageAll(db);
    } finally {
      db.close();
    }
  } catch {
    return { tables: [], gaps: 0 };
  }
}

function mendHeader(file: string, wal: boolean): void {
  const fd = openSync(file, 'r+');
  try {
    const h = Buffer.alloc(100);
    if (readSync(fd, h, 0, 100, 0) < 100) return;
    h.write('SQLite format 3\0', 0, 'latin1');
    const raw = h.readUInt16BE(16);
    const size = raw === 1 ? 65536 : raw;
    if (size < 512 || size > 65536 || (size & (size - 1)) !== 0) h.writeUInt16BE(4096, 16);
    for (const at of [18, 19]) if (h[at] !== 1 && h[at] !== 2) h[at] = wal ? 2 : 1;
    h[21] = 64;
    h[22] = 32;
    h[23] = 32;
    h.writeUInt32BE(0, 28); // no page count: SQLite takes the file's size
    writeSync(fd, h, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
}

function readTable(
  db: Database,
  table: string,
  where?: string,
): { rows: Array<Record<string, unknown>>; gaps: number } {
  const rows: Array<Record<string, unknown>> = [];
  let gaps = 0;
  const filter = where ? ` AND (${where})` : '';
  let batch: BetterSqlite3.Statement;
  let one: BetterSqlite3.Statement;
  let probe: BetterSqlite3.Statement;
  try {
    batch = db.prepare(
      `SELECT rowid AS _rowid, * FROM ${table} WHERE rowid >= ?${filter} ORDER BY rowid LIMIT ${BATCH}`,
    );
    one = db.prepare(`SELECT rowid AS _rowid, * FROM ${table} WHERE rowid >= ?${filter} ORDER BY rowid LIMIT 1`);
    probe = db.prepare(`SELECT rowid FROM ${table} WHERE rowid >= ? ORDER BY rowid LIMIT 1`);
  } catch {
    return { rows, gaps: 1 }; // the table's schema cannot be read
  }
  const push = (r: Record<string, unknown>) => {
    const { _rowid, ...row } = r;
    void _rowid;
    rows.push(row);
  };
  /** Whether a seek to `rowid >= x` works (only the keys are read). */
  const readable = (x: number) => {
    try {
      probe.get(x);
      return true;
    } catch {
      return false;
    }
  };
  // Seeks are always "from this rowid on" (>=): a seek "after the last row read" would start in that row's page and
  // step into a damaged one, and so skip the first row of the page after it.
  let from = -MAX_ROWID;
  for (;;) {
    let got: Array<Record<string, unknown>>;
    try {
      got = batch.all(from) as Array<Record<string, unknown>>;
    } catch {
      // Somewhere in this batch: take the rows one at a time up to the damage.
      try {
        const r = one.get(from) as Record<string, unknown> | undefined;
        if (!r) break;
        push(r);
        from = (r._rowid as number) + 1;
        continue;
      } catch {
        gaps++;
      }
      // The key can be found but the row cannot be read (its content or overflow page is damaged): skip that row.
      let key: { rowid: number } | undefined;
      try {
        key = probe.get(from) as { rowid: number } | undefined;
      } catch {
        // The seek itself fails (a damaged leaf or interior page): find the lowest rowid from which seeks work again.
        const next = nextReadable(from, readable);
        if (next === undefined) break;
        from = next;
        continue;
      }
      if (key === undefined) break;
      from = key.rowid + 1;
      continue;
    }
    if (got.length === 0) break;
    for (const r of got) push(r);
    from = (got[got.length - 1]!._rowid as number) + 1;
  }
  return { rows, gaps };
}

/** The lowest `x > from` from which a seek (`rowid >= x`) works again (doubling steps, then halving back), or none. */
function nextReadable(from: number, readable: (x: number) => boolean): number | undefined {
  let lo = from;
  let step = 1;
  let found = false;
  while (lo + step <= MAX_ROWID) {
    if (readable(lo + step)) {
      found = true;
      break;
    }
    lo += step;
    step *= 2;
  }
  if (!found) return undefined;
  let hi: number = lo + step;
  while (hi - lo > 1) {
    const mid: number = lo + Math.floor((hi - lo) / 2);
    if (readable(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * Puts salvaged rows into `db` (a fresh file at the current schema), a row at a time so a garbage row costs only
 * itself. A note whose call row was lost gets a placeholder call (inbound, unknown number, rung when the note was
 * created) so that the note itself is kept.
 */
export function restoreRows(db: Database, sv: Salvage): Restored {
  const done: Restored = { notes: 0, calls: 0, placeholderCalls: 0, refused: 0 };
  db.transaction(() => {
    for (const { table, rows } of sv.tables) {
      const columns = new Set(
        (db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(table) as string[]).filter(Boolean),
      );
      const insert = (cols: string[]) =>
        db.prepare(
          `INSERT OR IGNORE INTO ${table} (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
        );
      for (const row of rows) {
        const cols = Object.keys(row).filter((c) => columns.has(c));
        if (!cols.length) continue;
        const values = cols.map((c) => row[c]);
        let changes: number;
        try {
          changes = insert(cols).run(...values).changes;
        } catch (err) {
          const orphan =
            table === 'notes' &&
            typeof row.call_id === 'string' &&
            (err as { code?: string }).code?.includes('FOREIGNKEY');
          if (!orphan) {
            done.refused++;
            continue;
          }
          try {
            const ringAt = typeof row.created_at === 'number' ? row.created_at : 0;
            // One savepoint: a note still refused takes its placeholder with it.
            changes = db.transaction(() => {
              db.prepare(`INSERT INTO calls (id, direction, ring_at) VALUES (?, 'inbound', ?)`).run(
                row.call_id,
                ringAt,
              );
              return insert(cols).run(...values).changes;
            })();
            done.placeholderCalls++;
          } catch {
            done.refused++;
            continue;
          }
        }
        if (table === 'notes') done.notes += changes;
        if (table === 'calls') done.calls += changes;
      }
    }
  })();
  return done;
}

/** What the page scan looks for, and how one row is told from another (several versions: the most complete wins). */
const scannedTables: ReadonlyArray<{ table: string; key: string; newest: (r: ScannedRow) => number }> = [
  { table: 'calls', key: 'id', newest: (r) => Object.values(r).filter((v) => v !== null).length },
  { table: 'notes', key: 'call_id', newest: (r) => (typeof r.updated_at === 'number' ? r.updated_at : 0) },
];

/** The STRICT shapes of the scanned tables, from `db`'s own schema (the fresh file, at the current version). */
export function shapesOf(db: Database): Shape[] {
  return scannedTables.map(({ table }) => {
    const info = db
      .prepare('SELECT name, type, "notnull" AS nn, dflt_value AS dflt, pk FROM pragma_table_info(?) ORDER BY cid')
      .all(table) as Array<{ name: string; type: string; nn: number; dflt: string | null; pk: number }>;
    const keys = info.filter((c) => c.pk > 0).length;
    return {
      table,
      columns: info.map((c) => ({
        name: c.name,
        type: c.type.toUpperCase(),
        notNull: c.nn === 1,
        rowidAlias: keys === 1 && c.pk === 1 && c.type.toUpperCase() === 'INTEGER',
        hasDefault: c.dflt !== null,
      })),
    };
  });
}

/**
 * Adds what a page scan of the file set aside found and the table-by-table read did not (a call or a note the read
 * has wins; of several versions the scan found, the newest note, the most complete call).
 */
export function withScanned(sv: Salvage, scanned: Map<string, ScannedRow[]>): Salvage {
  let added = 0;
  const tables = sv.tables.map((t) => ({ table: t.table, rows: [...t.rows] }));
  for (const { table, key, newest } of scannedTables) {
    let entry = tables.find((t) => t.table === table);
    if (!entry) {
      entry = { table, rows: [] };
      // Parents first: calls before notes, as the read lists them.
      tables.splice(table === 'calls' ? 0 : tables.findIndex((t) => t.table === 'calls') + 1, 0, entry);
    }
    const have = new Set(entry.rows.map((r) => r[key]));
    const best = new Map<unknown, ScannedRow>();
    for (const r of scanned.get(table) ?? []) {
      if (have.has(r[key])) continue;
      const prev = best.get(r[key]);
      if (!prev || newest(r) > newest(prev)) best.set(r[key], r);
    }
    entry.rows.push(...best.values());
    added += best.size;
  }
  return { tables, gaps: sv.gaps, scanned: (sv.scanned ?? 0) + added };
}

/** Restores into the fresh `db` what was read of the file set aside at `movedTo`, plus what a scan of its pages finds. */
export function restoreSalvage(db: Database, sv: Salvage, movedTo: string | undefined): Restored {
  let all = sv;
  if (movedTo) {
    try {
      all = withScanned(sv, scanPages(movedTo, shapesOf(db)));
    } catch {
      // the scan is a bonus: what was read is restored all the same
    }
  }
  return restoreRows(db, all);
}
