import { promises as fs, watch as fsWatch, watchFile, unwatchFile, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { LayerValues } from '@common/settings/resolver';
import { quarantine } from '../fs-atomic';

/** A source of one settings layer (team profile, IT policy) that may be missing or damaged. */
export interface LayerSource {
  readonly name: string;
  read(): Promise<LayerRead>;
  /**
   * Calls `changed` when the layer may have changed (the caller then reads it again); returns the function that
   * stops watching. A source without it is read once.
   */
  watch?(changed: () => void): () => void;
}
export interface LayerRead {
  values: LayerValues;
  /** The whole layer could not be read: it counts as empty. */
  problem?: LayerProblem;
  /** Single values the source could not turn into setting values: each is left out, the rest still applies. */
  valueProblems?: ValueProblem[];
}
export interface LayerProblem {
  code: 'unreadable' | 'not-json' | 'not-an-object';
  detail: string;
  movedTo?: string;
}
export interface ValueProblem {
  key: string;
  detail: string;
}

/** How long a burst of file events (an editor's save, a configuration tool's replace) is left to settle. */
export const watchSettleMs = 200;

/**
 * Reads a JSON object from a file. A missing file is an empty layer. A damaged file is an empty layer plus a
 * problem the UI reports; it is moved aside only when `quarantineDamaged` (user-owned files), never for
 * IT-managed files such as /etc/diadema/policy.json, which the app must not touch. With `watch`, a change to the
 * file is reported so that it applies live.
 */
export function jsonFileLayer(
  name: string,
  file: string,
  opts: { quarantineDamaged: boolean; watch?: boolean },
): LayerSource {
  const moveAside = async () => (opts.quarantineDamaged ? await quarantine(file).catch(() => undefined) : undefined);
  const layer: LayerSource = {
    name,
    async read() {
      let text: string;
      try {
        text = await fs.readFile(file, 'utf8');
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return { values: {} };
        return { values: {}, problem: { code: 'unreadable', detail: `${file}: ${code ?? String(e)}` } };
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (e) {
        const movedTo = await moveAside();
        return {
          values: {},
          problem: { code: 'not-json', detail: `${file}: ${(e as Error).message}`, ...(movedTo ? { movedTo } : {}) },
        };
      }
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
        const movedTo = await moveAside();
        return { values: {}, problem: { code: 'not-an-object', detail: file, ...(movedTo ? { movedTo } : {}) } };
      }
      return { values: parsed as LayerValues };
    },
  };
  return opts.watch ? { ...layer, watch: (changed) => watchPath(file, changed) } : layer;
}

/**
 * Watches one file through its directory, so that a file replaced by rename (how tools write atomically) or
 * created later is seen; events are debounced. When the directory itself is missing (no /etc/diadema yet),
 * the file is polled instead until it appears. Watchers never keep the process alive.
 */
export function watchPath(file: string, changed: () => void, settleMs = watchSettleMs): () => void {
  let timer: NodeJS.Timeout | undefined;
  const settle = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      changed();
    }, settleMs);
    timer.unref();
  };
  const base = path.basename(file);
  let watcher: FSWatcher | undefined;
  let polling = false;
  try {
    watcher = fsWatch(path.dirname(file), { persistent: false }, (_event, name) => {
      // Some platforms do not name the file; then any change in the directory counts.
      if (name === null || name === base) settle();
    });
    // A directory removed while watched: nothing more will come from it; the next read finds the file gone.
    watcher.on('error', () => {
      settle();
    });
  } catch {
    polling = true;
    watchFile(file, { persistent: false, interval: 2000 }, settle);
  }
  return () => {
    if (timer) clearTimeout(timer);
    watcher?.close();
    if (polling) unwatchFile(file, settle);
  };
}
