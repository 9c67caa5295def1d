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
];

export const latestVersion = migrations[migrations.length - 1]!.version;
