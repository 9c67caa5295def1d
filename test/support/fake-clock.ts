import type { Clock } from '@common/clock';

/** A manual clock: timers fire only when the test advances time. */
export class FakeClock implements Clock {
  private t = 0;
  private seq = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  now() {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number) {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  }
  clearTimeout(h: unknown) {
    this.timers.delete(h as number);
  }
  pending(): number[] {
    return [...this.timers.values()].map((x) => x.at - this.t).sort((a, b) => a - b);
  }
  /** Moves time on without reaching any pending timer (use fireNext to run one). */
  skip(ms: number): void {
    if (this.pending().some((d) => d <= ms)) throw new Error('skip would pass a pending timer');
    this.t += ms;
  }
  /** Advances to the next timer and runs it; returns the delay it waited. */
  async fireNext(): Promise<number> {
    const next = [...this.timers.entries()].sort((a, b) => a[1].at - b[1].at)[0];
    if (!next) throw new Error('no timer pending');
    this.timers.delete(next[0]);
    const waited = next[1].at - this.t;
    this.t = next[1].at;
    next[1].fn();
    await new Promise((r) => setImmediate(r));
    return waited;
  }
}
