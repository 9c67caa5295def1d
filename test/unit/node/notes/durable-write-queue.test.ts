import { describe, expect, it } from 'vitest';
import { silentLogger, type Logger } from '../../../../electron/node/log';
import { DurableWriteQueue, type QueueStore } from '../../../../electron/node/notes/durable-write-queue';
import { StoreError, type StoreArgs } from '../../../../electron/node/store/store-api';
import { FakeClock } from '../../../support/fake-clock';

const tick = () => new Promise((r) => setImmediate(r));

/** A store whose calls the test answers one by one. */
class HeldStore implements QueueStore {
  readonly calls: Array<{ method: string; args: unknown; ok: () => void; fail: (e: unknown) => void }> = [];
  call(method: string, args: unknown): Promise<never> {
    return new Promise((resolve, reject) => {
      this.calls.push({ method, args, ok: () => resolve(undefined as never), fail: reject });
    });
  }
  /** Answers the oldest call still waiting. */
  async answer(outcome: 'ok' | unknown = 'ok'): Promise<void> {
    const c = this.calls.shift();
    if (!c) throw new Error('no call waiting');
    if (outcome === 'ok') c.ok();
    else c.fail(outcome);
    await tick();
  }
}

const save = (callId: string, text: string): StoreArgs<'saveNote'> => ({
  callId,
  at: 1,
  fields: {},
  text,
  editWindowMs: 0,
  enqueueUpdate: false,
});
const timeline = (callId: string): StoreArgs<'addTimeline'> => ({ callId, at: 1, kind: 'device', data: {} });

function setup(o: { noDatabase?: boolean; log?: Logger } = {}) {
  const clock = new FakeClock();
  const held = new HeldStore();
  let store: QueueStore | undefined = held;
  const events: string[] = [];
  const q = new DurableWriteQueue({
    store: () => store,
    noDatabase: () => o.noDatabase ?? false,
    clock,
    log: o.log ?? silentLogger,
    retryMs: 50,
    onRefused: (e) => events.push(`refused:${e.code}`),
    onAccepted: () => events.push('accepted'),
    onWorkerExited: (s, e) => {
      events.push(`exited:${e.code}:${s === held}`);
      store = undefined;
    },
  });
  return {
    q,
    clock,
    held,
    events,
    setStore: (s: QueueStore | undefined) => {
      store = s;
    },
  };
}

describe('durable write queue', () => {
  it('one write at a time, in order; each true once on disk; flush settles when the queue is drained', async () => {
    const { q, held } = setup();
    const a = q.write('addTimeline', timeline('c1'));
    const b = q.write('saveNote', save('c1', 'hola'));
    expect(held.calls.map((c) => c.method)).toEqual(['addTimeline']);
    let flushed = false;
    const flush = q.flush().then(() => {
      flushed = true;
    });
    await held.answer();
    expect(await a).toBe(true);
    expect(held.calls.map((c) => c.method)).toEqual(['saveNote']);
    expect(flushed).toBe(false);
    await held.answer();
    expect(await b).toBe(true);
    await flush;
    expect(flushed).toBe(true);
    expect(q.length).toBe(0);
    await q.flush(); // idle: at once
  });

  it('a note write goes ahead of quality samples waiting unsent, never ahead of a call write or the one in flight', async () => {
    const { q, held } = setup();
    const quality = (callId: string): StoreArgs<'quality'> => ({
      callId,
      at: 1,
      mos: 4,
      jitterMs: 1,
      lossPct: 0,
      rttMs: 10,
      keep: false,
    });
    const order: string[] = [];
    const track = (label: string, p: Promise<boolean>) => void p.then(() => order.push(label));
    track('q1', q.write('quality', quality('c1'))); // in flight
    track('q2', q.write('quality', quality('c2')));
    track('state', q.write('addTimeline', timeline('c3')));
    track('q3', q.write('quality', quality('c1')));
    track('q4', q.write('quality', quality('c2')));
    track('save', q.write('saveNote', save('c3', 'hola'), { key: 'note:c3' }));
    while (held.calls.length) await held.answer();
    expect(order).toEqual(['q1', 'q2', 'state', 'save', 'q3', 'q4']);
    // Nothing but quality samples waiting: the save goes right after the one in flight.
    track('q5', q.write('quality', quality('c1')));
    track('q6', q.write('quality', quality('c2')));
    track('save2', q.write('saveNote', save('c3', 'hola de nuevo'), { key: 'note:c3' }));
    while (held.calls.length) await held.answer();
    expect(order.slice(6)).toEqual(['q5', 'save2', 'q6']);
  });

  it('typing replaces a queued save of the same note: one write with the newest text, both callers told', async () => {
    const { q, held } = setup();
    const done: string[] = [];
    const head = q.write('addTimeline', timeline('c1'));
    const first = q.write('saveNote', save('c1', 'ho'), { key: 'note:c1', onDone: () => done.push('first') });
    const second = q.write('saveNote', save('c1', 'hola'), { key: 'note:c1', onDone: () => done.push('second') });
    expect(q.length).toBe(2);
    await held.answer();
    expect(held.calls.map((c) => (c.args as { text: string }).text)).toEqual(['hola']);
    await held.answer();
    expect([await head, await first, await second]).toEqual([true, true, true]);
    expect(done).toEqual(['second']);
  });

  it('the disk refuses: false at once for it and what follows, retried every retryMs, in order after', async () => {
    const { q, held, clock, events } = setup();
    const a = q.write('saveNote', save('c1', 'grande'), { key: 'note:c1' });
    await held.answer(new StoreError('disk-full', 'full'));
    expect(await a).toBe(false);
    expect(events).toEqual(['refused:disk-full']);
    expect(q.blocked).toBe(true);
    expect(await q.write('addTimeline', timeline('c1'))).toBe(false);
    expect(clock.pending()).toEqual([50]);
    await clock.fireNext();
    await held.answer(new StoreError('io', 'still')); // refused again: no second event, timer armed again
    expect(events).toEqual(['refused:disk-full']);
    expect(clock.pending()).toEqual([50]);
    await clock.fireNext();
    expect(held.calls.map((c) => c.method)).toEqual(['saveNote']);
    await held.answer();
    expect(events).toEqual(['refused:disk-full', 'accepted']);
    expect(held.calls.map((c) => c.method)).toEqual(['addTimeline']);
    await held.answer();
    await q.flush();
    expect(q.length).toBe(0);
    expect(clock.pending()).toEqual([]);
  });

  it('after stop() a refused write arms no retry, and flush still settles', async () => {
    const { q, held, clock } = setup();
    const a = q.write('saveNote', save('c1', 'x'));
    q.stop();
    await held.answer(new StoreError('disk-full', 'full'));
    expect(await a).toBe(false);
    await q.flush();
    expect(clock.pending()).toEqual([]);
    expect(q.length).toBe(1);
  });

  it('a write refused for good is dropped: its caller hears the error, an unawaited one is logged', async () => {
    const warned: string[] = [];
    const log = {
      ...silentLogger,
      warn: (m: string) => {
        warned.push(m);
      },
    };
    const { q, held } = setup({ log });
    const write = q.write('callState', { callId: 'nope', at: 1, state: 'answered' });
    const refused = expect(write).rejects.toMatchObject({ code: 'no-such-call' });
    q.enqueue('addTimeline', timeline('nope'));
    await held.answer(new StoreError('no-such-call', 'nope'));
    await refused;
    await held.answer(new StoreError('no-such-call', 'nope'));
    expect(warned).toEqual(['notes write failed']);
    expect(q.length).toBe(0);
  });

  it('the worker dies under a write: its owner hears it, writes wait and go once pumped on a new store', async () => {
    const { q, held, events, setStore } = setup();
    const a = q.write('saveNote', save('c1', 'x'));
    await held.answer(new StoreError('worker-exited', 'gone'));
    expect(events).toEqual(['exited:worker-exited:true']);
    q.workerLost();
    expect(await a).toBe(false);
    expect(await q.write('addTimeline', timeline('c1'))).toBe(false);
    const next = new HeldStore();
    setStore(next);
    q.pump();
    expect(next.calls.map((c) => c.method)).toEqual(['saveNote']);
    await next.answer();
    await next.answer();
    expect(q.length).toBe(0);
    expect(events).toEqual(['exited:worker-exited:true', 'accepted']);
  });

  it('a read waits for the writes queued before it (caughtUp), but not while they are refused', async () => {
    const { q, held } = setup();
    q.enqueue('addTimeline', timeline('c1'));
    q.enqueue('acw', { callId: 'c1', at: 2, phase: 'end', enqueueUpdate: false });
    let caught = false;
    const read = q.caughtUp().then(() => {
      caught = true;
    });
    await held.answer();
    expect(caught).toBe(false);
    await held.answer();
    await read;
    expect(caught).toBe(true);
    q.enqueue('addTimeline', timeline('c1'));
    await held.answer(new StoreError('busy', 'busy'));
    await q.caughtUp(); // refused: at once
  });

  it('no database this session: timeline writes are not kept, notes are kept in memory and told false', async () => {
    const { q, held, setStore } = setup({ noDatabase: true });
    setStore(undefined);
    expect(await q.write('addTimeline', timeline('c1'))).toBe(false);
    expect(await q.write('saveNote', save('c1', 'sigo'), { key: 'note:c1' })).toBe(false);
    expect(q.length).toBe(1);
    expect(held.calls).toEqual([]);
  });
});
