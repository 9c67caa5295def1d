import type { Clock } from '@common/clock';
import type { Logger } from '../log';
import { StoreError, type StoreArgs, type StoreMethod } from '../store/store-api';
import type { StoreClient } from '../store/store-client';

/** What the queue needs of the store: one call into its worker. */
export type QueueStore = Pick<StoreClient, 'call'>;

export interface DurableWriteQueueOptions {
  /** The store's client while one is open; none: writes wait in memory. */
  store: () => QueueStore | undefined;
  /** No database this session (the open failed): nothing is kept but notes, and every caller hears `false`. */
  noDatabase: () => boolean;
  clock: Clock;
  log: Logger;
  /** How often a write the disk refused is tried again (default 2 s). */
  retryMs?: number;
  /** The disk refused a write (first refusal of a run): the store state shown to the agent changes. */
  onRefused: (err: StoreError) => void;
  /** A write went through after refusals. */
  onAccepted: () => void;
  /** The worker died under a write; its owner reopens it and then calls `pump()`. */
  onWorkerExited: (store: QueueStore, err: StoreError) => void;
}

export interface WriteOptions {
  /** Writes of one note share a key: typing replaces a queued save of the same note not yet sent. */
  key?: string;
  /**
   * Runs once the write is done with: on disk (`landed` true), or refused for good (false); not when the disk
   * refuses it for now.
   */
  onDone?: (landed: boolean) => void;
}

type Waiter = { resolve: (durable: boolean) => void; reject: (e: unknown) => void };
type Job = {
  method: StoreMethod;
  args: unknown;
  key?: string;
  onDone?: (landed: boolean) => void;
  waiters: Waiter[];
  told?: boolean;
};

/** At most this many writes wait in memory; beyond it the oldest timeline write (never a note) is dropped. */
const MAX_QUEUED = 20_000;

/** What the disk (or a dead worker) refuses for now: the write stays queued. Anything else is refused for good. */
const retryCodes: ReadonlySet<string> = new Set(['disk-full', 'io', 'busy', 'read-only', 'worker-exited']);
const retryable = (e: unknown): e is StoreError => e instanceof StoreError && retryCodes.has(e.code);

/**
 * The one ordered queue of writes to the store's worker. A write the disk refuses (full, I/O, busy, read-only)
 * stays at the head, in memory, and is tried again every `retryMs`; its callers hear `false` (not durable) at once,
 * and so does every write queued while the disk refuses. A write that lands resolves `true`.
 */
export class DurableWriteQueue {
  private readonly queue: Job[] = [];
  /** The pump loop is under way; `idleWaiters` hear when it stops (queue drained, a refusal, or no store). */
  private pumping = false;
  private readonly idleWaiters: Array<() => void> = [];
  private retryTimer: unknown;
  private stopping = false;
  /** The disk (or a dead worker) refused the head of the queue. */
  private refused = false;

  constructor(private readonly o: DurableWriteQueueOptions) {}

  get length(): number {
    return this.queue.length;
  }
  get blocked(): boolean {
    return this.refused;
  }

  /** Queues a write; resolves true once on disk, false as soon as the disk refused it (it stays queued, retried). */
  write<M extends StoreMethod>(method: M, args: StoreArgs<M>, w: WriteOptions = {}): Promise<boolean> {
    return new Promise((resolve, reject) => this.add(method, args, w, { resolve, reject }));
  }

  /** Queues a write nobody waits for (a call's timeline); a write refused for good is logged. */
  enqueue<M extends StoreMethod>(method: M, args: StoreArgs<M>): void {
    this.add(method, args, {}, undefined);
  }

  private add(method: StoreMethod, args: unknown, w: WriteOptions, waiter: Waiter | undefined): void {
    const { key, onDone } = w;
    // The head may be in flight, so only a later save of the same note is replaced; both callers learn the outcome.
    let last: Job | undefined;
    for (let i = this.queue.length - 1; key && i > 0 && !last; i--) {
      if (this.queue[i]!.key === key) last = this.queue[i];
    }
    if (last && last.method === method && method === 'saveNote') {
      last.args = args;
      last.onDone = onDone;
      if (this.refused) waiter?.resolve(false);
      else if (waiter) last.waiters.push(waiter);
      return;
    }
    if (!key && this.o.noDatabase()) {
      waiter?.resolve(false);
      return;
    } // no database this session: no timeline
    const job: Job = { method, args, ...(key ? { key } : {}), ...(onDone ? { onDone } : {}), waiters: [] };
    // While the disk refuses writes, the caller learns at once that this one is only in memory.
    if (this.refused) {
      job.told = true;
      waiter?.resolve(false);
    } else if (waiter) job.waiters.push(waiter);
    this.queue.splice(this.placeOf(job), 0, job);
    if (this.queue.length > MAX_QUEUED) {
      const i = this.queue.findIndex((j, k) => k > 0 && !j.key);
      if (i > 0) this.queue.splice(i, 1)[0]!.waiters.forEach((x) => x.resolve(false));
    }
    this.pump();
  }

  /**
   * Where a new job goes: at the end, except that a note write goes ahead of quality samples waiting unsent at the
   * end (several arrive together every second per call): they create nothing a note depends on and their order
   * with notes does not matter, so a save waits for at most the one write in flight.
   */
  private placeOf(job: Job): number {
    let i = this.queue.length;
    if (job.key) while (i > 1 && this.queue[i - 1]!.method === 'quality') i--;
    return i;
  }

  /** The worker is gone: every write waiting hears `false` now, and they stay queued for the next worker. */
  workerLost(): void {
    this.refused = true;
    this.tellAll();
  }

  /** Sends what is queued, in order, while a store is open. */
  pump(): void {
    if (this.pumping || !this.o.store()) {
      if (this.o.noDatabase()) this.tellAll();
      return;
    }
    this.pumping = true;
    void this.drain();
  }

  private async drain(): Promise<void> {
    try {
      for (let store = this.o.store(); this.queue.length && store; store = this.o.store()) {
        if (!(await this.send(store))) return;
      }
    } finally {
      // Cleared in the same turn the loop ends, so a write queued right after starts a new pump.
      this.pumping = false;
      for (const idle of this.idleWaiters.splice(0)) idle();
    }
  }

  /** Sends the head of the queue once; false: it was refused and stays at the head (the loop ends). */
  private async send(store: QueueStore): Promise<boolean> {
    const job = this.queue[0]!;
    try {
      await store.call(job.method, job.args as never);
      this.queue.shift();
      job.onDone?.(true);
      job.waiters.forEach((w) => w.resolve(true));
      if (this.refused) {
        this.refused = false;
        this.o.onAccepted();
      }
    } catch (e) {
      if (!retryable(e)) {
        this.queue.shift();
        job.onDone?.(false);
        if (job.waiters.length === 0) this.o.log.warn('notes write failed', { method: job.method, error: String(e) });
        job.waiters.forEach((w) => w.reject(e));
        return true;
      }
      // The worker died: its owner reopens it and pumps again; until then nothing more is sent.
      if (e.code === 'worker-exited') {
        this.o.onWorkerExited(store, e);
        return false;
      }
      if (!this.refused) {
        this.refused = true;
        const { code, message } = e;
        this.o.log.warn('notes write refused by the disk; kept in memory, retrying', { code, error: message });
        this.o.onRefused(e);
      }
      this.tell(job);
      // After stop() nothing is armed: the final flush tries each write once and shutdown goes on.
      if (!this.stopping) {
        const retry = () => {
          this.retryTimer = undefined;
          this.pump();
        };
        this.retryTimer ??= this.o.clock.setTimeout(retry, this.o.retryMs ?? 2_000);
      }
      return false;
    }
    return true;
  }

  private tell(job: Job): void {
    if (job.told) return;
    job.told = true;
    job.waiters.forEach((w) => w.resolve(false));
    job.waiters = [];
  }

  private tellAll(): void {
    for (const j of this.queue) this.tell(j);
  }

  /**
   * Resolves once the newest queued write has gone to the worker, so a read sees the writes queued before it.
   * At once while writes are refused or no store is open: a read then shows what is on disk.
   */
  async caughtUp(): Promise<void> {
    const last = this.queue.at(-1);
    if (!last || this.refused || last.told || !this.o.store()) return;
    await new Promise<void>((done) => {
      last.waiters.push({ resolve: () => done(), reject: () => done() });
    });
  }

  /** Resolves once the writes queued so far have been tried: the pump has stopped (drained, refused, or no store). */
  async flush(): Promise<void> {
    while (this.pumping)
      await new Promise<void>((idle) => {
        this.idleWaiters.push(idle);
      });
  }

  /** No retry is armed from now on; a pump under way finishes (see `flush`). */
  stop(): void {
    this.stopping = true;
    if (this.retryTimer !== undefined) this.o.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }
}
