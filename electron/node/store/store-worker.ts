import BetterSqlite3 from 'better-sqlite3';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { classifyError, moveAside, openStore, type OpenOptions, type Store } from './database';
import type { Salvage } from './salvage';
import {
  isStoreMethod,
  type RecoveredFrom,
  type StoreError,
  type StoreEvent,
  type StoreHello,
  type StoreReply,
  type StoreRequest,
} from './store-api';

/**
 * The store's worker thread: owns the one better-sqlite3 connection, so the core's event loop never waits on the
 * disk. Requests are answered in arrival order; errors travel back as codes (store-api.ts). After an unclean
 * shutdown, `PRAGMA quick_check` runs in a second thread of this same script on its own read-only connection, so
 * requests never wait for it; idle time goes to deferred full-text indexing and WAL checkpoints.
 */
export interface StoreWorkerData {
  file: string;
  options?: Omit<OpenOptions, 'now' | 'integrity' | 'recoveredFrom'>;
  /** This script's URL, so it can start its checking thread (StoreClient passes it). */
  self?: string;
  /** Tests: the check waits until element 0 of this becomes non-zero (proves saves do not wait for the check). */
  checkGate?: SharedArrayBuffer;
}
type CheckerData = { check: string; checkGate?: SharedArrayBuffer };
type CheckResult = { ok: true } | { ok: false; corrupt: boolean; reason: string };

/** No request for this long: the worker spends the time on housekeeping, a slice at a time. */
const IDLE_MS = 100;
/** Pending notes indexed per slice (a request arriving meanwhile waits at most one slice). */
const SLICE_NOTES = 100;
/** Under a steady stream of writes the WAL is still checkpointed every so many requests. */
const CHECKPOINT_EVERY = 500;

const port = parentPort;
const data = workerData as StoreWorkerData | CheckerData;
if (port && 'check' in data) runCheck(data);
else if (port) serve(data as StoreWorkerData);

function runCheck(d: CheckerData): void {
  if (d.checkGate) Atomics.wait(new Int32Array(d.checkGate), 0, 0);
  let result: CheckResult;
  try {
    const db = new BetterSqlite3(d.check, { readonly: true, fileMustExist: true });
    try {
      const r = db.pragma('quick_check', { simple: true });
      result = r === 'ok' ? { ok: true } : { ok: false, corrupt: true, reason: `quick_check: ${String(r)}` };
    } finally {
      db.close();
    }
  } catch (err) {
    // quick_check itself failing with a plain SQL error means a table it must read cannot be loaded (a zeroed
    // full-text config page answers "no such table" or "malformed"): as damaged as a page that fails the check.
    const e = classifyError(err);
    result = { ok: false, corrupt: e.code === 'corrupt' || e.code === 'internal', reason: e.message };
  }
  parentPort!.postMessage(result);
}

function serve(d: StoreWorkerData): void {
  const out = port!;
  const options: OpenOptions = { ...d.options, integrity: d.self ? 'after-unclean' : 'full' };
  let store: Store | undefined;
  let checker: Worker | undefined;
  let idleTimer: NodeJS.Timeout | undefined;
  let sinceCheckpoint = 0;
  const errorOf = (e: StoreError) => ({
    code: e.code,
    message: e.message,
    ...(e.details ? { details: e.details } : {}),
  });
  const info = () => ({ ...store!.info({}), ...(checker ? { checking: true } : {}) });

  /** The file is corrupt: copy out what can be read, move it aside, open a fresh one and tell the client. */
  const recover = (reason: string) => {
    const old = store!;
    stopChecker();
    let salvage: Salvage;
    try {
      salvage = old.salvage();
    } catch {
      salvage = { tables: [], gaps: 0 };
    }
    old.db.close(); // not old.close(): the marker stays, the fresh file is open from here on
    const movedTo = moveAside(d.file, Date.now());
    const recoveredFrom: RecoveredFrom = { movedTo, reason, cause: 'damaged', notesRecovered: 0, callsRecovered: 0 };
    store = openStore(d.file, { ...options, recoveredFrom });
    try {
      const restored = store.restore(salvage, movedTo);
      recoveredFrom.notesRecovered = restored.notes;
      recoveredFrom.callsRecovered = restored.calls;
    } catch {
      // Nothing could be copied: the old file is kept whole, and the notes service holds what the agent typed.
    }
    out.postMessage({ event: 'recovered', info: info() } satisfies StoreEvent);
  };

  const stopChecker = () => {
    const c = checker;
    checker = undefined;
    if (c) void c.terminate();
  };

  const startChecker = (self: string) => {
    const c = new Worker(new URL(self), {
      workerData: { check: d.file, ...(d.checkGate ? { checkGate: d.checkGate } : {}) } satisfies CheckerData,
    });
    checker = c;
    c.once('message', (r: CheckResult) => {
      if (checker !== c) return; // replaced or stopped meanwhile
      checker = undefined;
      void c.terminate();
      if (r.ok) {
        store?.checkPassed();
        out.postMessage({ event: 'check-passed' } satisfies StoreEvent);
      } else if (r.corrupt && d.options?.recoverCorrupt !== false && store) recover(r.reason);
      // Any other failure of the check: the marker stays and the next open checks again.
    });
    c.once('error', () => {
      if (checker === c) checker = undefined;
    });
  };

  const idle = () => {
    idleTimer = undefined;
    if (!store) return;
    try {
      if (store.housekeep(SLICE_NOTES)) {
        idleTimer = setTimeout(idle, 0); // more to index: requests that arrived go first
        return;
      }
      if (sinceCheckpoint > 0) {
        sinceCheckpoint = 0;
        store.checkpoint();
      }
    } catch {
      // Housekeeping is retried at the next idle moment; a real fault shows up on the next request.
    }
  };

  try {
    store = openStore(d.file, options);
    if (store.checkDue && d.self) startChecker(d.self);
    out.postMessage({ hello: 'ready', info: info() } satisfies StoreHello);
    idleTimer = setTimeout(idle, IDLE_MS);
  } catch (err) {
    out.postMessage({ hello: 'failed', error: errorOf(classifyError(err)) } satisfies StoreHello);
  }

  const run = (req: StoreRequest): unknown => {
    if (!store) throw classifyError(new Error('the store is not open'));
    if (!isStoreMethod(req.method)) throw new Error(`unknown store method ${String(req.method)}`);
    const fn = store[req.method] as (a: unknown) => unknown;
    return req.method === 'info' ? info() : fn(req.args);
  };

  out.on('message', (req: StoreRequest | 'close') => {
    if (req === 'close') {
      if (idleTimer) clearTimeout(idleTimer);
      stopChecker();
      store?.close();
      // The file is closed: the client need not wait for this thread to end (a quick_check under way in the
      // checking thread cannot be interrupted and may hold it for seconds on a large file).
      out.postMessage({ event: 'closed' } satisfies StoreEvent);
      out.close();
      return;
    }
    let reply: StoreReply;
    try {
      let value: unknown;
      try {
        value = run(req);
      } catch (err) {
        // A damaged page met by a request: the file is moved aside now (keeping what can be read) and the request
        // is run once more on the fresh file, so the save that found the damage is not lost.
        const e = classifyError(err);
        if (e.code !== 'corrupt' || d.options?.recoverCorrupt === false || !store) throw e;
        recover(e.message);
        value = run(req);
      }
      reply = { id: req.id, ok: true, value };
    } catch (err) {
      reply = { id: req.id, ok: false, error: errorOf(classifyError(err)) };
    }
    out.postMessage(reply);
    if (++sinceCheckpoint >= CHECKPOINT_EVERY) {
      sinceCheckpoint = 0;
      setImmediate(() => {
        try {
          store?.checkpoint();
        } catch {
          // retried at the next idle moment
        }
      });
    }
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = setTimeout(idle, IDLE_MS);
  });
}
