import type { NotesStatus } from '@common/contract/notes';
import type { Clock } from '@common/clock';
import type { Logger } from '../log';
import { StoreError, type StoreArgs, type StoreInfo, type StoreMethod, type StoreResult } from '../store/store-api';
import type { StoreClient, StoreClientOptions } from '../store/store-client';

/** The part of `notes.status` that speaks of the database. */
export type StoreState = Pick<NotesStatus, 'store' | 'detail' | 'movedTo' | 'recovery'>;

/** What the supervisor needs of a client: calls, its file's story, its death and its end. */
export type SupervisedStore = Pick<StoreClient, 'call' | 'info' | 'onExit' | 'close'> &
  Partial<Pick<StoreClient, 'onEvent'>>;

export interface StoreSupervisorOptions<S extends SupervisedStore> {
  /** The database file. */
  file: string;
  workerUrl?: URL;
  log: Logger;
  clock: Clock;
  /** The first back-off step of reopening a dead worker (default 2 s; then ·2 each time, at most 30 s). */
  retryMs?: number;
  /** Opens a client: `StoreClient.open`, or a fake in tests. */
  open: (o: StoreClientOptions) => Promise<S>;
  /** How many writes wait in memory (for the log). */
  writes: () => number;
  /** The store state changed. */
  changed: () => void;
  /** The worker died: writes queued for it stay in memory. */
  onLost: () => void;
  /** A new worker is up after a death: send what is queued. */
  onReopened: () => void;
}

const MAX_REVIVE_DELAY_MS = 30_000;
const detailOf = (s: string) => s.slice(0, 500);

/**
 * Keeps the notes database open: opens the store's worker on the file (a corrupt file moved aside shows as
 * `recovered`, a database it cannot open as `failed` for the session), replaces a worker that dies — at once, then
 * with back-off `retryMs`·2^n up to 30 s — and holds the store state `notes.status` shows, including the disk
 * refusing writes (`disk-full` / `failed`) and its recovery.
 */
export class StoreSupervisor<S extends SupervisedStore> {
  private store: S | undefined;
  private state: StoreState = { store: 'ok' };
  /** The state the last open left (ok, or recovered from a corrupt file); shown again once writes go through. */
  private openState: StoreState = { store: 'ok' };
  private failedOpen = false;
  private stopping = false;
  private reviveAttempt = 0;
  private reviveTimer: unknown;
  private reviving: Promise<void> | undefined;
  /** Settles when the pending reopen attempt has run (reads wait for it rather than failing at once). */
  private reviveAttemptDone: Promise<void> | undefined;
  private endReviveWait: (() => void) | undefined;

  constructor(private readonly o: StoreSupervisorOptions<S>) {}

  /** The open client, if any. */
  client(): S | undefined {
    return this.store;
  }
  /** The open at start failed: no database this session. */
  get noDatabase(): boolean {
    return this.failedOpen;
  }
  storeState(): StoreState {
    return this.state;
  }

  /**
   * Opens the store and runs `prepare` on it; a failure of either leaves no database for this session, shown as
   * `failed` with the code and message.
   */
  async start(prepare: (store: S) => Promise<void>): Promise<void> {
    try {
      await prepare(await this.openClient());
    } catch (e) {
      const err = e instanceof StoreError ? e : new StoreError('internal', String(e));
      this.failedOpen = true;
      this.o.log.error('notes database unavailable', { code: err.code, error: err.message });
      this.state = { store: 'failed', detail: detailOf(`${err.code}: ${err.message}`) };
    }
  }

  /** The disk refused a write: shown until one goes through. */
  writesRefused(err: StoreError): void {
    const store = err.code === 'disk-full' ? 'disk-full' : 'failed';
    this.state = { store, detail: detailOf(`${err.code}: ${err.message}`) };
  }

  /** Writes go through again: the state the open left is shown again. */
  writesAccepted(): void {
    this.state = this.openState;
  }

  /** Opens the store's worker on the file and watches it: a worker that dies is replaced (`revive`). */
  private async openClient(): Promise<S> {
    const { file, workerUrl } = this.o;
    const client = await this.o.open({ file, options: { recoverCorrupt: true }, ...(workerUrl ? { workerUrl } : {}) });
    this.openState = { store: 'ok' };
    this.recovered(client.info.recoveredFrom);
    this.state = this.openState;
    client.onExit((e) => this.lost(client, e));
    // The background check after an unclean shutdown (or a request) found the file corrupt: the worker moved it
    // aside and carries on with a fresh one holding what could be read.
    client.onEvent?.((e) => {
      if (e.event !== 'recovered' || this.store !== client) return;
      this.recovered(e.info.recoveredFrom);
      if (this.state.store === 'ok' || this.state.store === 'recovered') this.state = this.openState;
      this.o.changed();
    });
    this.store = client;
    return client;
  }

  private recovered(moved: StoreInfo['recoveredFrom']): void {
    if (!moved) return;
    // Counts and the file's place only: never a note's text.
    this.o.log.warn(
      moved.cause === 'emptied'
        ? 'notes database was emptied (0 bytes); set aside and started fresh'
        : 'notes database was damaged; set aside and started fresh with what could be read',
      {
        movedTo: moved.movedTo,
        reason: moved.reason,
        notesRecovered: moved.notesRecovered,
        callsRecovered: moved.callsRecovered,
      },
    );
    this.openState = {
      store: 'recovered',
      detail: detailOf(`${moved.cause}: ${moved.reason}`),
      movedTo: moved.movedTo,
      recovery: { cause: moved.cause, notesRecovered: moved.notesRecovered },
    };
  }

  /**
   * The store's worker died (crash, out of memory): what is queued stays in memory (`durable: false`), the state
   * says `failed` with `worker-exited: …; reopening …`, and a new worker is opened on the same file.
   */
  lost(client: Pick<SupervisedStore, 'call'>, e: StoreError): void {
    if (this.store !== client || this.stopping) return;
    this.store = undefined;
    this.o.onLost();
    this.o.log.error('notes store worker died; drafts kept in memory, reopening', {
      error: e.message,
      writes: this.o.writes(),
    });
    this.reviveAttempt = 0;
    this.scheduleRevive(e.message);
  }

  private scheduleRevive(why: string): void {
    const attempt = ++this.reviveAttempt;
    const delay = attempt === 1 ? 0 : Math.min(MAX_REVIVE_DELAY_MS, (this.o.retryMs ?? 2_000) * 2 ** (attempt - 2));
    const when = delay ? ` in ${delay} ms` : '';
    this.state = { store: 'failed', detail: detailOf(`worker-exited: ${why}; reopening${when} (attempt ${attempt})`) };
    this.o.changed();
    let done!: () => void;
    this.reviveAttemptDone = new Promise<void>((r) => {
      done = r;
    });
    this.reviveTimer = this.o.clock.setTimeout(() => {
      this.reviveTimer = undefined;
      this.reviving = this.revive().finally(() => {
        this.reviving = undefined;
        done();
      });
    }, delay);
    this.endReviveWait = done;
  }

  private async revive(): Promise<void> {
    try {
      await this.openClient();
    } catch (e) {
      if (this.stopping) return;
      const err = e instanceof StoreError ? e : new StoreError('internal', String(e));
      this.o.log.warn('notes store could not be reopened; trying again', {
        code: err.code,
        error: err.message,
        attempt: this.reviveAttempt,
      });
      this.scheduleRevive(`${err.code}: ${err.message}`);
      return;
    }
    if (this.stopping) return; // stop() closes it
    this.o.log.info('notes store reopened', { writes: this.o.writes() });
    this.o.changed();
    this.o.onReopened();
  }

  /**
   * One read from the store. While a dead worker is being replaced it waits for the reopen attempt under way; a
   * worker that dies under the read is read from once more (after its replacement); no store: `fallback`.
   */
  async read<M extends StoreMethod>(method: M, args: StoreArgs<M>, fallback: StoreResult<M>): Promise<StoreResult<M>> {
    for (let tries = 0; ; tries++) {
      if (!this.store && (this.reviveTimer !== undefined || this.reviving)) await this.reviveAttemptDone;
      const store = this.store;
      if (!store) return fallback;
      try {
        return await store.call(method, args);
      } catch (e) {
        if (tries > 0 || !(e instanceof StoreError && e.code === 'worker-exited')) throw e;
      }
    }
  }

  /** No reopening from now on; waits for a reopen under way (its client, if any, is closed by `close`). */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.reviveTimer !== undefined) {
      this.o.clock.clearTimeout(this.reviveTimer);
      this.reviveTimer = undefined;
      this.endReviveWait?.();
    }
    await this.reviving;
  }

  async close(): Promise<void> {
    await this.store?.close();
    this.store = undefined;
  }
}
