import type https from 'node:https';
import type { CallSummary, NoteDraft, NoteSaveArgs, NoteView, NotesStatus, TimelineEntry } from '../../common/contract/notes';
import type { Logger } from '../log';
import type { CallEvent } from '../phone/call-manager';
import { systemClock, type Clock } from '../../common/clock';
import { StoreError, type StoreArgs, type StoreMethod, type StoreResult } from '../store/store-api';
import { StoreClient } from '../store/store-client';
import { exportNotes, type ExportFormat } from './export';
import { OutboxSender } from './outbox-sender';

export interface NotesSettings { requiredFields: readonly string[]; editWindowMin: number; syncUrl: string }

export interface NotesServiceOptions {
  /** The database file (`<dataDir>/notes.sqlite`). */
  file: string;
  /** The bundled store worker; default: found next to the running bundle. */
  workerUrl?: URL;
  log: Logger;
  settings: () => NotesSettings;
  clock?: Clock;
  /** How often a write the disk refused is tried again. */
  retryMs?: number;
  /** At most one quality sample per call per this many ms goes to the timeline (every one counts in the summary). */
  qualityEveryMs?: number;
  sync?: { agent?: https.Agent; timeoutMs?: number; deadlineMs?: number; baseDelayMs?: number; maxDelayMs?: number; random?: () => number };
}

type Job = { method: StoreMethod; args: unknown; note?: string; version?: number; waiters: Array<{ resolve: (durable: boolean) => void; reject: (e: unknown) => void }>; told?: boolean };
const retryable = (e: unknown) => e instanceof StoreError && (e.code === 'disk-full' || e.code === 'io' || e.code === 'busy' || e.code === 'read-only' || e.code === 'worker-exited');

/**
 * The notes service: records every call and its timeline from the call manager's events, keeps each call's note
 * (draft while the agent types, final once finished) and feeds the sync outbox. Every write goes through one
 * ordered queue to the store's worker; a write the disk refuses stays queued (in memory) and is retried, so a
 * draft is never lost while the process lives, and `durable` tells the renderer whether it reached the disk.
 */
export class NotesService {
  private store: StoreClient | undefined;
  private opening: Promise<void> | undefined;
  private readonly queue: Job[] = [];
  private pumping = false;
  private retryTimer: unknown;
  /** The newest note each call has that is not on disk yet. */
  private readonly unsaved = new Map<string, NoteView>();
  /** Which change of the note `unsaved` holds: only the write carrying that change may drop it once on disk. */
  private readonly unsavedVersion = new Map<string, number>();
  private noteVersion = 0;
  private readonly lastQualityAt = new Map<string, number>();
  private readonly clock: Clock;
  private readonly listeners = new Set<(s: NotesStatus) => void>();
  private storeState: { store: NotesStatus['store']; detail?: string; movedTo?: string } = { store: 'ok' };
  private failedOpen = false;
  /** The state the last open left (ok, or recovered from a corrupt file); shown again once writes go through. */
  private openState: typeof this.storeState = { store: 'ok' };
  private stopping = false;
  private reviveAttempt = 0;
  private reviveTimer: unknown;
  private reviving: Promise<void> | undefined;
  /** Settles when the pending reopen attempt has run (reads wait for it rather than failing at once). */
  private reviveAttemptDone: Promise<void> | undefined;
  private endReviveWait: (() => void) | undefined;
  /** The disk refused the head of the queue; it is retried every `retryMs`. */
  private blocked = false;
  readonly sender: OutboxSender;

  constructor(private readonly o: NotesServiceOptions) {
    this.clock = o.clock ?? systemClock;
    this.sender = new OutboxSender({ store: () => this.store, url: () => o.settings().syncUrl, log: o.log, changed: () => this.changed(), clock: this.clock, ...o.sync });
  }

  // ---- life cycle ------------------------------------------------------------------------------------------

  start(): Promise<void> {
    this.opening ??= (async () => {
      try {
        await this.openClient();
        // What is still waiting for the sync endpoint from earlier sessions is known before the first delivery run.
        const pending = await this.store!.call('outboxStats', {});
        this.sender.pending = pending.pending;
        if (pending.lastError) this.sender.lastError = pending.lastError;
      } catch (e) {
        const err = e instanceof StoreError ? e : new StoreError('internal', String(e));
        this.failedOpen = true;
        this.o.log.error('notes database unavailable', { code: err.code, error: err.message });
        this.storeState = { store: 'failed', detail: `${err.code}: ${err.message}`.slice(0, 500) };
      }
      this.changed();
      this.pump();
      this.sender.kick();
    })();
    return this.opening;
  }

  /** Opens the store's worker on the file and watches it: a worker that dies is replaced (`revive`). */
  private async openClient(): Promise<StoreClient> {
    const client = await StoreClient.open({ file: this.o.file, options: { recoverCorrupt: true }, ...(this.o.workerUrl ? { workerUrl: this.o.workerUrl } : {}) });
    const moved = client.info.recoveredFrom;
    this.openState = { store: 'ok' };
    if (moved) {
      this.o.log.warn('notes database was corrupt; moved aside and started fresh', { movedTo: moved.movedTo, reason: moved.reason });
      this.openState = { store: 'recovered', detail: moved.reason.slice(0, 500), movedTo: moved.movedTo };
    }
    this.storeState = this.openState;
    client.onExit((e) => this.lost(client, e));
    this.store = client;
    return client;
  }

  /**
   * The store's worker died (crash, out of memory): what is queued stays in memory (`durable: false`), `notes.status`
   * says `failed` with `worker-exited: …; reopening …`, and a new worker is opened on the same file — at once, then
   * with back-off (retryMs·2^n, at most 30 s) while that fails. Once it is up the queue is written in order.
   */
  private lost(client: StoreClient, e: StoreError): void {
    if (this.store !== client || this.stopping) return;
    this.store = undefined;
    this.blocked = true;
    for (const j of this.queue) if (!j.told) { j.told = true; j.waiters.forEach((w) => w.resolve(false)); j.waiters = []; }
    this.o.log.error('notes store worker died; drafts kept in memory, reopening', { error: e.message, writes: this.queue.length });
    this.reviveAttempt = 0;
    this.scheduleRevive(e.message);
  }

  private scheduleRevive(why: string): void {
    const attempt = ++this.reviveAttempt;
    const delay = attempt === 1 ? 0 : Math.min(30_000, (this.o.retryMs ?? 2_000) * 2 ** (attempt - 2));
    this.storeState = { store: 'failed', detail: `worker-exited: ${why}; reopening${delay ? ` in ${delay} ms` : ''} (attempt ${attempt})`.slice(0, 500) };
    this.changed();
    let done!: () => void;
    this.reviveAttemptDone = new Promise<void>((r) => { done = r; });
    this.reviveTimer = this.clock.setTimeout(() => {
      this.reviveTimer = undefined;
      this.reviving = this.revive().finally(() => { this.reviving = undefined; done(); });
    }, delay);
    this.endReviveWait = done;
  }

  private async revive(): Promise<void> {
    try {
      await this.openClient();
    } catch (e) {
      if (this.stopping) return;
      const err = e instanceof StoreError ? e : new StoreError('internal', String(e));
      this.o.log.warn('notes store could not be reopened; trying again', { code: err.code, error: err.message, attempt: this.reviveAttempt });
      this.scheduleRevive(`${err.code}: ${err.message}`);
      return;
    }
    if (this.stopping) return; // stop() closes it
    this.o.log.info('notes store reopened', { writes: this.queue.length });
    this.changed();
    this.pump();
    this.sender.kick();
  }

  async stop(): Promise<void> {
    await this.opening;
    this.stopping = true;
    if (this.reviveTimer !== undefined) { this.clock.clearTimeout(this.reviveTimer); this.reviveTimer = undefined; this.endReviveWait?.(); }
    await this.reviving;
    if (this.retryTimer !== undefined) this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await this.sender.stop();
    await this.flush();
    if (this.queue.length) this.o.log.error('notes writes still refused by the disk at shutdown; they are lost', { writes: this.queue.length, notes: this.unsaved.size });
    await this.store?.close();
    this.store = undefined;
  }

  /** Resolves once every queued write has been tried (tests, shutdown). */
  async flush(): Promise<void> {
    await this.opening;
    for (let i = 0; i < 1000 && this.pumping; i++) await new Promise((r) => setTimeout(r, 2));
  }

  /** The store client once open (diagnostics, benchmarks, tests). */
  storeClient(): StoreClient | undefined { return this.store; }

  onStatus(l: (s: NotesStatus) => void): () => void { this.listeners.add(l); return () => this.listeners.delete(l); }

  status(): NotesStatus {
    return {
      ...this.storeState,
      outbox: {
        pending: this.sender.pending, endpoint: this.sender.endpoint(),
        ...(this.sender.lastError ? { lastError: this.sender.lastError.slice(0, 300) } : {}),
        ...(this.sender.nextAttemptAt !== undefined ? { nextAttemptAt: this.sender.nextAttemptAt } : {}),
      },
    };
  }

  private changed() { const s = this.status(); for (const l of this.listeners) l(s); }

  // ---- recording calls --------------------------------------------------------------------------------------

  readonly onCallEvent = (e: CallEvent): void => {
    switch (e.type) {
      case 'offered': case 'dialing':
        this.write('callStarted', { callId: e.call.id, direction: e.call.direction, remoteName: e.call.remote.name, remoteNumber: e.call.remote.number, at: e.call.startedAt });
        return;
      case 'answered': case 'held': case 'resumed': case 'ended':
        this.write('callState', { callId: e.call.id, at: e.at, state: e.type, ...(e.type === 'ended' && e.call.endReason ? { endReason: e.call.endReason } : {}) });
        if (e.type === 'ended') this.lastQualityAt.delete(e.call.id);
        return;
      case 'mute':
        if (e.callId) this.write('addTimeline', { callId: e.callId, at: e.at, kind: 'mute', data: { muted: e.muted, source: e.source } });
        return;
      case 'quality': {
        const last = this.lastQualityAt.get(e.callId);
        const keep = last === undefined || e.at - last >= (this.o.qualityEveryMs ?? 10_000);
        if (keep) this.lastQualityAt.set(e.callId, e.at);
        const s = e.sample;
        this.write('quality', { callId: e.callId, at: e.at, mos: s.mos, jitterMs: s.jitterMs, lossPct: s.lossPct, rttMs: s.rttMs, keep });
      }
    }
  };

  /** Something else worth keeping on a call's timeline (headset plugged or lost, agent state, a transfer attempt). */
  timeline(callId: string, kind: TimelineEntry['kind'], data: Record<string, unknown>, at = this.clock.now()): void {
    this.write('addTimeline', { callId, at, kind, data });
  }

  acwStarted(callId: string, at: number): void { this.write('acw', { callId, at, phase: 'start', enqueueUpdate: false }); }
  acwEnded(callId: string, at: number): void {
    this.write('acw', { callId, at, phase: 'end', enqueueUpdate: this.sender.usable() });
    this.kickSenderAfterQueue();
  }

  // ---- the contract -----------------------------------------------------------------------------------------

  async get(callId: string): Promise<{ note: NoteView | null; editable: boolean }> {
    const note = this.unsaved.get(callId) ?? (await this.read('getNote', { callId }, null));
    return { note, editable: this.editable(note) };
  }

  async save(a: NoteSaveArgs): Promise<{ savedAt: number; durable: boolean }> {
    await this.opening;
    const at = this.clock.now();
    const known = this.unsaved.get(a.callId) ?? (await this.read('getNote', { callId: a.callId }, null));
    if (!this.editable(known)) throw new StoreError('not-editable', 'the note is final and its edit window has passed');
    const version = this.keep(a.callId, {
      callId: a.callId, templateId: a.templateId === undefined ? known?.templateId ?? null : a.templateId, fields: a.fields, text: a.text,
      disposition: a.disposition === undefined ? known?.disposition ?? null : a.disposition, status: known?.status ?? 'draft', updatedAt: at,
      ...(known?.finishedAt !== undefined ? { finishedAt: known.finishedAt } : {}),
    });
    const durable = await this.write('saveNote', {
      callId: a.callId, at, fields: a.fields, text: a.text, editWindowMs: this.editWindowMs(), enqueueUpdate: this.sender.usable(),
      ...(a.templateId !== undefined ? { templateId: a.templateId } : {}), ...(a.disposition !== undefined ? { disposition: a.disposition } : {}),
    }, `note:${a.callId}`, version);
    if (known?.status === 'final') this.kickSenderAfterQueue();
    return { savedAt: at, durable };
  }

  async finish(callId: string, disposition: string): Promise<{ ok: boolean; missing: string[] }> {
    await this.opening;
    const note = this.unsaved.get(callId) ?? (await this.read('getNote', { callId }, null));
    const required = this.o.settings().requiredFields;
    const missing = required.filter((f) => (f === 'text' ? note?.text ?? '' : note?.fields[f] ?? '').trim() === '');
    if (missing.length) return { ok: false, missing };
    if (note?.status === 'final' && !this.editable(note)) return { ok: true, missing: [] };
    const at = this.clock.now();
    const version = note ? this.keep(callId, { ...note, status: 'final', disposition, finishedAt: note.finishedAt ?? at, updatedAt: at }) : undefined;
    await this.write('finishNote', { callId, at, disposition, requiredFields: [...required], enqueue: this.sender.usable() }, `note:${callId}`, version);
    this.kickSenderAfterQueue();
    return { ok: true, missing: [] };
  }

  history(a: { from?: number; to?: number; query?: string; limit: number; offset: number }): Promise<{ calls: CallSummary[]; total: number }> {
    return this.read('history', a, { calls: [], total: 0 });
  }

  async detail(callId: string): Promise<{ call: CallSummary; timeline: TimelineEntry[]; note: NoteView | null; editable: boolean } | null> {
    const d = await this.read('detail', { callId }, null);
    if (!d) return null;
    const note = this.unsaved.get(callId) ?? d.note;
    return { ...d, note, editable: this.editable(note) };
  }

  async drafts(): Promise<NoteDraft[]> {
    const stored = await this.read('drafts', { limit: 50 }, []);
    const inMemory = [...this.unsaved.values()].filter((n) => n.status === 'draft' && !stored.some((d) => d.callId === n.callId))
      .map((n) => ({ callId: n.callId, remoteName: '', remoteNumber: '', updatedAt: n.updatedAt, preview: n.text.slice(0, 200) }));
    return [...inMemory, ...stored];
  }

  async export(from: number, to: number, format: ExportFormat): Promise<string> {
    return exportNotes(await this.read('exportRows', { from, to }, []), format, { from, to });
  }

  // ---- internals --------------------------------------------------------------------------------------------

  /** The note as the agent last left it, until the write carrying this change is on disk (or refused for good). */
  private keep(callId: string, note: NoteView): number {
    const version = ++this.noteVersion;
    this.unsaved.set(callId, note);
    this.unsavedVersion.set(callId, version);
    return version;
  }

  /** A note write is done with: the in-memory note goes only if no newer change of it is still queued behind. */
  private settled(job: Job): void {
    const callId = (job.args as { callId: string }).callId;
    if (job.version === undefined || this.unsavedVersion.get(callId) !== job.version) return;
    this.unsaved.delete(callId);
    this.unsavedVersion.delete(callId);
  }

  private editWindowMs() { return this.o.settings().editWindowMin * 60_000; }
  private editable(note: NoteView | null): boolean {
    return !note || note.status === 'draft' || (note.finishedAt ?? 0) + this.editWindowMs() >= this.clock.now();
  }

  /**
   * Reads see the writes queued before them (an after-call-work end, a hold, a finish just made): wait until the
   * newest queued write has gone to the worker. Not while the disk refuses writes — then a read shows what is on
   * disk, and notes come from memory (`unsaved`).
   */
  private async queuedWritesDone(): Promise<void> {
    const last = this.queue.at(-1);
    if (!last || this.blocked || last.told || !this.store) return;
    await new Promise<void>((done) => { last.waiters.push({ resolve: () => done(), reject: () => done() }); });
  }

  private async read<M extends StoreMethod>(method: M, args: StoreArgs<M>, fallback: StoreResult<M>): Promise<StoreResult<M>> {
    await this.opening;
    await this.queuedWritesDone();
    for (let tries = 0; ; tries++) {
      // The worker died: wait for the reopen attempt under way, then read from the new one (or fall back).
      if (!this.store && (this.reviveTimer !== undefined || this.reviving)) await this.reviveAttemptDone;
      const store = this.store;
      if (!store) return fallback;
      try { return await store.call(method, args); } catch (e) {
        if (tries > 0 || !(e instanceof StoreError && e.code === 'worker-exited')) throw e;
      }
    }
  }

  /** Queues a write; resolves true once on disk, false as soon as the disk refused it (it stays queued and is retried). */
  private write<M extends StoreMethod>(method: M, args: StoreArgs<M>, note?: string, version?: number): Promise<boolean> {
    return new Promise((resolve, reject) => {
      // Typing replaces a queued save of the same note that has not been sent yet; both callers learn the outcome.
      let last: Job | undefined;
      for (let i = this.queue.length - 1; note && i > 0 && !last; i--) if (this.queue[i]!.note === note) last = this.queue[i];
      if (last && last.method === method && method === 'saveNote') {
        last.args = args;
        last.version = version;
        if (this.blocked) resolve(false); else last.waiters.push({ resolve, reject });
        return;
      }
      if (!note && this.failedOpen) { resolve(false); return; } // no database this session: the timeline is not kept
      // While the disk refuses writes, the caller learns at once that this one is only in memory.
      const job = { method, args, ...(note ? { note } : {}), ...(version !== undefined ? { version } : {}) };
      if (this.blocked) { this.queue.push({ ...job, waiters: [], told: true }); resolve(false); }
      else this.queue.push({ ...job, waiters: [{ resolve, reject }] });
      if (this.queue.length > 20_000) {
        const i = this.queue.findIndex((j, k) => k > 0 && !j.note);
        if (i > 0) this.queue.splice(i, 1)[0]!.waiters.forEach((w) => w.resolve(false));
      }
      this.pump();
    });
  }

  private pump(): void {
    if (this.pumping || !this.store) {
      if (this.failedOpen) for (const j of this.queue) if (!j.told) { j.told = true; j.waiters.forEach((w) => w.resolve(false)); }
      return;
    }
    this.pumping = true;
    void (async () => {
      while (this.queue.length && this.store) {
        const job = this.queue[0]!;
        const store = this.store;
        try {
          await store.call(job.method, job.args as never);
          this.queue.shift();
          if (job.note) this.settled(job);
          job.waiters.forEach((w) => w.resolve(true));
          if (this.blocked) { this.blocked = false; this.storeState = this.openState; this.changed(); }
        } catch (e) {
          if (retryable(e)) {
            const err = e as StoreError;
            if (err.code === 'worker-exited') { this.lost(store, err); break; } // reopened, then pumped again
            if (!this.blocked) {
              this.blocked = true;
              this.o.log.warn('notes write refused by the disk; kept in memory, retrying', { code: err.code, error: err.message });
              this.storeState = { store: err.code === 'disk-full' ? 'disk-full' : 'failed', detail: `${err.code}: ${err.message}`.slice(0, 500) };
              this.changed();
            }
            if (!job.told) { job.told = true; job.waiters.forEach((w) => w.resolve(false)); job.waiters = []; }
            // After stop() nothing is armed: the final flush tries each write once and shutdown goes on.
            if (!this.stopping) this.retryTimer ??= this.clock.setTimeout(() => { this.retryTimer = undefined; this.pump(); }, this.o.retryMs ?? 2_000);
            break;
          }
          this.queue.shift();
          if (job.note) this.settled(job);
          if (job.waiters.length === 0) this.o.log.warn('notes write failed', { method: job.method, error: String(e) });
          job.waiters.forEach((w) => w.reject(e));
        }
      }
      this.pumping = false;
    })();
  }

  /** The sender looks at the outbox once the writes queued so far (a finish) are on disk. */
  private kickSenderAfterQueue(): void {
    void this.write('outboxStats', {}).then(() => this.sender.kick(), () => undefined);
  }
}
