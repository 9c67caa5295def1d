import BetterSqlite3 from 'better-sqlite3';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { latestVersion } from '../../../../electron/node/store/migrations';
import { StoreError } from '../../../../electron/node/store/store-api';
import { StoreClient, defaultStoreWorkerUrl } from '../../../../electron/node/store/store-client';
import { bundleStoreWorker } from '../../../support/store-build';

let worker: Awaited<ReturnType<typeof bundleStoreWorker>>;
let dir: string;
let file: string;
const open: StoreClient[] = [];
beforeAll(async () => {
  worker = await bundleStoreWorker();
}, 60_000);
afterAll(() => worker.dispose());
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'diadema-store-'));
  file = path.join(dir, 'notes.sqlite');
});
afterEach(async () => {
  for (const c of open.splice(0)) await c.close();
  rmSync(dir, { recursive: true, force: true });
});

const openClient = async () => {
  const c = await StoreClient.open({ file, workerUrl: worker.url });
  open.push(c);
  return c;
};
const closeClient = async (c: StoreClient) => {
  open.splice(open.indexOf(c), 1);
  await c.close();
};
const errorOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return e as StoreError;
  }
  throw new Error('expected a rejection');
};
const call = async (c: StoreClient, callId: string, at: number, extra: { remoteName?: string } = {}) => {
  await c.call('callStarted', {
    callId,
    direction: 'inbound',
    remoteName: extra.remoteName ?? 'Cliente',
    remoteNumber: '+5215550000',
    at,
  });
  await c.call('callState', { callId, at: at + 1000, state: 'answered' });
};
const save = (c: StoreClient, callId: string, text: string, fields: Record<string, string> = {}, at = 5000) =>
  c.call('saveNote', { callId, at, fields, text, editWindowMs: 0, enqueueUpdate: false });

describe('store in its worker thread', { timeout: 30_000 }, () => {
  it('opens in WAL mode at the latest schema version', async () => {
    const c = await openClient();
    expect(c.info).toMatchObject({ file, version: latestVersion, walMode: true });
    expect(c.info.recoveredFrom).toBeUndefined();
  });

  it('autosaves a draft and finds it again after reopening the file', async () => {
    let c = await openClient();
    await call(c, 'a1', 1000);
    expect(await c.call('getNote', { callId: 'a1' })).toMatchObject({ status: 'draft', text: '' });
    await save(c, 'a1', 'primer borrador', { identifica: 'Juan' }, 3000);
    await save(c, 'a1', 'primer borrador, segunda frase', { identifica: 'Juan Pérez' }, 3300);
    await closeClient(c);
    c = await openClient();
    expect(await c.call('getNote', { callId: 'a1' })).toEqual({
      callId: 'a1',
      templateId: null,
      fields: { identifica: 'Juan Pérez' },
      text: 'primer borrador, segunda frase',
      disposition: null,
      status: 'draft',
      updatedAt: 3300,
    });
    expect((await c.call('drafts', { limit: 10 })).map((d) => [d.callId, d.preview])).toEqual([
      ['a1', 'primer borrador, segunda frase'],
    ]);
  });

  it('keeps hold and after-call-work totals and the timeline of a call', async () => {
    const c = await openClient();
    await call(c, 'h1', 10_000);
    await c.call('callState', { callId: 'h1', at: 20_000, state: 'held' });
    await c.call('callState', { callId: 'h1', at: 25_000, state: 'resumed' });
    await c.call('addTimeline', { callId: 'h1', at: 26_000, kind: 'mute', data: { muted: true, source: 'headset' } });
    await c.call('quality', { callId: 'h1', at: 27_000, mos: 4.2, jitterMs: 3, lossPct: 0, rttMs: 40, keep: true });
    await c.call('quality', { callId: 'h1', at: 28_000, mos: 3.8, jitterMs: 9, lossPct: 1, rttMs: 45, keep: false });
    await c.call('callState', { callId: 'h1', at: 30_000, state: 'held' });
    await c.call('callState', { callId: 'h1', at: 31_000, state: 'ended', endReason: 'remote-hangup' });
    await c.call('acw', { callId: 'h1', at: 31_000, phase: 'start', enqueueUpdate: false });
    await c.call('acw', { callId: 'h1', at: 46_000, phase: 'end', enqueueUpdate: false });
    const d = (await c.call('detail', { callId: 'h1' }))!;
    expect(d.call).toMatchObject({
      answerAt: 11_000,
      endAt: 31_000,
      handleMs: 20_000,
      holdMs: 6_000,
      acwMs: 15_000,
      mos: 4,
    });
    expect(d.timeline.map((t) => t.kind)).toEqual([
      'state',
      'state',
      'hold',
      'hold',
      'mute',
      'quality',
      'hold',
      'state',
      'acw',
      'acw',
    ]);
    expect(d.timeline[4]).toEqual({ at: 26_000, kind: 'mute', data: { muted: true, source: 'headset' } });
  });

  it('full-text search folds Spanish accents, finds emoji and plain words, and gives a plain snippet', async () => {
    const c = await openClient();
    const notes: Array<[string, string]> = [
      ['s1', 'El cliente pidió la cancelación del servicio'],
      ['s2', 'Cancion de espera demasiado alta, el señor se quejó'],
      ['s3', 'Muy contento 😀 con la atención'],
      ['s4', 'Llamada sin incidencias'],
    ];
    for (const [i, [id, text]] of notes.entries()) {
      await call(c, id, 1000 * (i + 1));
      await save(c, id, text);
    }
    const ids = async (query: string) =>
      (await c.call('history', { query, limit: 50, offset: 0 })).calls.map((x) => x.callId).sort();
    expect(await ids('cancelacion')).toEqual(['s1']);
    expect(await ids('canción')).toEqual(['s2']);
    expect(await ids('CANCEL')).toEqual(['s1']); // last word is a prefix
    expect(await ids('senor quejo')).toEqual(['s2']);
    expect(await ids('😀')).toEqual(['s3']);
    expect(await ids('atención 😀')).toEqual(['s3']);
    expect(await ids('incidencias cliente')).toEqual([]);
    // FTS syntax and SQL in the query are words, not operators.
    expect(await ids('"cliente" OR NEAR(')).toEqual([]);
    expect(await ids("'; DROP TABLE notes; --")).toEqual([]);
    expect(await ids('   ,,, ')).toEqual([]);
    // A control character pasted into the box (NUL ends an FTS5 string) separates words instead of failing the query.
    expect(await ids('cliente\u0000pidió')).toEqual(['s1']);
    expect(await ids('\u0000')).toEqual([]);
    const hit = await c.call('history', { query: 'servicio', limit: 5, offset: 0 });
    expect(hit.total).toBe(1);
    expect(hit.calls[0]!.snippet).toContain('servicio');
    expect(hit.calls[0]!.snippet).not.toMatch(/[<>]/);
    // Fields are searched too.
    await call(c, 's5', 9000);
    await save(c, 's5', '', { ayuda: 'Reembolso tramitado' });
    expect(await ids('reembolso')).toEqual(['s5']);
  });

  it('stores hostile text verbatim: emoji, right-to-left, SQL-looking, 1 MB of pasted text', async () => {
    const c = await openClient();
    const big = 'ñ😀é\u202Eabc\n'.repeat(Math.ceil((1024 * 1024) / 10)).slice(0, 1024 * 1024);
    const texts = [
      '👩🏽‍💻 tarea ✅ 🇲🇽',
      'مرحبا بالعالم — שלום',
      'Robert\'); DROP TABLE notes;-- " `x` \\0 %_',
      big,
      '\u0000 nul and \uFFFF',
    ];
    for (const [i, text] of texts.entries()) {
      await call(c, `b${i}`, i * 10);
      await save(c, `b${i}`, text, { identifica: text.slice(0, 5000) });
    }
    await closeClient(c);
    const again = await openClient();
    for (const [i, text] of texts.entries()) {
      const n = (await again.call('getNote', { callId: `b${i}` }))!;
      expect(n.text === text).toBe(true);
      expect(n.fields.identifica).toBe(text.slice(0, 5000));
    }
    expect((await again.call('history', { limit: 10, offset: 0 })).total).toBe(texts.length);
  });

  it('refuses a database from a newer Diadema and leaves it untouched', async () => {
    const db = new BetterSqlite3(file);
    db.pragma(`user_version = ${latestVersion + 1}`);
    db.exec('CREATE TABLE future (x)');
    db.close();
    const before = readFileSync(file);
    const e = await errorOf(StoreClient.open({ file, workerUrl: worker.url }));
    expect(e).toBeInstanceOf(StoreError);
    expect(e.code).toBe('newer-version');
    expect(e.message).toMatch(new RegExp(`version ${latestVersion + 1}.*up to ${latestVersion}`));
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('moves a corrupt file aside, starts a fresh one with what could be read and says where the old one went', async () => {
    const c = await openClient();
    await call(c, 'k1', 1);
    await save(c, 'k1', 'lo que había');
    await closeClient(c);
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.from('this is not a sqlite header at all, only garbage bytes!!!'.repeat(2)), 0, 100, 0);
    closeSync(fd);
    const fresh = await openClient();
    const moved = fresh.info.recoveredFrom!;
    expect(moved.movedTo).toMatch(/notes\.sqlite\.corrupt-\d{4}-\d\d-\d\dT/);
    expect(existsSync(moved.movedTo)).toBe(true);
    expect(readFileSync(moved.movedTo).subarray(0, 10).toString()).toBe('this is no');
    // The rest of the file is sound: read through a mended copy of its header, the note comes back.
    expect(moved).toMatchObject({ cause: 'damaged', notesRecovered: 1, callsRecovered: 1 });
    expect((await fresh.call('getNote', { callId: 'k1' }))!.text).toBe('lo que había');
    await call(fresh, 'k2', 2);
    expect((await fresh.call('history', { limit: 5, offset: 0 })).total).toBe(2);
  });

  it('a full disk answers disk-full and loses nothing already written; writing works again once space is back', async () => {
    const c = await openClient();
    await call(c, 'f1', 1);
    await save(c, 'f1', 'antes');
    await c.call('setPageLimit', { pages: 1 });
    const e = await errorOf(save(c, 'f1', 'x'.repeat(200_000)));
    expect(e.code).toBe('disk-full');
    expect((await c.call('getNote', { callId: 'f1' }))!.text).toBe('antes');
    await c.call('setPageLimit', { pages: null });
    await save(c, 'f1', 'x'.repeat(200_000));
    expect((await c.call('getNote', { callId: 'f1' }))!.text).toHaveLength(200_000);
  });

  it('typed errors for unknown calls and notes past their edit window', async () => {
    const c = await openClient();
    expect((await errorOf(save(c, 'nope', 'x'))).code).toBe('no-such-call');
    await call(c, 'e1', 1);
    expect(
      await c.call('finishNote', {
        callId: 'e1',
        at: 10,
        disposition: 'resolved',
        requiredFields: ['text'],
        enqueue: false,
      }),
    ).toEqual({ ok: false, missing: ['text'] });
    await save(c, 'e1', 'hecho', {}, 20);
    expect(
      await c.call('finishNote', {
        callId: 'e1',
        at: 30,
        disposition: 'resolved',
        requiredFields: ['text'],
        enqueue: false,
      }),
    ).toEqual({ ok: true, missing: [] });
    await c.call('saveNote', {
      callId: 'e1',
      at: 40,
      fields: {},
      text: 'corregido',
      editWindowMs: 60_000,
      enqueueUpdate: false,
    });
    const late = await errorOf(
      c.call('saveNote', {
        callId: 'e1',
        at: 100_000,
        fields: {},
        text: 'tarde',
        editWindowMs: 60_000,
        enqueueUpdate: false,
      }),
    );
    expect(late.code).toBe('not-editable');
    expect(await c.call('getNote', { callId: 'e1' })).toMatchObject({
      status: 'final',
      text: 'corregido',
      disposition: 'resolved',
      finishedAt: 30,
    });
  });

  it('finds the bundled worker next to the built core (dist/node)', () => {
    expect(defaultStoreWorkerUrl().pathname).toMatch(/dist\/node\/store-worker\.mjs$/);
  });
});
