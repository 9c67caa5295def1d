import type { Database } from 'better-sqlite3';

/**
 * The schema's history: ONE ordered list. Migration N brings a database at `user_version` N-1 to N, inside a
 * transaction together with the `user_version` bump. Never edit a shipped migration; append a new one.
 */
export interface Migration {
  version: number;
  name: string;
  up: (db: Database) => void;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'calls and their timeline',
    up: (db) =>
      db.exec(`
      CREATE TABLE calls (
        id TEXT PRIMARY KEY,
        direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
        remote_name TEXT NOT NULL DEFAULT '',
        remote_number TEXT NOT NULL DEFAULT '',
        ring_at INTEGER NOT NULL,
        answer_at INTEGER,
        end_at INTEGER,
        end_reason TEXT,
        hold_ms INTEGER NOT NULL DEFAULT 0,
        hold_since INTEGER,
        acw_ms INTEGER NOT NULL DEFAULT 0,
        acw_since INTEGER,
        disposition TEXT,
        mos_sum REAL NOT NULL DEFAULT 0,
        mos_min REAL,
        jitter_max REAL,
        loss_max REAL,
        quality_samples INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      CREATE INDEX calls_by_ring ON calls (ring_at);
      CREATE TABLE timeline (
        id INTEGER PRIMARY KEY,
        call_id TEXT NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
        at INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('mute', 'hold', 'transfer', 'device', 'quality', 'state', 'acw', 'agent')),
        data TEXT NOT NULL DEFAULT '{}'
      ) STRICT;
      CREATE INDEX timeline_by_call ON timeline (call_id, at);
    `),
  },
  {
    version: 2,
    name: 'notes with full-text search',
    up: (db) =>
      db.exec(`
      CREATE TABLE notes (
        id INTEGER PRIMARY KEY,
        call_id TEXT NOT NULL UNIQUE REFERENCES calls (id) ON DELETE CASCADE,
        status TEXT NOT NULL CHECK (status IN ('draft', 'final')),
        template_id TEXT,
        fields TEXT NOT NULL DEFAULT '{}',
        fields_text TEXT NOT NULL DEFAULT '',
        text TEXT NOT NULL DEFAULT '',
        disposition TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        finished_at INTEGER
      ) STRICT;
      CREATE INDEX notes_by_status ON notes (status, updated_at);
      -- Diacritics folded (cancion finds canción); symbols such as emoji are part of words, so they can be searched.
      CREATE VIRTUAL TABLE notes_fts USING fts5 (
        text, fields_text, disposition, content = 'notes', content_rowid = 'id',
        tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co So Sk'"
      );
      CREATE TRIGGER notes_after_insert AFTER INSERT ON notes BEGIN
        INSERT INTO notes_fts (rowid, text, fields_text, disposition) VALUES (new.id, new.text, new.fields_text, new.disposition);
      END;
      CREATE TRIGGER notes_after_delete AFTER DELETE ON notes BEGIN
        INSERT INTO notes_fts (notes_fts, rowid, text, fields_text, disposition) VALUES ('delete', old.id, old.text, old.fields_text, old.disposition);
      END;
      CREATE TRIGGER notes_after_update AFTER UPDATE OF text, fields_text, disposition ON notes BEGIN
        INSERT INTO notes_fts (notes_fts, rowid, text, fields_text, disposition) VALUES ('delete', old.id, old.text, old.fields_text, old.disposition);
        INSERT INTO notes_fts (rowid, text, fields_text, disposition) VALUES (new.id, new.text, new.fields_text, new.disposition);
      END;
    `),
  },
  {
    version: 3,
    name: 'outbox for upstream sync',
    up: (db) =>
      db.exec(`
      CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        idem_key TEXT NOT NULL UNIQUE,
        call_id TEXT NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
        payload TEXT,
        created_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_error TEXT,
        delivered_at INTEGER
      ) STRICT;
      CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE delivered_at IS NULL;
      CREATE INDEX outbox_by_call ON outbox (call_id);
    `),
  },
  {
    version: 4,
    name: 'prefix indexes, deferred full-text indexing, note times',
    // The FTS5 table is rebuilt with prefix indexes for 2- and 3-character prefixes (a short prefix then reads one
    // doclist instead of merging thousands). The triggers no longer index a note inside the save: they record which
    // note changed (and, the first time, what the index holds for it) in notes_fts_pending, so a save writes one
    // small row; the store indexes pending notes when idle and before any search (fts-indexer.ts). Existing notes
    // are all pending after the upgrade, so the upgrade itself is quick. note_times maps a note to its call's ring
    // time, so a time-ranged search can bound the FTS rowids first.
    up: (db) =>
      db.exec(`
      DROP TRIGGER notes_after_insert;
      DROP TRIGGER notes_after_update;
      DROP TRIGGER notes_after_delete;
      DROP TABLE notes_fts;
      CREATE VIRTUAL TABLE notes_fts USING fts5 (
        text, fields_text, disposition, content = 'notes', content_rowid = 'id',
        tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co So Sk'", prefix = '2 3'
      );
      -- indexed = 1: the index holds this note with the values kept here (what a 'delete' must be given).
      CREATE TABLE notes_fts_pending (
        id INTEGER PRIMARY KEY,
        indexed INTEGER NOT NULL,
        text TEXT,
        fields_text TEXT,
        disposition TEXT
      ) STRICT;
      INSERT INTO notes_fts_pending (id, indexed) SELECT id, 0 FROM notes;
      CREATE TABLE note_times (id INTEGER PRIMARY KEY, ring_at INTEGER NOT NULL) STRICT;
      CREATE INDEX note_times_by_ring ON note_times (ring_at);
      INSERT INTO note_times (id, ring_at) SELECT n.id, c.ring_at FROM notes n JOIN calls c ON c.id = n.call_id;
      -- NOT EXISTS rather than OR IGNORE: an upsert's conflict policy would override the trigger's.
      CREATE TRIGGER notes_after_insert AFTER INSERT ON notes BEGIN
        INSERT INTO notes_fts_pending (id, indexed)
          SELECT new.id, 0 WHERE NOT EXISTS (SELECT 1 FROM notes_fts_pending WHERE id = new.id);
        DELETE FROM note_times WHERE id = new.id;
        INSERT INTO note_times (id, ring_at) SELECT new.id, ring_at FROM calls WHERE id = new.call_id;
      END;
      CREATE TRIGGER notes_after_update AFTER UPDATE OF text, fields_text, disposition ON notes BEGIN
        INSERT INTO notes_fts_pending (id, indexed, text, fields_text, disposition)
          SELECT old.id, 1, old.text, old.fields_text, old.disposition
          WHERE NOT EXISTS (SELECT 1 FROM notes_fts_pending WHERE id = old.id);
      END;
      CREATE TRIGGER notes_after_delete AFTER DELETE ON notes BEGIN
        INSERT INTO notes_fts_pending (id, indexed, text, fields_text, disposition)
          SELECT old.id, 1, old.text, old.fields_text, old.disposition
          WHERE NOT EXISTS (SELECT 1 FROM notes_fts_pending WHERE id = old.id);
        DELETE FROM note_times WHERE id = old.id;
      END;
    `),
  },
  {
    version: 5,
    name: 'screen-pop fields a call rang with',
    // JSON list of { header, label?, value }: what the agent saw when the call rang (the team may rename a header
    // or drop it later; the record keeps what it was). Old calls have none.
    up: (db) => db.exec(`ALTER TABLE calls ADD COLUMN screen_pop TEXT NOT NULL DEFAULT '[]';`),
  },
];

export const latestVersion = migrations[migrations.length - 1]!.version;
