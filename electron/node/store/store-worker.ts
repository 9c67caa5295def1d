import { parentPort, workerData } from 'node:worker_threads';
import { classifyError, openStore, type OpenOptions, type Store } from './database';
import { isStoreMethod, type StoreHello, type StoreReply, type StoreRequest } from './store-api';

/**
 * The store's worker thread: owns the one better-sqlite3 connection, so the core's event loop never waits on the
 * disk. Requests are answered in arrival order; errors travel back as codes (store-api.ts).
 */
export interface StoreWorkerData {
  file: string;
  options?: Omit<OpenOptions, 'now'>;
}

const port = parentPort;
if (port) {
  const data = workerData as StoreWorkerData;
  let store: Store | undefined;
  try {
    store = openStore(data.file, data.options);
    port.postMessage({ hello: 'ready', info: store.info({}) } satisfies StoreHello);
  } catch (err) {
    const e = classifyError(err);
    port.postMessage({
      hello: 'failed',
      error: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) },
    } satisfies StoreHello);
  }
  port.on('message', (req: StoreRequest | 'close') => {
    if (req === 'close') {
      store?.close();
      port.close();
      return;
    }
    let reply: StoreReply;
    try {
      if (!store) throw classifyError(new Error('the store is not open'));
      if (!isStoreMethod(req.method)) throw new Error(`unknown store method ${String(req.method)}`);
      const fn = store[req.method] as (a: unknown) => unknown;
      reply = { id: req.id, ok: true, value: fn(req.args) };
    } catch (err) {
      const e = classifyError(err);
      reply = {
        id: req.id,
        ok: false,
        error: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) },
      };
    }
    port.postMessage(reply);
  });
}
