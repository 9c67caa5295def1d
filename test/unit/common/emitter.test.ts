import { describe, expect, it } from 'vitest';
import { Emitter } from '@common/emitter';
import { ignorePromise } from '@common/ignore-promise';

describe('Emitter', () => {
  it('delivers to every listener in subscription order and stops after unsubscribe', () => {
    const e = new Emitter<number>();
    const seen: string[] = [];
    const offA = e.on((v) => seen.push(`a${v}`));
    e.on((v) => seen.push(`b${v}`));
    e.emit(1);
    offA();
    offA();
    e.emit(2);
    expect(seen).toEqual(['a1', 'b1', 'b2']);
    expect(e.size).toBe(1);
  });

  it('keeps one entry per subscription of the same function', () => {
    const e = new Emitter<string>();
    const seen: string[] = [];
    const fn = (v: string) => seen.push(v);
    const off1 = e.on(fn);
    e.on(fn);
    e.emit('x');
    off1();
    e.emit('y');
    expect(seen).toEqual(['x', 'x', 'y']);
  });

  it('runs the other listeners when one throws, then rethrows the first error', () => {
    const e = new Emitter<void>();
    const seen: string[] = [];
    e.on(() => {
      throw new Error('first');
    });
    e.on(() => {
      seen.push('second ran');
    });
    e.on(() => {
      throw new Error('third');
    });
    expect(() => e.emit()).toThrow('first');
    expect(seen).toEqual(['second ran']);
  });

  it('a listener added during emit waits for the next emit', () => {
    const e = new Emitter<number>();
    const seen: number[] = [];
    e.on(() => {
      e.on((v) => seen.push(v));
    });
    e.emit(1);
    e.emit(2);
    expect(seen).toEqual([2]);
  });
});

describe('ignorePromise', () => {
  it('consumes a rejection and reports it to the optional handler', async () => {
    const errors: unknown[] = [];
    ignorePromise(Promise.reject(new Error('gone')), (err) => errors.push((err as Error).message));
    ignorePromise(Promise.reject(new Error('unreported')));
    ignorePromise(undefined);
    await new Promise((r) => setTimeout(r, 0));
    expect(errors).toEqual(['gone']);
  });
});
