import type { Database, Statement } from 'better-sqlite3';

/**
 * Deferred full-text indexing. A save only records the note in `notes_fts_pending` (the triggers of migration 4);
 * this brings `notes_fts` up to date for pending notes, a slice at a time, in its own transaction. A slice needs no
 * fsync of its own (`synchronous = NORMAL` for it): if it is lost, its pending rows are lost with it and the work is
 * done again; the next durable commit syncs the WAL up to and including it.
 */
interface Statements {
  count: Statement;
  slice: Statement;
  remove: Statement;
  add: Statement;
  done: Statement;
}
const cache = new WeakMap<Database, Statements>();

const statements = (db: Database): Statements => {
  let s = cache.get(db);
  if (!s) {
    s = {
      count: db.prepare('SELECT count(*) AS n FROM notes_fts_pending'),
      slice: db.prepare(
        'SELECT id, indexed, text, fields_text, disposition FROM notes_fts_pending ORDER BY id LIMIT ?',
      ),
      remove: db.prepare(
        "INSERT INTO notes_fts (notes_fts, rowid, text, fields_text, disposition) VALUES ('delete', ?, ?, ?, ?)",
      ),
      add: db.prepare(
        'INSERT INTO notes_fts (rowid, text, fields_text, disposition) SELECT id, text, fields_text, disposition FROM notes WHERE id = ?',
      ),
      done: db.prepare('DELETE FROM notes_fts_pending WHERE id = ?'),
    };
    cache.set(db, s);
  }
  return s;
};

/** Whether this schema defers indexing (version 4 on). */
export const defersIndexing = (db: Database): boolean =>
  db.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'notes_fts_pending'").get() !== undefined;

/** How many notes wait to be indexed. */
export function pendingNotes(db: Database): number {
  return (statements(db).count.get() as { n: number }).n;
}

/** Indexes up to `max` pending notes in one transaction; returns how many it indexed. */
export function indexPending(db: Database, max: number, durable: 'FULL' | 'NORMAL' = 'FULL'): number {
  const s = statements(db);
  let n = 0;
  db.pragma('synchronous = NORMAL');
  try {
    db.transaction(() => {
      const rows = s.slice.all(max) as Array<{
        id: number;
        indexed: number;
        text: string | null;
        fields_text: string | null;
        disposition: string | null;
      }>;
      for (const r of rows) {
        if (r.indexed) s.remove.run(r.id, r.text, r.fields_text, r.disposition);
        s.add.run(r.id);
        s.done.run(r.id);
      }
      n = rows.length;
    })();
  } finally {
    db.pragma(`synchronous = ${durable}`);
  }
  return n;
}
