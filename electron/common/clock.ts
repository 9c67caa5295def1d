/**
 * Time as the core sees it: injected everywhere a service waits or stamps, so tests drive it by hand
 * (`test/support/fake-clock.ts`) and no service reads `Date.now()` or arms a timer behind the test's back.
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

// Timers exist in every runtime this file serves (Node, the renderer), but `common` compiles without either's types.
const timers = globalThis as unknown as {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => timers.setTimeout(fn, ms),
  clearTimeout: (h) => timers.clearTimeout(h),
};
