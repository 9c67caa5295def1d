import type {
  CallSummary,
  NoteDraft,
  NoteSaveArgs,
  NoteView,
  NotesStatus,
  TimelineEntry,
} from '@common/contract/notes';
import { systemClock, type Clock } from '@common/clock';
import { Emitter } from '@common/emitter';
import { ignorePromise } from '@common/ignore-promise';
import { editWindowMs, isNoteEditable, missingRequiredFields } from '@common/notes/note-rules';
import type { Logger } from '../log';
import type { CallEvent } from '../phone/call-manager';
import { StoreError, type StoreArgs, type StoreMethod, type StoreResult } from '../store/store-api';
import { StoreClient } from '../store/store-client';
import { CallRecorder } from './call-recorder';
import { DurableWriteQueue } from './durable-write-queue';
import { exportNotes, type ExportFormat } from './export';
import { OutboxSender, type OutboxSenderOptions } from './outbox-sender';
import { StoreSupervisor } from './store-supervisor';

export interface NotesSettings {
  requiredFields: readonly string[];
  editWindowMin: number;
  syncUrl: string;
}

export interface NoteDetail {
  call: CallSummary;
  timeline: TimelineEntry[];
  note: NoteView | null;
  editable: boolean;
}

type NoteWrite = 'saveNote' | 'finishNote';
/** A draft only in memory, as the drafts list shows it (the call's names are on disk, if anywhere). */
/** How long stop() waits for the queued writes before closing the store anyway. */
const stopFlushMs = 5000;

const draftOf = (n: NoteView): NoteDraft => ({
  callId: n.callId,
  remoteName: '',
  remoteNumber: '',
  updatedAt: n.updatedAt,
  preview: n.text.slice(0, 200),
});

export interface NotesServiceOptions {
  /** The database file (`<dataDir>/notes.sqlite`). */
  file: string;
  /** The bundled store worker; default: found next to the running bundle. */
  workerUrl?: URL;
  log: Logger;
  settings: () => NotesSettings;
  clock?: Clock;
  /** How often a write the disk refused is tried again (and the first back-off step of reopening a dead worker). */
  retryMs?: number;
  /** At most one quality sample per call per this many ms goes to the timeline (every one counts in the summary). */
  qualityEveryMs?: number;
  /** The sync endpoint's TLS trust, timeouts and back-off (see OutboxSender). */
  sync?: Partial<
    Pick<OutboxSenderOptions, 'agent' | 'timeoutMs' | 'deadlineMs' | 'baseDelayMs' | 'maxDelayMs' | 'random'>
  >;
}

/**
 * The notes service: what the `notes.*` handlers, the agent service and the core call. It is composed of a
 * `StoreSupervisor` (the database open, its worker revived), a `DurableWriteQueue` (every write in order, a write
 * the disk refuses kept in memory and retried), a `CallRecorder` (the call manager's events as store writes) and the
 * `OutboxSender`; on top it keeps each call's note — draft while the agent types, final once finished — answering
 * from memory while the newest change of a note is not on disk yet, so a draft is never lost while the process lives.
 */
export class NotesService {
  private readonly clock: Clock;
  private readonly supervisor: StoreSupervisor<StoreClient>;
  private readonly queue: DurableWriteQueue;
  private readonly recorder: CallRecorder;
  private readonly statusEmitter = new Emitter<NotesStatus>();
  private opening: Promise<void> | undefined;
  /** The newest note each call has that is not on disk yet. */
  private readonly unsaved = new Map<string, NoteView>();
  /** Which change of the note `unsaved` holds: only the write carrying that change may drop it once on disk. */
  private readonly unsavedVersion = new Map<string, number>();
  private noteVersion = 0;
  /**
   * The note as it is on disk, for the calls whose notes were read or saved lately: a save needs the note's status,
   * template and disposition, and asking the worker first would cost every save a second round trip. Only this
   * service writes notes; an entry is dropped when a write of it fails or finishes it, and all of them when the
   * store is reopened or its file replaced.
   */
  private readonly stored = new Map<string, NoteView>();
  readonly sender: OutboxSender;
  /** The call manager's listener: records calls, their timeline and quality. */
  readonly onCallEvent: (e: CallEvent) => void;
  readonly onStatus = this.statusEmitter.on;

  constructor(private readonly o: NotesServiceOptions) {
    const clock = (this.clock = o.clock ?? systemClock);
    const { log, retryMs } = o;
    this.supervisor = new StoreSupervisor({
      file: o.file,
      ...(o.workerUrl ? { workerUrl: o.workerUrl } : {}),
      log,
      clock,
      ...(retryMs !== undefined ? { retryMs } : {}),
      open: (x) => StoreClient.open(x),
      writes: () => this.queue.length,
      changed: () => {
        // The file may have been replaced (a corrupt one moved aside): what was remembered of it is void.
        this.stored.clear();
        this.changed();
      },
      onLost: () => this.queue.workerLost(),
      onReopened: () => {
        this.stored.clear();
        this.queue.pump();
        this.sender.kick();
      },
    });
    this.queue = new DurableWriteQueue({
      store: () => this.supervisor.client(),
      noDatabase: () => this.supervisor.noDatabase,
      clock,
      log,
      ...(retryMs !== undefined ? { retryMs } : {}),
      onRefused: (err) => {
        this.supervisor.writesRefused(err);
        this.changed();
      },
      onAccepted: () => {
        this.supervisor.writesAccepted();
        this.changed();
      },
      onWorkerExited: (store, err) => this.supervisor.lost(store, err),
    });
    this.sender = new OutboxSender({
      store: () => this.supervisor.client(),
      url: () => o.settings().syncUrl,
      log,
      changed: () => this.changed(),
      clock,
      ...o.sync,
    });
    this.recorder = new CallRecorder({
      writes: this.queue,
      clock,
      ...(o.qualityEveryMs !== undefined ? { qualityEveryMs: o.qualityEveryMs } : {}),
      syncUsable: () => this.sender.usable(),
      deliverAfterQueue: () => this.deliverAfterQueue(),
    });
    this.onCallEvent = this.recorder.onCallEvent;
  }

  // ---- life cycle ------------------------------------------------------------------------------------------

  start(): Promise<void> {
    this.opening ??= (async () => {
      await this.supervisor.start(async (store) => {
        // What is still waiting for the sync endpoint from earlier sessions is known before the first delivery run.
        const pending = await store.call('outboxStats', {});
        this.sender.pending = pending.pending;
        if (pending.lastError) this.sender.lastError = pending.lastError;
      });
      this.changed();
      this.queue.pump();
      this.sender.kick();
    })();
    return this.opening;
  }

  async stop(): Promise<void> {
    await this.opening;
    this.queue.stop();
    await this.supervisor.stop();
    await this.sender.stop();
    // A worker that no longer answers (a disk hung in fsync) must not hold the app's exit for ever.
    if (!(await this.drainedWithin(stopFlushMs))) {
      this.o.log.error('notes store did not answer at shutdown; closing it anyway', { waitedMs: stopFlushMs });
    }
    if (this.queue.length) {
      this.o.log.error('notes writes still refused by the disk at shutdown; they are lost', {
        writes: this.queue.length,
        notes: this.unsaved.size,
      });
    }
    await this.supervisor.close();
  }

  private async drainedWithin(ms: number): Promise<boolean> {
    let timer: unknown;
    const timedOut = new Promise<false>((resolve) => {
      timer = this.clock.setTimeout(() => resolve(false), ms);
    });
    const drained = await Promise.race([this.queue.flush().then(() => true as const), timedOut]);
    this.clock.clearTimeout(timer);
    return drained;
  }

  /** Resolves once every queued write has been tried (tests, shutdown). */
  async flush(): Promise<void> {
    await this.opening;
    await this.queue.flush();
  }

  /** The store client once open (diagnostics, benchmarks, tests). */
  storeClient(): StoreClient | undefined {
    return this.supervisor.client();
  }

  status(): NotesStatus {
    const s = this.sender;
    return {
      ...this.supervisor.storeState(),
      outbox: {
        pending: s.pending,
        endpoint: s.endpoint(),
        ...(s.lastError ? { lastError: s.lastError.slice(0, 300) } : {}),
        ...(s.nextAttemptAt !== undefined ? { nextAttemptAt: s.nextAttemptAt } : {}),
      },
    };
  }

  private changed(): void {
    this.statusEmitter.emit(this.status());
  }

  // ---- recording calls (see CallRecorder) -------------------------------------------------------------------

  /** Something else worth keeping on a call's timeline (headset plugged or lost, agent state, a transfer attempt). */
  timeline(callId: string, kind: TimelineEntry['kind'], data: Record<string, unknown>, at = this.clock.now()): void {
    this.recorder.timeline(callId, kind, data, at);
  }

  acwStarted(callId: string, at: number): void {
    this.recorder.acwStarted(callId, at);
  }
  acwEnded(callId: string, at: number): void {
    this.recorder.acwEnded(callId, at);
  }

  // ---- the contract -----------------------------------------------------------------------------------------

  async get(callId: string): Promise<{ note: NoteView | null; editable: boolean }> {
    const note = this.unsaved.get(callId) ?? (await this.read('getNote', { callId }, null));
    return { note, editable: this.editable(note) };
  }

  async save(a: NoteSaveArgs): Promise<{ savedAt: number; durable: boolean }> {
    await this.opening;
    const at = this.clock.now();
    const known = this.unsaved.get(a.callId) ?? this.stored.get(a.callId) ?? (await this.readNote(a.callId));
    if (!this.editable(known)) throw new StoreError('not-editable', 'the note is final and its edit window has passed');
    const note: NoteView = {
      callId: a.callId,
      templateId: a.templateId === undefined ? (known?.templateId ?? null) : a.templateId,
      fields: a.fields,
      text: a.text,
      disposition: a.disposition === undefined ? (known?.disposition ?? null) : a.disposition,
      status: known?.status ?? 'draft',
      updatedAt: at,
      ...(known?.finishedAt !== undefined ? { finishedAt: known.finishedAt } : {}),
    };
    const version = this.keep(a.callId, note);
    const durable = await this.writeNote(
      'saveNote',
      {
        callId: a.callId,
        at,
        fields: a.fields,
        text: a.text,
        editWindowMs: this.windowMs(),
        enqueueUpdate: this.sender.usable(),
        ...(a.templateId !== undefined ? { templateId: a.templateId } : {}),
        ...(a.disposition !== undefined ? { disposition: a.disposition } : {}),
      },
      version,
      note,
    );
    if (known?.status === 'final') this.deliverAfterQueue();
    return { savedAt: at, durable };
  }

  async finish(callId: string, disposition: string): Promise<{ ok: boolean; missing: string[] }> {
    await this.opening;
    const note = this.unsaved.get(callId) ?? (await this.read('getNote', { callId }, null));
    const required = this.o.settings().requiredFields;
    const missing = missingRequiredFields(required, note);
    if (missing.length) return { ok: false, missing };
    if (note?.status === 'final' && !this.editable(note)) return { ok: true, missing: [] };
    const at = this.clock.now();
    const version = note
      ? this.keep(callId, { ...note, status: 'final', disposition, finishedAt: note.finishedAt ?? at, updatedAt: at })
      : undefined;
    const enqueue = this.sender.usable();
    await this.writeNote('finishNote', { callId, at, disposition, requiredFields: [...required], enqueue }, version);
    this.deliverAfterQueue();
    return { ok: true, missing: [] };
  }

  history(a: StoreArgs<'history'>): Promise<{ calls: CallSummary[]; total: number; totalCapped?: boolean }> {
    return this.read('history', a, { calls: [], total: 0 });
  }

  async detail(callId: string): Promise<NoteDetail | null> {
    const d = await this.read('detail', { callId }, null);
    if (!d) return null;
    const note = this.unsaved.get(callId) ?? d.note;
    return { ...d, note, editable: this.editable(note) };
  }

  async drafts(): Promise<NoteDraft[]> {
    const stored = await this.read('drafts', { limit: 50 }, []);
    const inMemory = [...this.unsaved.values()]
      .filter((n) => n.status === 'draft' && !stored.some((d) => d.callId === n.callId))
      .map(draftOf);
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

  /** The note as on disk (remembered for the next save). */
  private async readNote(callId: string): Promise<NoteView | null> {
    const n = await this.read('getNote', { callId }, null);
    if (n && !this.unsaved.has(callId)) this.remember(callId, n);
    return n;
  }

  private remember(callId: string, note: NoteView): void {
    this.stored.delete(callId);
    this.stored.set(callId, note);
    // A few recent notes are enough (the agent works on one at a time); the oldest is forgotten first.
    if (this.stored.size > 64) this.stored.delete(this.stored.keys().next().value!);
  }

  /**
   * A note write is done with (`landed`: on disk; `saved`: the note a save wrote): the in-memory note goes only if no
   * newer change of it is still queued behind.
   */
  private settled(callId: string, version: number, landed: boolean, saved?: NoteView): void {
    if (landed && saved) this.remember(callId, saved);
    else this.stored.delete(callId);
    if (this.unsavedVersion.get(callId) !== version) return;
    this.unsaved.delete(callId);
    this.unsavedVersion.delete(callId);
  }

  /**
   * A write of one note (`version`: the change of it `unsaved` holds, if any; `saved`: the note a save writes). A
   * finish is not remembered: the worker may still refuse it (a required field), so the next save reads the note.
   */
  private writeNote<M extends NoteWrite>(
    method: M,
    args: StoreArgs<M>,
    version?: number,
    saved?: NoteView,
  ): Promise<boolean> {
    const { callId } = args;
    if (method === 'finishNote') this.stored.delete(callId);
    return this.queue.write(method, args, {
      key: `note:${callId}`,
      onDone: (landed) => {
        if (version !== undefined) this.settled(callId, version, landed, saved);
        else this.stored.delete(callId);
      },
    });
  }

  private windowMs(): number {
    return editWindowMs(this.o.settings().editWindowMin);
  }
  private editable(note: NoteView | null): boolean {
    return isNoteEditable(note, this.windowMs(), this.clock.now());
  }

  /** Reads see the writes queued before them (an after-call-work end, a hold, a finish just made). */
  private async read<M extends StoreMethod>(method: M, args: StoreArgs<M>, fallback: StoreResult<M>) {
    await this.opening;
    await this.queue.caughtUp();
    return this.supervisor.read(method, args, fallback);
  }

  /** The sender looks at the outbox once the writes queued so far (a finish) are on disk. */
  private deliverAfterQueue(): void {
    ignorePromise(this.queue.write('outboxStats', {}).then(() => this.sender.kick()));
  }
}
