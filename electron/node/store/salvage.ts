import BetterSqlite3, { type Database } from 'better-sqlite3';

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

/** The same, from a file no connection holds yet (a file that fails the check before it is opened). */
export function salvageFile(file: string): Salvage {
  try {
    const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    try {
      return salvageAll(db);
    } finally {
      db.close();
    }
  } catch {
    return { tables: [], gaps: 0 };
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
      `SELECT rowid AS _rowid, * FROM ${table} WHERE rowid > ?${filter} ORDER BY rowid LIMIT ${BATCH}`,
    );
    one = db.prepare(`SELECT rowid AS _rowid, * FROM ${table} WHERE rowid > ?${filter} ORDER BY rowid LIMIT 1`);
    probe = db.prepare(`SELECT rowid FROM ${table} WHERE rowid > ? ORDER BY rowid LIMIT 1`);
  } catch {
    return { rows, gaps: 1 }; // the table's schema cannot be read
  }
  const push = (r: Record<string, unknown>) => {
    const { _rowid, ...row } = r;
    void _rowid;
    rows.push(row);
  };
  const readable = (after: number) => {
    try {
      probe.get(after);
      return true;
    } catch {
      return false;
    }
  };
  let after = -MAX_ROWID;
  for (;;) {
    let got: Array<Record<string, unknown>>;
    try {
      got = batch.all(after) as Array<Record<string, unknown>>;
    } catch {
      // Somewhere in this batch: take the rows one at a time up to the damage.
      try {
        const r = one.get(after) as Record<string, unknown> | undefined;
        if (!r) break;
        push(r);
        after = r._rowid as number;
        continue;
      } catch {
        // The next row cannot be reached: find the lowest rowid after which rows read again.
        const next = nextReadable(after, readable);
        gaps++;
        if (next === undefined) break;
        after = next;
        continue;
      }
    }
    if (got.length === 0) break;
    for (const r of got) push(r);
    after = got[got.length - 1]!._rowid as number;
  }
  return { rows, gaps };
}

/** The lowest `x > after` from which reading works again (doubling steps, then halving back), or none. */
function nextReadable(after: number, readable: (x: number) => boolean): number | undefined {
  let lo = after;
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
