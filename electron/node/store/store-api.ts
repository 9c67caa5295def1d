import type { ScreenPopRecord } from '@common/contract/screen-pop-record';
import type { CallSummary, NoteDraft, NoteView, TimelineEntry, TimelineKind } from '@common/contract/notes';

/**
 * The store's API, declared once: every method with its argument and result. The worker's dispatcher
 * (store-worker.ts) implements it with `Store` (database.ts); the core calls it through `StoreClient`
 * (store-client.ts); the CLI uses `Store` directly. Values cross postMessage, so everything is structured-clone data.
 */
export interface StoreApi {
  /** Ringing (inbound) or dialing (outbound): the call row exists from here on. Idempotent. */
  callStarted: {
    args: {
      callId: string;
      direction: 'inbound' | 'outbound';
      remoteName: string;
      remoteNumber: string;
      at: number;
      /** The screen-pop fields it rang with (absent: none). */
      screenPop?: ScreenPopRecord[];
    };
    result: void;
  };
  /** State change of a call; hold time and the timeline follow from it. `answered` also opens the draft note. */
  callState: {
    args: { callId: string; at: number; state: 'answered' | 'held' | 'resumed' | 'ended'; endReason?: string };
    result: void;
  };
  /** After-call work of a call starts or ends; the calls table keeps the total. */
  acw: { args: { callId: string; at: number; phase: 'start' | 'end'; enqueueUpdate: boolean }; result: void };
  addTimeline: {
    args: { callId: string; at: number; kind: TimelineKind; data: Record<string, unknown> };
    result: void;
  };
  /** Every quality sample updates the call's summary; `keep` also writes it to the timeline. */
  quality: {
    args: { callId: string; at: number; mos: number; jitterMs: number; lossPct: number; rttMs: number; keep: boolean };
    result: void;
  };
  saveNote: {
    args: {
      callId: string;
      at: number;
      fields: Record<string, string>;
      text: string;
      editWindowMs: number;
      enqueueUpdate: boolean;
      /** Absent: keep what the note has; null: clear. */
      templateId?: string | null;
      disposition?: string | null;
    };
    result: { savedAt: number };
  };
  getNote: { args: { callId: string }; result: NoteView | null };
  finishNote: {
    args: { callId: string; at: number; disposition: string; requiredFields: string[]; enqueue: boolean };
    result: { ok: boolean; missing: string[] };
  };
  history: {
    /**
     * `countLimit`: count at most this many matches (a 3-letter prefix can match most of a million notes, and
     * counting them costs far more than finding the page); the result then says `totalCapped`. Absent: exact.
     */
    args: { from?: number; to?: number; query?: string; limit: number; offset: number; countLimit?: number };
    result: { calls: CallSummary[]; total: number; totalCapped?: boolean };
  };
  detail: {
    args: { callId: string };
    result: { call: CallSummary; timeline: TimelineEntry[]; note: NoteView | null } | null;
  };
  drafts: { args: { limit: number }; result: NoteDraft[] };
  exportRows: { args: { from: number; to: number }; result: ExportRow[] };
  /** Undelivered outbox items due at `now`; freezes each item's payload at its first attempt. */
  outboxDue: { args: { now: number; limit: number }; result: OutboxItem[] };
  outboxResult: {
    args: { id: number; at: number; delivered: boolean; error?: string; nextAttemptAt?: number };
    result: void;
  };
  outboxStats: { args: Record<string, never>; result: { pending: number; nextAttemptAt?: number; lastError?: string } };
  /** Diagnostics and tests: cap the database at this many pages (SQLite then answers SQLITE_FULL), or lift the cap. */
  setPageLimit: { args: { pages: number | null }; result: void };
  info: { args: Record<string, never>; result: StoreInfo };
}

export type StoreMethod = keyof StoreApi;
export type StoreArgs<M extends StoreMethod> = StoreApi[M]['args'];
export type StoreResult<M extends StoreMethod> = StoreApi[M]['result'];
/** What implements the API synchronously (the worker side, the CLI). */
export type StoreHandlers = { [M in StoreMethod]: (args: StoreArgs<M>) => StoreResult<M> };

export const storeMethods = [
  'callStarted',
  'callState',
  'acw',
  'addTimeline',
  'quality',
  'saveNote',
  'getNote',
  'finishNote',
  'history',
  'detail',
  'drafts',
  'exportRows',
  'outboxDue',
  'outboxResult',
  'outboxStats',
  'setPageLimit',
  'info',
] as const satisfies readonly StoreMethod[];
// Every method of StoreApi is listed above (compile-time check).
type Missing = Exclude<StoreMethod, (typeof storeMethods)[number]>;
const everyMethodListed: Missing extends never ? true : never = true;
void everyMethodListed;
export const isStoreMethod = (m: unknown): m is StoreMethod =>
  typeof m === 'string' && (storeMethods as readonly string[]).includes(m);

export interface StoreInfo {
  file: string;
  version: number;
  walMode: boolean;
  recoveredFrom?: RecoveredFrom;
  /**
   * quick_check runs in the background (see StoreEvent): the last session did not close the file, or the file changed
   * since our last clean close, or its last passed check is a week old.
   */
  checking?: boolean;
  /** Notes saved but not yet in the full-text index (indexed when the store is idle, and before a search). */
  unindexedNotes?: number;
}

/** A database this session set aside: where it went, why, and what was copied into the fresh one. */
export interface RecoveredFrom {
  movedTo: string;
  /** For IT and the log (never note text). */
  reason: string;
  /** `emptied`: zero bytes where a database existed; `damaged`: anything else SQLite or the checks refused. */
  cause: 'emptied' | 'damaged';
  /** Notes copied from the old file into the fresh one. */
  notesRecovered: number;
  /** Calls (with their timelines) copied likewise. */
  callsRecovered: number;
}

export interface ExportRow extends CallSummary {
  endReason: string | null;
  templateId: string | null;
  fields: Record<string, string>;
  text: string;
  noteStatus: 'draft' | 'final' | null;
  finishedAt: number | null;
}

export interface OutboxItem {
  id: number;
  key: string;
  callId: string;
  attempts: number;
  payload: string;
}

/** Errors as they cross the worker boundary: a code the core acts on, and a message for the log. */
export const storeErrorCodes = [
  'disk-full',
  'corrupt',
  'newer-version',
  'io',
  'busy',
  'read-only',
  'no-such-call',
  'not-editable',
  'bad-request',
  'worker-exited',
  'internal',
] as const;
export type StoreErrorCode = (typeof storeErrorCodes)[number];

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    readonly details?: Record<string, string | number>,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

/** Wire messages between the client and the worker. */
export type StoreRequest = { id: number; method: StoreMethod; args: unknown };
export type StoreReply =
  | { id: number; ok: true; value: unknown }
  | {
      id: number;
      ok: false;
      error: { code: StoreErrorCode; message: string; details?: Record<string, string | number> };
    };
/**
 * What the worker tells unasked: the background quick_check after an unclean shutdown passed, or found the file
 * corrupt — then it was moved aside (what could be read of this session's calls and of every draft copied into the
 * fresh file) and `info` says where it went. `closed`: the answer to a close, once the file is closed.
 */
export type StoreEvent = { event: 'check-passed' } | { event: 'recovered'; info: StoreInfo } | { event: 'closed' };

export type StoreHello =
  | { hello: 'ready'; info: StoreInfo }
  | { hello: 'failed'; error: { code: StoreErrorCode; message: string; details?: Record<string, string | number> } };
