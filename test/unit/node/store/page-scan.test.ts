import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../../../electron/node/store/database';
import { scanPages } from '../../../../electron/node/store/page-scan';
import { shapesOf, withScanned } from '../../../../electron/node/store/salvage';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'diadema-page-scan-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const long = 'texto largo que no cabe en una página '.repeat(600); // ~23 KB: an overflow chain
function fill(s: Store, n: number, version: string) {
  for (let i = 0; i < n; i++) {
    const callId = `c${i}`;
    s.callStarted({
      callId,
      direction: i % 2 ? 'outbound' : 'inbound',
      remoteName: `Cliente ${i}`,
      remoteNumber: `+52555${i}`,
      at: 1_000 + i,
      ...(i === 3 ? { screenPop: [{ header: 'X-Account', label: { 'es-MX': 'Cuenta' }, value: '778' }] } : {}),
    });
    s.callState({ callId, at: 2_000 + i, state: 'answered' });
    const text = i === 5 ? `${long} ${version}` : `nota ${i} ${version} 🙂`;
    s.saveNote({ callId, at: 3_000 + i, fields: { motivo: 'baja' }, text, editWindowMs: 0, enqueueUpdate: false });
  }
}
const byKey = (rows: Array<Record<string, unknown>>, key: string) => new Map(rows.map((r) => [r[key], r] as const));

describe('page scan: rows read from the pages as the file format lays them out', () => {
  it('finds every call and note of an undamaged file, exactly as SQLite reads them, long notes included', () => {
    const file = path.join(dir, 'notes.sqlite');
    const s = openStore(file);
    fill(s, 40, 'v1');
    const calls = s.db.prepare('SELECT * FROM calls').all() as Array<Record<string, unknown>>;
    const notes = s.db.prepare('SELECT * FROM notes').all() as Array<Record<string, unknown>>;
    const shapes = shapesOf(s.db);
    s.close();
    const found = scanPages(file, shapes);
    const merged = withScanned({ tables: [], gaps: 0 }, found);
    expect(merged.scanned).toBe(80);
    const got = Object.fromEntries(merged.tables.map((t) => [t.table, t.rows]));
    expect(byKey(got.calls!, 'id')).toEqual(byKey(calls, 'id'));
    expect(byKey(got.notes!, 'call_id')).toEqual(byKey(notes, 'call_id'));
    expect((byKey(got.notes!, 'call_id').get('c5')!.text as string).length).toBeGreaterThan(20_000);
  });

  it("reads the WAL's frames too: the newest version of each note wins over the one in the database file", () => {
    const file = path.join(dir, 'notes.sqlite');
    const s = openStore(file, { integrity: 'after-unclean' }); // no automatic checkpoints: v2 stays in the WAL
    fill(s, 10, 'v1');
    s.checkpoint();
    for (let i = 0; i < 10; i++)
      s.saveNote({
        callId: `c${i}`,
        at: 9_000 + i,
        fields: {},
        text: `nota ${i} v2`,
        editWindowMs: 0,
        enqueueUpdate: false,
      });
    // A copy as a crash leaves it: the database file and its WAL, never checkpointed.
    copyFileSync(file, path.join(dir, 'copy.sqlite'));
    copyFileSync(`${file}-wal`, path.join(dir, 'copy.sqlite-wal'));
    const shapes = shapesOf(s.db);
    s.db.close();
    expect(existsSync(path.join(dir, 'copy.sqlite-wal'))).toBe(true);
    const notes = withScanned({ tables: [], gaps: 0 }, scanPages(path.join(dir, 'copy.sqlite'), shapes)).tables.find(
      (t) => t.table === 'notes',
    )!.rows;
    expect(notes.map((n) => [n.call_id, n.text]).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => [`c${i}`, `nota ${i} v2`]).sort(),
    );
  });

  it('a file that is not a database yields nothing, and nothing throws', () => {
    const file = path.join(dir, 'junk.sqlite');
    writeFileSync(file, Buffer.from(Array.from({ length: 20_000 }, (_, i) => (i * 7919) % 256)));
    const s = openStore(path.join(dir, 'shape.sqlite'));
    const found = scanPages(file, shapesOf(s.db));
    s.close();
    expect([...found.values()].flat()).toEqual([]);
  });
});
