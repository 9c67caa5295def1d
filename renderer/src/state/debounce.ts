/** Timers as the debouncer sees them (the window's, or fake ones in tests). */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}
export const windowTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

export interface Debouncer {
  /** Something changed: run after `waitMs` of quiet, and never later than `maxWaitMs` after the first change. */
  schedule(): void;
  /** Run now if a run is pending (leaving the screen, finishing the note). */
  flush(): void;
  cancel(): void;
  pending(): boolean;
}

/**
 * A trailing debouncer with a ceiling: typing without pause still runs it every `maxWaitMs`, so no more than
 * that much typing is ever only in memory.
 */
export function createDebouncer(run: () => void, o: { waitMs: number; maxWaitMs: number; timers?: Timers }): Debouncer {
  const timers = o.timers ?? windowTimers;
  let handle: unknown;
  let firstAt: number | undefined;
  const fire = () => {
    handle = undefined;
    firstAt = undefined;
    run();
  };
  return {
    schedule() {
      const now = timers.now();
      if (firstAt === undefined) firstAt = now;
      if (handle !== undefined) timers.clearTimeout(handle);
      const delay = Math.max(0, Math.min(o.waitMs, firstAt + o.maxWaitMs - now));
      handle = timers.setTimeout(fire, delay);
    },
    flush() {
      if (handle === undefined) return;
      timers.clearTimeout(handle);
      fire();
    },
    cancel() {
      if (handle !== undefined) timers.clearTimeout(handle);
      handle = undefined;
      firstAt = undefined;
    },
    pending: () => handle !== undefined,
  };
}
