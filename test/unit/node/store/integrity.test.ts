import BetterSqlite3 from 'better-sqlite3';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { markerOf } from '../../../../electron/node/store/database';
import type { StoreEvent } from '../../../../electron/node/store/store-api';
import { StoreClient } from '../../../../electron/node/store/store-client';
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
  dir = mkdtempSync(path.join(os.tmpdir(), 'diadema-integrity-'));
  file = path.join(dir, 'notes.sqlite');
});
afterEach(async () => {
  for (const c of open.splice(0)) await c.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A gate the background check waits behind until the test opens it. */
const gate = () => {
  const sab = new SharedArrayBuffer(4);
  return {
    sab,
    open: () => {
      Atomics.store(new Int32Array(sab), 0, 1);
      Atomics.notify(new Int32Array(sab), 0);
    },
  };
};
const openClient = async (checkGate?: SharedArrayBuffer) => {
  const c = await StoreClient.open({ file, workerUrl: worker.url, ...(checkGate ? { checkGate } : {}) });
  open.push(c);
  return c;
};
const closeClient = async (c: StoreClient) => {
  open.splice(open.indexOf(c), 1);
  await c.close();
};
/** Ends the worker as a crash would: the marker stays. */
const crash = async (c: StoreClient) => {
  open.splice(open.indexOf(c), 1);
  await c.terminate();
};
const nextEvent = (c: StoreClient) =>
  new Promise<StoreEvent>((resolve) => {
    const off = c.onEvent((e) => {
      off();
      resolve(e);
    });
  });
const call = async (c: StoreClient, callId: string, at: number) => {
  await c.call('callStarted', { callId, direction: 'inbound', remoteName: 'Cliente', remoteNumber: '+5215550000', at });
  await c.call('callState', { callId, at: at + 1000, state: 'answered' });
  for (let i = 0; i < 30; i++)
    await c.call('addTimeline', { callId, at: at + 2000 + i, kind: 'agent', data: { step: i, pad: 'x'.repeat(200) } });
};
const save = (c: StoreClient, callId: string, text: string) =>
  c.call('saveNote', { callId, at: 5000, fields: {}, text, editWindowMs: 0, enqueueUpdate: false });

/** Overwrites the (only) page of the timeline's index with garbage: the header and the schema stay readable. */
const damageTimelineIndex = () => {
  const db = new BetterSqlite3(file, { readonly: true });
  const { rootpage } = db.prepare("SELECT rootpage FROM sqlite_schema WHERE name = 'timeline_by_call'").get() as {
    rootpage: number;
  };
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.close();
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(pageSize, 0x5a), 0, pageSize, (rootpage - 1) * pageSize);
  closeSync(fd);
};

describe(
  'store integrity: cheap open, full check in the background when the file may have changed',
  { timeout: 30_000 },
  () => {
    it('a clean close leaves no marker, and the next open of the unchanged file runs no full check', async () => {
      const c = await openClient();
      expect(existsSync(markerOf(file))).toBe(true); // open: the marker says so
      expect(c.info.checking).toBeFalsy(); // a new file: nothing to check
      await call(c, 'a1', 1000);
      await closeClient(c);
      expect(existsSync(markerOf(file))).toBe(false);
      const again = await openClient();
      expect(again.info.checking).toBeFalsy();
      expect(again.info.recoveredFrom).toBeUndefined();
      expect(await again.call('getNote', { callId: 'a1' })).toMatchObject({ status: 'draft' });
    });

    it('a file changed after our clean close is checked in the background: a damaged index is found, nothing lost', async () => {
      const c = await openClient();
      await call(c, 'a1', 1000);
      await save(c, 'a1', 'nota de la sesión anterior');
      await closeClient(c);
      // A damaged index page that only a full check finds: the cheap open cannot see it, but the file is not as we left it.
      damageTimelineIndex();
      const again = await openClient();
      expect(again.info.checking).toBe(true);
      const e = await nextEvent(again);
      expect(e.event).toBe('recovered');
      expect(again.info.recoveredFrom).toMatchObject({ cause: 'damaged', notesRecovered: 1, callsRecovered: 1 });
      expect(existsSync(again.info.recoveredFrom!.movedTo)).toBe(true);
      expect((await again.call('getNote', { callId: 'a1' }))!.text).toBe('nota de la sesión anterior');
    });

    it('after a crash the check runs in the background; a save made meanwhile does not wait for it', async () => {
      const c = await openClient();
      await call(c, 'b1', 1000);
      await crash(c);
      expect(existsSync(markerOf(file))).toBe(true);
      const g = gate();
      const again = await openClient(g.sab);
      expect(again.info.checking).toBe(true);
      let checked = false;
      const passed = nextEvent(again).then((e) => {
        checked = true;
        return e;
      });
      // The check is held behind the gate: the save still completes, so it cannot be waiting for the check.
      await save(again, 'b1', 'escrito durante la comprobación');
      expect(checked).toBe(false);
      expect((await again.call('info', {})).checking).toBe(true);
      g.open();
      expect(await passed).toEqual({ event: 'check-passed' });
      expect(again.info.checking).toBe(false);
      await closeClient(again);
      expect(existsSync(markerOf(file))).toBe(false); // checked and closed cleanly
      const third = await openClient();
      expect(third.info.checking).toBeFalsy();
      expect((await third.call('getNote', { callId: 'b1' }))!.text).toBe('escrito durante la comprobación');
    });

    it('a close before the check passed keeps the marker: the next open checks again', async () => {
      const c = await openClient();
      await crash(c);
      const g = gate();
      const again = await openClient(g.sab);
      expect(again.info.checking).toBe(true);
      await closeClient(again); // the check never ran
      g.open();
      expect(existsSync(markerOf(file))).toBe(true);
      const third = await openClient();
      expect(third.info.checking).toBe(true);
      expect(await nextEvent(third)).toEqual({ event: 'check-passed' });
    });

    it('a corrupt file found by the background check is moved aside; drafts and the calls of this session survive', async () => {
      const c = await openClient();
      await call(c, 'old', 1000);
      await save(c, 'old', 'borrador de ayer');
      await closeClient(c);
      // The next session crashes; its file then has a damaged page that only quick_check reads.
      const s = await openClient();
      await crash(s);
      damageTimelineIndex();
      const g = gate();
      const again = await openClient(g.sab);
      expect(again.info.checking).toBe(true);
      expect(again.info.recoveredFrom).toBeUndefined();
      const event = nextEvent(again);
      await again.call('callStarted', {
        callId: 'now',
        direction: 'inbound',
        remoteName: 'Cliente',
        remoteNumber: '+52',
        at: 9000,
      });
      await again.call('callState', { callId: 'now', at: 9500, state: 'answered' });
      await save(again, 'now', 'lo que se escribe ahora');
      g.open();
      const e = await event;
      expect(e.event).toBe('recovered');
      const moved = again.info.recoveredFrom!;
      expect(moved.movedTo).toMatch(/notes\.sqlite\.corrupt-\d{4}-\d\d-\d\dT/);
      expect(moved.reason).toMatch(/quick_check|malformed|corrupt/i);
      expect(existsSync(moved.movedTo)).toBe(true);
      // Both drafts are in the fresh file, and it keeps working.
      expect((await again.call('getNote', { callId: 'old' }))!.text).toBe('borrador de ayer');
      expect((await again.call('getNote', { callId: 'now' }))!.text).toBe('lo que se escribe ahora');
      await save(again, 'now', 'lo que se escribe ahora, y más');
      expect((await again.call('history', { query: 'más', limit: 5, offset: 0 })).calls.map((x) => x.callId)).toEqual([
        'now',
      ]);
      const fresh = new BetterSqlite3(file, { readonly: true });
      expect(fresh.pragma('quick_check', { simple: true })).toBe('ok');
      fresh.close();
      await closeClient(again);
      expect(existsSync(markerOf(file))).toBe(false);
    });

    it('the header is still checked at every open: garbage there is moved aside at once, the rest read', async () => {
      const c = await openClient();
      await call(c, 'h1', 1);
      await closeClient(c);
      const fd = openSync(file, 'r+');
      writeSync(fd, Buffer.from('not a database header, only garbage bytes in its place!!!'.repeat(2)), 0, 100, 0);
      closeSync(fd);
      const fresh = await openClient();
      expect(fresh.info.recoveredFrom!.movedTo).toMatch(/corrupt-/);
      expect(fresh.info.recoveredFrom!.reason).toMatch(/header/);
      expect(fresh.info.checking).toBeFalsy(); // the fresh file needs no check
      // Only the header was hit: the call and its (empty) draft are copied into the fresh file.
      expect(await fresh.call('getNote', { callId: 'h1' })).toMatchObject({ status: 'draft', text: '' });
    });
  },
);
