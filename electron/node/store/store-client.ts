import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Emitter } from '@common/emitter';
import {
  StoreError,
  type StoreArgs,
  type StoreEvent,
  type StoreHello,
  type StoreInfo,
  type StoreMethod,
  type StoreReply,
  type StoreResult,
} from './store-api';
import type { StoreWorkerData } from './store-worker';

/**
 * Where the worker's bundled script is: beside the code that is running, never anywhere the command line or the
 * working directory points (a `store-worker.mjs` planted there would run inside the app, around the asar-integrity
 * fuses). The running code is the ESM bundle in dist/node (the browser host, the CLI, or a child bundle that ships
 * its worker beside it), the Electron bundle in dist/electron (worker in ../node, unpacked beside app.asar), or this
 * source file under the tests (the built dist/node of the same checkout). Tests may pass the URL of a bundle they
 * build themselves.
 */
export function defaultStoreWorkerUrl(): URL {
  const candidates = storeWorkerCandidates(runningCodeDir());
  const found = candidates.find((c) => existsSync(c));
  if (!found)
    throw new StoreError(
      'internal',
      `the store worker bundle was not found (looked at ${candidates.join(', ')}); run the build`,
    );
  return pathToFileURL(found);
}

/** The places, in order, a worker may be loaded from when the running code lives in `here`. */
export function storeWorkerCandidates(here: string): string[] {
  const candidates = [path.join(here, 'store-worker.mjs'), path.join(here, '..', 'node', 'store-worker.mjs')];
  const source = path.join('electron', 'node', 'store');
  if (here.endsWith(path.sep + source))
    candidates.push(path.join(here, '..', '..', '..', 'dist', 'node', 'store-worker.mjs'));
  return [...new Set(unpackedFirst(candidates))];
}

/**
 * The folder of the file this function was bundled into. `__dirname` in the CommonJS bundle (and under the tests);
 * the ESM bundle has none and `import.meta` would leave the CommonJS bundle empty-handed, so there V8's own call
 * site names the file.
 */
function runningCodeDir(): string {
  if (typeof __dirname === 'string') return __dirname;
  const previous = Error.prepareStackTrace;
  let file: string | undefined;
  try {
    Error.prepareStackTrace = (_e, sites) => sites;
    const sites = new Error().stack as unknown as NodeJS.CallSite[];
    file = sites[0]?.getFileName() ?? undefined;
  } finally {
    Error.prepareStackTrace = previous;
  }
  if (!file) throw new StoreError('internal', 'cannot tell where the running code is, to find the store worker');
  return path.dirname(file.startsWith('file:') ? fileURLToPath(file) : file);
}

/** Packaged Electron: the worker is unpacked beside the asar archive (a worker thread cannot run from inside it). */
export function unpackedFirst(candidates: readonly string[]): string[] {
  const unpacked = (c: string) => c.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
  return candidates.flatMap((c) => (unpacked(c) === c ? [c] : [unpacked(c), c]));
}

export interface StoreClientOptions extends StoreWorkerData {
  workerUrl?: URL;
}

type Pending = { resolve: (v: unknown) => void; reject: (e: StoreError) => void };

/** The core's handle on the store: every method of StoreApi as an async call into the worker thread. */
export class StoreClient {
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  private exited: StoreError | undefined;
  private closing = false;
  private readonly exitEmitter = new Emitter<StoreError>();
  private readonly eventEmitter = new Emitter<StoreEvent>();
  private currentInfo: StoreInfo;
  private closedAck: (() => void) | undefined;

  private constructor(
    private readonly worker: Worker,
    info: StoreInfo,
  ) {
    this.currentInfo = info;
    worker.on('message', (m: StoreReply | StoreEvent) => {
      if ('event' in m) {
        if (m.event === 'closed') {
          this.closedAck?.();
          return;
        }
        if (m.event === 'recovered') this.currentInfo = m.info;
        else this.currentInfo = { ...this.currentInfo, checking: false };
        this.eventEmitter.emit(m);
        return;
      }
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.value);
      else p.reject(new StoreError(m.error.code, m.error.message, m.error.details));
    });
    const fail = (why: string) => {
      const first = !this.exited;
      this.exited ??= new StoreError('worker-exited', why);
      for (const p of this.pending.values()) p.reject(this.exited);
      this.pending.clear();
      if (first && !this.closing) this.exitEmitter.emit(this.exited);
    };
    worker.on('error', (e) => fail(`store worker failed: ${e.message}`));
    worker.on('exit', (code) => fail(`store worker exited (${code})`));
  }

  /** The file's story: version, whether a corrupt file was moved aside (at open or later), a check under way. */
  get info(): StoreInfo {
    return this.currentInfo;
  }

  /** The background check after an unclean shutdown passed, or the file was found corrupt and moved aside. */
  readonly onEvent = this.eventEmitter.on;

  /** Starts the worker and opens the database; rejects with the StoreError the worker met (newer-version, …). */
  static open(o: StoreClientOptions): Promise<StoreClient> {
    const url = o.workerUrl ?? defaultStoreWorkerUrl();
    const worker = new Worker(url, {
      workerData: {
        file: o.file,
        options: o.options,
        self: url.href,
        ...(o.checkGate ? { checkGate: o.checkGate } : {}),
      } satisfies StoreWorkerData,
    });
    return new Promise((resolve, reject) => {
      const onExit = (code: number) =>
        reject(new StoreError('worker-exited', `store worker exited while opening (${code})`));
      const onError = (e: Error) => reject(new StoreError('internal', `store worker failed to start: ${e.message}`));
      worker.once('exit', onExit);
      worker.once('error', onError);
      worker.once('message', (hello: StoreHello) => {
        worker.off('exit', onExit);
        worker.off('error', onError);
        if (hello.hello === 'ready') {
          resolve(new StoreClient(worker, hello.info));
          return;
        }
        void worker.terminate();
        reject(new StoreError(hello.error.code, hello.error.message, hello.error.details));
      });
    });
  }

  call<M extends StoreMethod>(method: M, args: StoreArgs<M>): Promise<StoreResult<M>> {
    if (this.exited) return Promise.reject(this.exited);
    const id = ++this.seq;
    return new Promise<StoreResult<M>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, method, args });
    });
  }

  /**
   * The worker ended without `close()` (it crashed, ran out of memory, was terminated): every call from then on
   * rejects with `worker-exited`; whoever owns the client opens a new one on the same file.
   */
  readonly onExit = this.exitEmitter.on;

  /** Ends the worker thread at once, as a crash would (tests of the recovery; the listeners of `onExit` hear it). */
  async terminate(): Promise<void> {
    await this.worker.terminate();
  }

  /** Closes the database (checkpointing the WAL) and ends the worker. */
  async close(): Promise<void> {
    if (this.exited) return;
    this.closing = true;
    // Done once the worker says the file is closed (its thread may linger behind a check that cannot be
    // interrupted; it no longer holds the app) or once it has ended.
    const done = new Promise<void>((r) => {
      this.closedAck = r;
      this.worker.once('exit', () => r());
    });
    this.worker.postMessage('close');
    const timer = setTimeout(() => void this.worker.terminate(), 5000);
    await done;
    clearTimeout(timer);
    this.worker.unref();
  }
}
