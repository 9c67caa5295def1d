import { describe, expect, it } from 'vitest';
import { Emitter } from '@common/emitter';
import { createLogger, silentLogger } from '../../../../electron/node/log';
import { StoreSupervisor, type SupervisedStore } from '../../../../electron/node/notes/store-supervisor';
import { StoreError, type StoreEvent, type StoreInfo } from '../../../../electron/node/store/store-api';
import { FakeClock } from '../../../support/fake-clock';

const tick = () => new Promise((r) => setImmediate(r));

/** A store client that answers every call with `value` and dies when told. */
class FakeStore implements SupervisedStore {
  private readonly exits = new Emitter<StoreError>();
  private readonly events = new Emitter<StoreEvent>();
  readonly onExit = this.exits.on;
  readonly onEvent = this.events.on;
  closed = false;
  dead = false;
  constructor(
    readonly info: StoreInfo,
    private readonly value: unknown = 'read',
  ) {}
  call(): Promise<never> {
    return this.dead ? Promise.reject(new StoreError('worker-exited', 'dead')) : Promise.resolve(this.value as never);
  }
  /** The worker's background check found the file corrupt and moved it aside. */
  recovered(movedTo: string): void {
    this.events.emit({
      event: 'recovered',
      info: {
        ...this.info,
        recoveredFrom: { movedTo, reason: 'quick_check: bad', cause: 'damaged', notesRecovered: 3, callsRecovered: 3 },
      },
    });
  }
  die(): void {
    this.dead = true;
    this.exits.emit(new StoreError('worker-exited', 'store worker exited (1)'));
  }
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

const info: StoreInfo = { file: 'notes.sqlite', version: 3, walMode: true };

function setup(opens: Array<FakeStore | StoreError>) {
  const clock = new FakeClock();
  const events: string[] = [];
  const opened: FakeStore[] = [];
  const sup = new StoreSupervisor<FakeStore>({
    file: 'notes.sqlite',
    log: silentLogger,
    clock,
    retryMs: 100,
    open: async () => {
      const next = opens.shift();
      if (!next) throw new Error('no more opens');
      if (next instanceof StoreError) throw next;
      opened.push(next);
      return next;
    },
    writes: () => 0,
    changed: () => events.push(`changed:${sup.storeState().store}`),
    onLost: () => events.push('lost'),
    onReopened: () => events.push('reopened'),
  });
  return { sup, clock, events, opened };
}

describe('store supervisor', () => {
  it('opens the store and runs prepare on it; a corrupt file moved aside shows as recovered', async () => {
    const recoveredFrom = {
      movedTo: 'notes.sqlite.corrupt-1',
      reason: 'not a database',
      cause: 'damaged' as const,
      notesRecovered: 0,
      callsRecovered: 0,
    };
    const store = new FakeStore({ ...info, recoveredFrom });
    const { sup } = setup([store]);
    const prepared: unknown[] = [];
    await sup.start(async (s) => {
      prepared.push(s);
    });
    expect(prepared).toEqual([store]);
    expect(sup.client()).toBe(store);
    expect(sup.noDatabase).toBe(false);
    expect(sup.storeState()).toEqual({
      store: 'recovered',
      detail: 'damaged: not a database',
      movedTo: recoveredFrom.movedTo,
      recovery: { cause: 'damaged', notesRecovered: 0 },
    });
  });

  it('an emptied file set aside is told as such, and the log says where it went without any note text', async () => {
    const lines: string[] = [];
    const recoveredFrom = {
      movedTo: 'notes.sqlite.corrupt-0',
      reason: 'the notes database is empty (0 bytes); one existed here',
      cause: 'emptied' as const,
      notesRecovered: 0,
      callsRecovered: 0,
    };
    const store = new FakeStore({ ...info, recoveredFrom });
    const sup = new StoreSupervisor<FakeStore>({
      file: 'notes.sqlite',
      log: createLogger((l) => lines.push(l)),
      clock: new FakeClock(),
      open: async () => store,
      writes: () => 0,
      changed: () => {},
      onLost: () => {},
      onReopened: () => {},
    });
    await sup.start(async () => {});
    expect(sup.storeState()).toMatchObject({
      store: 'recovered',
      movedTo: 'notes.sqlite.corrupt-0',
      recovery: { cause: 'emptied', notesRecovered: 0 },
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/warn .*emptied \(0 bytes\).*notes\.sqlite\.corrupt-0.*"notesRecovered":0/);
  });

  it('a corrupt file found later (the background check) shows as recovered with where it went', async () => {
    const store = new FakeStore(info);
    const { sup, events } = setup([store]);
    await sup.start(async () => {});
    expect(sup.storeState()).toEqual({ store: 'ok' });
    store.recovered('notes.sqlite.corrupt-2');
    expect(sup.storeState()).toEqual({
      store: 'recovered',
      detail: 'damaged: quick_check: bad',
      movedTo: 'notes.sqlite.corrupt-2',
      recovery: { cause: 'damaged', notesRecovered: 3 },
    });
    expect(events).toEqual(['changed:recovered']);
  });

  it('an open or a prepare that fails leaves no database this session, shown as failed with the code', async () => {
    const a = setup([new StoreError('newer-version', 'version 999')]);
    await a.sup.start(async () => {});
    expect(a.sup.noDatabase).toBe(true);
    expect(a.sup.storeState()).toEqual({ store: 'failed', detail: 'newer-version: version 999' });
    const b = setup([new FakeStore(info)]);
    await b.sup.start(async () => {
      throw new StoreError('io', 'read failed');
    });
    expect(b.sup.noDatabase).toBe(true);
    expect(b.sup.storeState()).toEqual({ store: 'failed', detail: 'io: read failed' });
  });

  it('writes refused show disk-full or failed; accepted again shows the state the open left', async () => {
    const { sup } = setup([new FakeStore(info)]);
    await sup.start(async () => {});
    sup.writesRefused(new StoreError('disk-full', 'database or disk is full'));
    expect(sup.storeState()).toEqual({ store: 'disk-full', detail: 'disk-full: database or disk is full' });
    sup.writesRefused(new StoreError('read-only', 'EROFS'));
    expect(sup.storeState()).toEqual({ store: 'failed', detail: 'read-only: EROFS' });
    sup.writesAccepted();
    expect(sup.storeState()).toEqual({ store: 'ok' });
  });

  it('a dead worker is replaced at once, then with back-off retryMs·2^n while reopening fails', async () => {
    const first = new FakeStore(info);
    const second = new FakeStore(info);
    const { sup, clock, events } = setup([first, new StoreError('io', 'no'), new StoreError('io', 'no'), second]);
    await sup.start(async () => {});
    first.die();
    expect(sup.client()).toBeUndefined();
    expect(events).toEqual(['lost', 'changed:failed']);
    expect(sup.storeState().detail).toBe('worker-exited: store worker exited (1); reopening (attempt 1)');
    expect(await clock.fireNext()).toBe(0);
    expect(sup.storeState().detail).toBe('worker-exited: io: no; reopening in 100 ms (attempt 2)');
    expect(await clock.fireNext()).toBe(100);
    expect(sup.storeState().detail).toBe('worker-exited: io: no; reopening in 200 ms (attempt 3)');
    expect(await clock.fireNext()).toBe(200);
    expect(sup.client()).toBe(second);
    expect(sup.storeState()).toEqual({ store: 'ok' });
    expect(events.slice(-2)).toEqual(['changed:ok', 'reopened']);
    first.die(); // an old client's death is not news
    expect(events.at(-1)).toBe('reopened');
  });

  it('a read waits for the reopen under way and reads from the new worker; no store: the fallback', async () => {
    const first = new FakeStore(info, 'old');
    const { sup, clock } = setup([first, new FakeStore(info, 'new')]);
    await sup.start(async () => {});
    expect(await sup.read('getNote', { callId: 'c1' }, null)).toBe('old');
    first.die();
    const read = sup.read('getNote', { callId: 'c1' }, null);
    await tick();
    await clock.fireNext();
    expect(await read).toBe('new');
    const none = setup([new StoreError('corrupt', 'x')]);
    await none.sup.start(async () => {});
    expect(await none.sup.read('drafts', { limit: 1 }, [])).toEqual([]);
  });

  it('stop() cancels a pending reopen (a read waiting for it falls back) and close() closes the client', async () => {
    const first = new FakeStore(info);
    const { sup, clock, opened } = setup([first, new StoreError('io', 'no'), new FakeStore(info)]);
    await sup.start(async () => {});
    first.die();
    await clock.fireNext(); // attempt 1 fails; attempt 2 waits 100 ms
    const read = sup.read('drafts', { limit: 1 }, []);
    await sup.stop();
    expect(clock.pending()).toEqual([]);
    expect(await read).toEqual([]);
    expect(opened).toEqual([first]);
    await sup.close();
    const live = new FakeStore(info);
    const other = setup([live]);
    await other.sup.start(async () => {});
    await other.sup.stop();
    live.die(); // dying while stopping does not reopen
    expect(other.clock.pending()).toEqual([]);
    await other.sup.close();
    expect(live.closed).toBe(true);
    expect(other.sup.client()).toBeUndefined();
  });
});
