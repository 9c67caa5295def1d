/**
 * A promise whose outcome nobody waits for, on purpose: a headset press that starts an answer, a reject sent to a
 * caller who may already be gone. Its rejection is consumed (optionally reported) instead of surfacing as an
 * unhandled rejection. The lint rule `no-floating-promises` accepts `void` only; use this to say *why* it is fine.
 */
export function ignorePromise(p: Promise<unknown> | undefined, onError?: (err: unknown) => void): void {
  void p?.then(undefined, (err: unknown) => {
    onError?.(err);
  });
}
