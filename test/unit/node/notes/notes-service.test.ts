import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { NotesStatus } from '@common/contract/notes';
import { silentLogger } from '../../../../electron/node/log';
import { NotesService, type NotesSettings } from '../../../../electron/node/notes/notes-service';
import { callEvents } from '../../../support/call-events';
import { FakeClock } from '../../../support/fake-clock';
import { bundleStoreWorker } from '../../../support/store-build';

let worker: Awaited<ReturnType<typeof bundleStoreWorker>>;
let dir: string;
let now = 0;
const clock = {
  now: () => now,
  setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
  clearTimeout: (h: unknown) => clearTimeout(h as NodeJS.Timeout),
};
let settings: NotesSettings;
const services: NotesService[] = [];
beforeAll(async () => {
  worker = await bundleStoreWorker();
}, 60_000);
afterAll(() => worker.dispose());
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'diadema-notes-'));
  now = 100_000;
  settings = { requiredFields: [], editWindowMin: 30, syncUrl: '' };
});
afterEach(async () => {
  for (const s of services.splice(0)) await s.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function service() {
  const s = new NotesService({
    file: path.join(dir, 'notes.sqlite'),
    workerUrl: worker.url,
    log: silentLogger,
    settings: () => settings,
    clock,
    retryMs: 20,
  });
  services.push(s);
  await s.start();
  return s;
}
const restart = async (s: NotesService) => {
  services.splice(services.indexOf(s), 1);
  await s.stop();
  return service();
};

/** One call rung and answered at 2 s, as the call manager reports it; returns its events for what follows. */
function answered(s: NotesService, id: string, o?: Parameters<typeof callEvents>[1]) {
  const c = callEvents(id, o);
  s.onCallEvent(c.ring());
  s.onCallEvent(c.answer(2_000));
  return c;
}

describe('notes service', { timeout: 30_000 }, () => {
  it('a read sees the writes queued before it (History opened the moment after-call work ends)', async () => {
    const s = await service();
    const c = answered(s, 'r1', { at: 1_000, name: 'Eva', number: '5550101' });
    s.onCallEvent(c.end(9_000, 'remote-hangup'));
    s.acwStarted('r1', 9_000);
    s.acwEnded('r1', 21_000);
    // No flush: the agent's next request arrives while the writes are still queued.
    expect((await s.detail('r1'))!.call).toMatchObject({ endAt: 9_000, acwMs: 12_000 });
    expect((await s.history({ limit: 10, offset: 0 })).calls.find((x) => x.callId === 'r1')).toMatchObject({
      acwMs: 12_000,
    });
  });

  it('records a call from the call manager: times, hold, mute, quality, ACW, a draft opened on answer', async () => {
    const s = await service();
    const c = callEvents('c1', { at: 1_000, name: 'Ana Pérez', number: '+525511112222' });
    s.onCallEvent(c.ring());
    expect((await s.get('c1')).note).toBeNull();
    s.onCallEvent(c.answer(3_000));
    s.onCallEvent(c.mute(4_000, true));
    s.onCallEvent(c.quality(5_000, 4.4));
    s.onCallEvent(c.quality(6_000, 4.0)); // within 10 s of the last kept sample: summary only
    s.onCallEvent(c.hold(10_000));
    s.onCallEvent(c.resume(14_000));
    s.onCallEvent(c.end(20_000, 'transferred'));
    s.acwStarted('c1', 20_000);
    s.acwEnded('c1', 50_000);
    await s.flush();
    const d = (await s.detail('c1'))!;
    expect(d.call).toMatchObject({
      remoteName: 'Ana Pérez',
      remoteNumber: '+525511112222',
      ringAt: 1_000,
      answerAt: 3_000,
      endAt: 20_000,
      handleMs: 17_000,
      holdMs: 4_000,
      acwMs: 30_000,
      mos: 4.2,
    });
    expect(d.timeline.map((t) => `${t.kind}:${JSON.stringify(t.data)}`)).toEqual([
      'state:{"state":"ringing"}',
      'state:{"state":"answered"}',
      'mute:{"muted":true,"source":"headset"}',
      'quality:{"mos":4.4,"jitterMs":2,"lossPct":0,"rttMs":30}',
      'hold:{"on":true}',
      'hold:{"on":false}',
      'state:{"state":"ended","endReason":"transferred"}',
      'transfer:{"done":true}',
      'acw:{"phase":"start"}',
      'acw:{"phase":"end"}',
    ]);
    expect(d.note).toMatchObject({ status: 'draft', text: '' });
  });

  it('saves as the agent types, enforces required fields, keeps a final note editable only within the window', async () => {
    settings.requiredFields = ['identifica', 'text'];
    const s = await service();
    answered(s, 'c2');
    expect(await s.save({ callId: 'c2', fields: { identifica: 'Juan' }, text: '' })).toEqual({
      savedAt: now,
      durable: true,
    });
    expect(await s.finish('c2', 'resolved')).toEqual({ ok: false, missing: ['text'] });
    await s.save({ callId: 'c2', templateId: 'ida', fields: { identifica: 'Juan' }, text: 'Se resolvió' });
    expect(await s.finish('c2', 'resolved')).toEqual({ ok: true, missing: [] });
    now += 29 * 60_000;
    expect((await s.get('c2')).editable).toBe(true);
    await s.save({ callId: 'c2', fields: { identifica: 'Juan Pérez' }, text: 'Se resolvió del todo' });
    now += 2 * 60_000;
    const after = await s.get('c2');
    expect(after).toMatchObject({
      editable: false,
      note: { status: 'final', disposition: 'resolved', templateId: 'ida', text: 'Se resolvió del todo' },
    });
    await expect(s.save({ callId: 'c2', fields: {}, text: 'demasiado tarde' })).rejects.toMatchObject({
      code: 'not-editable',
    });
    expect((await s.history({ limit: 10, offset: 0 })).calls[0]).toMatchObject({
      callId: 'c2',
      disposition: 'resolved',
    });
  });

  it('offers unfinished drafts back after a restart', async () => {
    let s = await service();
    for (const id of ['d1', 'd2']) {
      answered(s, id, { name: `Nombre ${id}` });
    }
    await s.save({ callId: 'd1', fields: {}, text: 'a medio escribir' });
    await s.save({ callId: 'd2', fields: {}, text: 'terminada' });
    await s.finish('d2', 'resolved');
    s = await restart(s);
    expect(await s.drafts()).toEqual([
      {
        callId: 'd1',
        remoteName: 'Nombre d1',
        remoteNumber: '+525555000111',
        updatedAt: now,
        preview: 'a medio escribir',
      },
    ]);
  });

  it('a full disk: durable false, status disk-full, the newest draft kept in memory and written once space is back', async () => {
    const s = await service();
    const statuses: NotesStatus[] = [];
    s.onStatus((x) => statuses.push(x));
    answered(s, 'f1');
    await s.save({ callId: 'f1', fields: {}, text: 'antes del disco lleno' });
    await s.storeClient()!.call('setPageLimit', { pages: 1 });
    const big = 'texto que no cabe '.repeat(20_000);
    expect((await s.save({ callId: 'f1', fields: {}, text: big })).durable).toBe(false);
    expect(s.status().store).toBe('disk-full');
    expect(statuses.at(-1)?.store).toBe('disk-full');
    expect((await s.save({ callId: 'f1', fields: {}, text: `${big} y más` })).durable).toBe(false);
    expect((await s.get('f1')).note?.text).toBe(`${big} y más`); // what the agent sees is the newest text
    await new Promise((r) => setTimeout(r, 100)); // a few retries while the disk is still full
    expect(s.status().store).toBe('disk-full');
    await s.storeClient()!.call('setPageLimit', { pages: null });
    for (let i = 0; i < 200 && s.status().store !== 'ok'; i++) await new Promise((r) => setTimeout(r, 10));
    expect(statuses.at(-1)?.store).toBe('ok');
    await s.flush();
    const onDisk = await s.storeClient()!.call('getNote', { callId: 'f1' });
    expect(onDisk?.text).toBe(`${big} y más`);
  });

  it('the store worker dies with a draft queued: kept in memory, status says it is reopening, the draft lands on the new worker', async () => {
    const s = await service();
    const statuses: NotesStatus[] = [];
    s.onStatus((x) => statuses.push(x));
    answered(s, 'w1');
    await s.save({ callId: 'w1', fields: {}, text: 'antes del fallo' });
    const dead = s.storeClient()!;
    const killed = dead.terminate();
    now += 1_000;
    const queued = s.save({ callId: 'w1', fields: { motivo: 'baja' }, text: 'escrito mientras el almacén muere' });
    await killed;
    expect((await queued).durable).toBe(false);
    expect((await s.get('w1')).note?.text).toBe('escrito mientras el almacén muere');
    expect(statuses.some((x) => x.store === 'failed' && /^worker-exited: .*reopening/.test(x.detail ?? ''))).toBe(true);
    for (
      let i = 0;
      i < 500 && (s.storeClient() === undefined || s.storeClient() === dead || s.status().store !== 'ok');
      i++
    )
      await new Promise((r) => setTimeout(r, 10));
    expect(s.storeClient()).not.toBe(dead);
    await s.flush();
    expect(await s.storeClient()!.call('getNote', { callId: 'w1' })).toMatchObject({
      text: 'escrito mientras el almacén muere',
      fields: { motivo: 'baja' },
    });
    expect((await s.get('w1')).note?.text).toBe('escrito mientras el almacén muere');
    expect((await s.save({ callId: 'w1', fields: {}, text: 'después' })).durable).toBe(true);
    const again = await restart(s);
    expect((await again.get('w1')).note?.text).toBe('después');
  });

  it('a finish on disk keeps the newer change still queued behind it: get and detail show the newest until it lands', async () => {
    const s = await service();
    answered(s, 'n1');
    await s.save({ callId: 'n1', fields: {}, text: 'primera' });
    await s.storeClient()!.call('setPageLimit', { pages: 1 });
    const second = 'segunda versión '.repeat(3_000);
    expect((await s.save({ callId: 'n1', fields: {}, text: second })).durable).toBe(false);
    now += 1_000;
    expect(await s.finish('n1', 'resolved')).toEqual({ ok: true, missing: [] });
    now += 1_000;
    const third = Array.from({ length: 60_000 }, (_, i) => `palabra${i}`).join(' ');
    expect((await s.save({ callId: 'n1', fields: {}, text: third })).durable).toBe(false);
    // Room for the second version and the finish, not for the third.
    const BetterSqlite3 = (await import('better-sqlite3')).default;
    const ro = new BetterSqlite3(path.join(dir, 'notes.sqlite'), { readonly: true });
    const pages = ro.pragma('page_count', { simple: true }) as number;
    ro.close();
    await s.storeClient()!.call('setPageLimit', { pages: pages + 100 });
    let onDisk = await s.storeClient()!.call('getNote', { callId: 'n1' });
    for (let i = 0; i < 300 && onDisk?.status !== 'final'; i++) {
      await new Promise((r) => setTimeout(r, 10));
      onDisk = await s.storeClient()!.call('getNote', { callId: 'n1' });
    }
    expect(onDisk).toMatchObject({ status: 'final', text: second });
    for (let i = 0; i < 300 && s.status().store !== 'disk-full'; i++) await new Promise((r) => setTimeout(r, 10)); // the third is refused
    expect(s.status().store).toBe('disk-full');
    expect((await s.get('n1')).note).toMatchObject({ status: 'final', disposition: 'resolved', text: third });
    expect((await s.detail('n1'))!.note).toMatchObject({ status: 'final', text: third });
    await s.storeClient()!.call('setPageLimit', { pages: null });
    for (let i = 0; i < 300 && s.status().store !== 'ok'; i++) await new Promise((r) => setTimeout(r, 10));
    await s.flush();
    expect(await s.storeClient()!.call('getNote', { callId: 'n1' })).toMatchObject({ status: 'final', text: third });
  });

  it('stop() while the disk refuses a write in flight: the retry timer is not armed again after stop', async () => {
    const fake = new FakeClock();
    const s = new NotesService({
      file: path.join(dir, 'notes.sqlite'),
      workerUrl: worker.url,
      log: silentLogger,
      settings: () => settings,
      clock: fake,
      retryMs: 20,
    });
    services.push(s);
    await s.start();
    answered(s, 't1');
    await s.save({ callId: 't1', fields: {}, text: 'corta' });
    await s.storeClient()!.call('setPageLimit', { pages: 1 });
    const big = 'texto que no cabe '.repeat(20_000);
    expect((await s.save({ callId: 't1', fields: {}, text: big })).durable).toBe(false);
    expect(fake.pending()).toEqual([20]);
    const again = s.save({ callId: 't1', fields: {}, text: `${big} y más` }); // tries the refused write again
    const stopped = s.stop();
    services.splice(services.indexOf(s), 1);
    expect((await again).durable).toBe(false);
    await stopped;
    expect(fake.pending()).toEqual([]);
  });

  it('tells the agent when the database was corrupt and where it went; refuses a newer one but keeps typing in memory', async () => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path.join(dir, 'notes.sqlite'), Buffer.alloc(8192, 0x41));
    const s = await service();
    expect(s.status()).toMatchObject({ store: 'recovered', movedTo: expect.stringMatching(/notes\.sqlite\.corrupt-/) });
    await s.stop();
    services.splice(services.indexOf(s), 1);
    const BetterSqlite3 = (await import('better-sqlite3')).default;
    const db = new BetterSqlite3(path.join(dir, 'notes.sqlite'));
    db.pragma('user_version = 999');
    db.close();
    const newer = await service();
    expect(newer.status()).toMatchObject({ store: 'failed', detail: expect.stringMatching(/^newer-version: .*999/) });
    expect((await newer.save({ callId: 'x', fields: {}, text: 'sigo escribiendo' })).durable).toBe(false);
    expect((await newer.get('x')).note?.text).toBe('sigo escribiendo');
  });
});
