import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDebouncer } from '../../../renderer/src/state/debounce';

// The notes autosave debouncer (renderer/src/state/debounce.ts) with vitest's fake timers.
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('autosave debouncer', () => {
  it('runs once after a quiet spell', () => {
    const run = vi.fn();
    const d = createDebouncer(run, { waitMs: 200, maxWaitMs: 300 });
    d.schedule();
    vi.advanceTimersByTime(100);
    d.schedule();
    vi.advanceTimersByTime(199);
    expect(run).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(run).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1000);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('never leaves more than maxWait of continuous typing unsaved', () => {
    const runs: number[] = [];
    const d = createDebouncer(() => runs.push(Date.now()), { waitMs: 200, maxWaitMs: 300 });
    const start = Date.now();
    // A keystroke every 50 ms for 2 s: a plain debouncer would never run.
    for (let t = 0; t < 2000; t += 50) {
      d.schedule();
      vi.advanceTimersByTime(50);
    }
    vi.advanceTimersByTime(300);
    const gaps = runs.map((r, i) => r - (i === 0 ? start : runs[i - 1]!));
    expect(runs.length).toBeGreaterThanOrEqual(6);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(300);
  });

  it('flush runs a pending save at once, and only a pending one; cancel drops it', () => {
    const run = vi.fn();
    const d = createDebouncer(run, { waitMs: 200, maxWaitMs: 300 });
    d.flush();
    expect(run).not.toHaveBeenCalled();
    d.schedule();
    expect(d.pending()).toBe(true);
    d.flush();
    expect(run).toHaveBeenCalledTimes(1);
    expect(d.pending()).toBe(false);
    d.schedule();
    d.cancel();
    vi.advanceTimersByTime(1000);
    expect(run).toHaveBeenCalledTimes(1);
  });
});
