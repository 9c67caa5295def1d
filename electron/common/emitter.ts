/**
 * One typed event source. A service keeps an `Emitter<T>` private, exposes `emitter.on` as its `onX` method and
 * calls `emit`. Every listener runs even when one throws; the first error is then rethrown to the emitting code,
 * as a plain loop over listeners would have done, so a broken listener is never silently lost.
 */
export type Listener<T> = (value: T) => void;
export type Unsubscribe = () => void;

export class Emitter<T> {
  private readonly listeners = new Set<{ fn: Listener<T> }>();

  /** Subscribe; the returned function unsubscribes (calling it twice is harmless). */
  readonly on = (fn: Listener<T>): Unsubscribe => {
    // Each subscription is its own entry, so one function subscribed twice is called twice and unsubscribed singly.
    const entry = { fn };
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  };

  emit(value: T): void {
    let failure: { err: unknown } | undefined;
    for (const entry of [...this.listeners]) {
      try {
        entry.fn(value);
      } catch (err) {
        failure ??= { err };
      }
    }
    if (failure) throw failure.err;
  }

  get size(): number {
    return this.listeners.size;
  }

  clear(): void {
    this.listeners.clear();
  }
}
