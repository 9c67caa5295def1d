import BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lookups, migrate, openStore, type Store } from '../../../../electron/node/store/database';
import { latestVersion, migrations } from '../../../../electron/node/store/migrations';

let dir: string;
let store: Store | undefined;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'diadema-migrations-'));
});
afterEach(() => {
  store?.close();
  store = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const openAt = (version: number) => {
  store = openStore(path.join(dir, 'notes.sqlite'), { targetVersion: version });
  return store.db;
};
const objects = (db: BetterSqlite3.Database) =>
  (
    db
      .prepare(
        "SELECT type, name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' AND name NOT GLOB 'notes_fts_*' ORDER BY name",
      )
      .all() as Array<{ type: string; name: string }>
  )
    .map((o) => `${o.type}:${o.name}`)
    .sort();
const columns = (db: BetterSqlite3.Database, table: string) =>
  (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as Array<{ name: string }>).map((c) => c.name);
const plan = (db: BetterSqlite3.Database, sql: string, ...params: unknown[]) =>
  (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>)
    .map((r) => r.detail)
    .join(' | ');
const timeRange = { from: 0, to: 1, limit: 10, offset: 0 };

describe('migrations', () => {
  it('are one ordered, gap-free list ending at the latest version', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
    expect(latestVersion).toBe(migrations.length);
  });

  it("1: calls and timeline; history by time and a call's timeline use indexes", () => {
    const db = openAt(1);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(objects(db)).toEqual(['index:calls_by_ring', 'index:timeline_by_call', 'table:calls', 'table:timeline']);
    expect(columns(db, 'calls')).toEqual(
      expect.arrayContaining([
        'direction',
        'remote_name',
        'remote_number',
        'ring_at',
        'answer_at',
        'end_at',
        'hold_ms',
        'acw_ms',
        'disposition',
        'mos_sum',
        'quality_samples',
      ]),
    );
    expect(plan(db, lookups.historyByTime, timeRange)).toMatch(
      /SEARCH c USING INDEX calls_by_ring \(ring_at>\? AND ring_at<\?\)/,
    );
    expect(plan(db, lookups.historyByTime, timeRange)).not.toMatch(/TEMP B-TREE/);
    expect(plan(db, lookups.historyCount, timeRange)).toMatch(/USING COVERING INDEX calls_by_ring/);
    expect(plan(db, lookups.timelineOfCall, 'x')).toMatch(
      /SEARCH timeline USING INDEX timeline_by_call \(call_id=\?\)/,
    );
    expect(plan(db, lookups.timelineOfCall, 'x')).not.toMatch(/TEMP B-TREE/);
  });

  it("2: notes with FTS5 kept in sync by triggers; search, a call's note and the drafts use indexes", () => {
    const db = openAt(2);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(objects(db)).toEqual(
      expect.arrayContaining([
        'table:notes',
        'table:notes_fts',
        'index:notes_by_status',
        'trigger:notes_after_insert',
        'trigger:notes_after_update',
        'trigger:notes_after_delete',
      ]),
    );
    expect(objects(db).some((o) => o.includes('outbox'))).toBe(false);
    const search = plan(db, lookups.historySearch, { ...timeRange, match: 'hola' });
    expect(search).toMatch(/SCAN notes_fts VIRTUAL TABLE INDEX \d+:M/);
    expect(search).toMatch(/SEARCH n USING INTEGER PRIMARY KEY/);
    expect(search).toMatch(/SEARCH c USING INDEX sqlite_autoindex_calls_1/);
    expect(search).not.toMatch(/TEMP B-TREE/); // newest first straight from FTS5: no sort of every match
    expect(plan(db, lookups.historySearchCountAll, { match: 'hola' })).toMatch(
      /^SCAN notes_fts VIRTUAL TABLE INDEX 0:M/,
    );
    expect(plan(db, lookups.noteOfCall, 'x')).toMatch(
      /SEARCH notes USING INDEX sqlite_autoindex_notes_1 \(call_id=\?\)/,
    );
    expect(plan(db, lookups.drafts, 10)).toMatch(/SEARCH n USING INDEX notes_by_status \(status=\?\)/);
    // The triggers keep the index in step with inserts, updates and deletes.
    db.prepare("INSERT INTO calls (id, direction, ring_at) VALUES ('c1', 'inbound', 1)").run();
    db.prepare(
      "INSERT INTO notes (call_id, status, text, created_at, updated_at) VALUES ('c1', 'draft', 'primera versión', 1, 1)",
    ).run();
    const hits = (q: string) =>
      (db.prepare('SELECT count(*) AS n FROM notes_fts WHERE notes_fts MATCH ?').get(q) as { n: number }).n;
    expect(hits('primera')).toBe(1);
    db.prepare("UPDATE notes SET text = 'segunda' WHERE call_id = 'c1'").run();
    expect([hits('primera'), hits('segunda')]).toEqual([0, 1]);
    db.prepare("DELETE FROM notes WHERE call_id = 'c1'").run();
    expect(hits('segunda')).toBe(0);
    expect(
      db.prepare("INSERT INTO notes_fts (notes_fts) VALUES ('integrity-check')").run().changes,
    ).toBeGreaterThanOrEqual(0);
  });

  it('3: outbox; the due items use the partial index', () => {
    const db = openAt(3);
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    expect(objects(db)).toEqual(expect.arrayContaining(['table:outbox', 'index:outbox_due', 'index:outbox_by_call']));
    expect(columns(db, 'outbox')).toEqual([
      'id',
      'idem_key',
      'call_id',
      'payload',
      'created_at',
      'attempts',
      'next_attempt_at',
      'last_error',
      'delivered_at',
    ]);
    const due = plan(db, lookups.outboxDue, 0, 10);
    expect(due).toMatch(/SEARCH outbox USING INDEX outbox_due \(next_attempt_at<\?\)/);
    expect(due).not.toMatch(/TEMP B-TREE/);
  });

  it('4: prefix indexes, deferred indexing, note times; a ranged search bounds FTS rowids by the time index', () => {
    const db = openAt(4);
    expect(db.pragma('user_version', { simple: true })).toBe(4);
    expect(objects(db)).toEqual(expect.arrayContaining(['table:note_times', 'index:note_times_by_ring']));
    expect(db.prepare("SELECT type FROM sqlite_schema WHERE name = 'notes_fts_pending'").pluck().get()).toBe('table');
    const fts = db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'notes_fts'").pluck().get() as string;
    expect(fts).toMatch(/prefix = '2 3'/);
    expect(plan(db, lookups.noteIdsInRange, { from: 0, to: 1 })).toMatch(
      /SEARCH note_times USING COVERING INDEX note_times_by_ring \(ring_at>\? AND ring_at<\?\)/,
    );
    const ranged = plan(db, lookups.historySearchRanged, { ...timeRange, match: 'hola', lo: 1, hi: 2 });
    expect(ranged).toMatch(/^SCAN notes_fts VIRTUAL TABLE INDEX \d+:M/);
    expect(ranged).toMatch(/SEARCH t USING INTEGER PRIMARY KEY/);
    expect(ranged).not.toMatch(/TEMP B-TREE/);
    expect(plan(db, lookups.historySearchCountRanged, { match: 'hola', from: 0, to: 1, lo: 1, hi: 2 })).toMatch(
      /^SCAN notes_fts VIRTUAL TABLE INDEX \d+:M.*SEARCH t USING INTEGER PRIMARY KEY/,
    );
  });

  it('4 over a version-3 database with notes: old notes are found (by short prefixes too) and stay in step', () => {
    const file = path.join(dir, 'notes.sqlite');
    store = openStore(file, { targetVersion: 3 });
    const insCall = store.db.prepare("INSERT INTO calls (id, direction, ring_at) VALUES (?, 'inbound', ?)");
    const insNote = store.db.prepare(
      "INSERT INTO notes (call_id, status, text, fields_text, created_at, updated_at) VALUES (?, 'final', ?, ?, ?, ?)",
    );
    const texts = ['cancelación del servicio', 'facturación duplicada', 'cambio de plan', 'canción de espera'];
    texts.forEach((t, i) => {
      insCall.run(`v${i}`, 1000 * (i + 1));
      insNote.run(`v${i}`, t, `dato${i}`, 1000 * (i + 1), 1000 * (i + 1));
    });
    store.close();
    store = openStore(file);
    const { db } = store;
    expect(db.pragma('user_version', { simple: true })).toBe(latestVersion);
    // The upgrade is quick: every old note is queued for the index, and each has its ring time.
    expect(store.info({}).unindexedNotes).toBe(texts.length);
    expect(db.prepare('SELECT id, ring_at FROM note_times ORDER BY id').all()).toEqual(
      texts.map((_, i) => ({ id: i + 1, ring_at: 1000 * (i + 1) })),
    );
    const ids = (query: string, range: { from?: number; to?: number } = {}) =>
      store!
        .history({ query, limit: 50, offset: 0, ...range })
        .calls.map((c) => c.callId)
        .sort();
    expect(ids('ca')).toEqual(['v0', 'v2', 'v3']); // 2-character prefix
    expect(ids('fac')).toEqual(['v1']); // 3-character prefix
    expect(ids('cancel')).toEqual(['v0']);
    expect(ids('dato3')).toEqual(['v3']); // fields too
    expect(ids('ca', { from: 2000, to: 3500 })).toEqual(['v2']);
    expect(store.history({ query: 'ca', from: 1500, limit: 1, offset: 0 }).total).toBe(2);
    expect(store.info({}).unindexedNotes).toBe(0);
    // A capped count stops early and says so; the page itself is whole.
    const capped = store.history({ query: 'ca', limit: 50, offset: 0, countLimit: 2 });
    expect([capped.calls.length, capped.total, capped.totalCapped]).toEqual([3, 2, true]);
    expect(store.history({ query: 'ca', limit: 50, offset: 0, countLimit: 3 })).not.toHaveProperty('totalCapped');
    expect(store.history({ query: 'ca', from: 0, limit: 50, offset: 0, countLimit: 1 }).totalCapped).toBe(true);
    expect(store.history({ limit: 1, offset: 0, countLimit: 3 })).toMatchObject({ total: 3, totalCapped: true });
    expect(store.history({ limit: 1, offset: 0 }).total).toBe(4);
    // Later changes are indexed before the next search: updates, a delete, a new note reusing the freed rowid.
    db.prepare("UPDATE notes SET text = 'reembolso aprobado' WHERE call_id = 'v0'").run();
    db.prepare("UPDATE notes SET text = 'reembolso aprobado y enviado' WHERE call_id = 'v0'").run();
    db.prepare("DELETE FROM notes WHERE call_id = 'v3'").run();
    db.prepare("INSERT INTO calls (id, direction, ring_at) VALUES ('v4', 'inbound', 9000)").run();
    db.prepare(
      "INSERT INTO notes (call_id, status, text, created_at, updated_at) VALUES ('v4', 'draft', 'canal nuevo', 9000, 9000)",
    ).run();
    expect(ids('cancel')).toEqual([]);
    expect(ids('reem')).toEqual(['v0']);
    expect(ids('ca')).toEqual(['v2', 'v4']);
    expect(ids('ca', { from: 8000 })).toEqual(['v4']);
    // The index matches the notes table exactly (FTS5 compares it with the external content).
    expect(() =>
      db.prepare("INSERT INTO notes_fts (notes_fts, rank) VALUES ('integrity-check', 1)").run(),
    ).not.toThrow();
  });

  it('5 over a version-4 file: old calls keep everything and have no screen pop; new calls keep theirs', () => {
    const file = path.join(dir, 'notes.sqlite');
    store = openStore(file, { targetVersion: 4 });
    // Written as the version-4 code wrote them (its statements name the columns it knew).
    store.db
      .prepare(
        "INSERT INTO calls (id, direction, remote_name, remote_number, ring_at, answer_at) VALUES ('old', 'inbound', 'Ana', '2002', 1000, 2000)",
      )
      .run();
    store.db
      .prepare(
        "INSERT INTO notes (call_id, status, text, created_at, updated_at) VALUES ('old', 'draft', 'nota vieja', 2500, 2500)",
      )
      .run();
    expect(columns(store.db, 'calls')).not.toContain('screen_pop');
    store.close();

    store = openStore(file);
    const { db } = store;
    expect(db.pragma('user_version', { simple: true })).toBe(latestVersion);
    expect(columns(db, 'calls')).toContain('screen_pop');
    expect(db.prepare("SELECT screen_pop FROM calls WHERE id = 'old'").pluck().get()).toBe('[]');
    const old = store.detail({ callId: 'old' })!;
    expect(old.call).toMatchObject({ callId: 'old', remoteName: 'Ana', answerAt: 2000 });
    expect(old.call).not.toHaveProperty('screenPop');
    expect(old.note?.text).toBe('nota vieja');

    const screenPop = [
      { header: 'X-Account-Id', label: { en: 'Account', 'es-ES': 'Cuenta' }, value: '4815' },
      { header: 'X-IVR-Path', value: 'billing>late' },
    ];
    store.callStarted({
      callId: 'new',
      direction: 'inbound',
      remoteName: '',
      remoteNumber: '2003',
      at: 3000,
      screenPop,
    });
    // Idempotent: a second start (a replayed write) does not replace what the call rang with.
    store.callStarted({ callId: 'new', direction: 'inbound', remoteName: '', remoteNumber: '2003', at: 3000 });
    expect(store.detail({ callId: 'new' })!.call.screenPop).toEqual(screenPop);
    expect(store.history({ limit: 10, offset: 0 }).calls.map((c) => c.screenPop)).toEqual([screenPop, undefined]);
    expect(store.exportRows({ from: 0, to: 10_000 }).map((r) => r.screenPop)).toEqual([undefined, screenPop]);

    // A cell damaged on disk loses the screen pop of that call, never the call.
    db.prepare("UPDATE calls SET screen_pop = '[{\"header\": 5}' WHERE id = 'new'").run();
    expect(store.detail({ callId: 'new' })!.call).toMatchObject({ callId: 'new', remoteNumber: '2003' });
    expect(store.detail({ callId: 'new' })!.call).not.toHaveProperty('screenPop');
  });

  it('upgrade one step at a time keeps data, and running again changes nothing', () => {
    const file = path.join(dir, 'notes.sqlite');
    store = openStore(file, { targetVersion: 1 });
    store.db.prepare("INSERT INTO calls (id, direction, ring_at) VALUES ('old', 'outbound', 5)").run();
    store.close();
    store = openStore(file);
    expect(store.db.pragma('user_version', { simple: true })).toBe(latestVersion);
    expect(store.history({ limit: 10, offset: 0 }).calls.map((c) => c.callId)).toEqual(['old']);
    migrate(store.db);
    expect(store.db.pragma('user_version', { simple: true })).toBe(latestVersion);
  });

  it('a migration that fails leaves the database at the previous version, with nothing half-applied', () => {
    const db = new BetterSqlite3(path.join(dir, 'bad.sqlite'));
    try {
      const list = [
        { version: 1, name: 'ok', up: (d: BetterSqlite3.Database) => d.exec('CREATE TABLE a (x INTEGER)') },
        {
          version: 2,
          name: 'broken',
          up: (d: BetterSqlite3.Database) => d.exec('CREATE TABLE b (x INTEGER); CREATE TABLE a (y INTEGER)'),
        },
      ];
      expect(() => migrate(db, 2, list)).toThrow(/already exists/);
      expect(db.pragma('user_version', { simple: true })).toBe(1);
      expect(db.prepare("SELECT name FROM sqlite_schema WHERE name = 'b'").get()).toBeUndefined();
    } finally {
      db.close();
    }
  });
});
