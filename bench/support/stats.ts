/** Nearest-rank percentile of samples already sorted ascending. */
const rankOf = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;

/** Percentiles by nearest rank over a copy of the samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  return rankOf(Float64Array.from(samples).sort() as unknown as number[], p);
}

export interface Summary {
  n: number;
  median: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
}
/** One sort for every figure; works for millions of samples (no spreading into Math.min/max). */
export function summarise(samples: readonly number[]): Summary {
  if (samples.length === 0) return { n: 0, median: NaN, p95: NaN, p99: NaN, min: NaN, max: NaN };
  const sorted = Float64Array.from(samples).sort() as unknown as number[];
  return {
    n: samples.length,
    median: rankOf(sorted, 50),
    p95: rankOf(sorted, 95),
    p99: rankOf(sorted, 99),
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
  };
}

export function formatRow(label: string, s: Summary, unit: string, digits = 2): string {
  const f = (v: number) => v.toFixed(digits).padStart(10);
  return `${label.padEnd(34)} n=${String(s.n).padStart(6)}  median${f(s.median)}  p95${f(s.p95)}  p99${f(s.p99)}  max${f(s.max)} ${unit}`;
}
