/** Percentiles by nearest rank over a copy of the samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export interface Summary { n: number; median: number; p95: number; p99: number; min: number; max: number }
export function summarise(samples: readonly number[]): Summary {
  return {
    n: samples.length, median: percentile(samples, 50), p95: percentile(samples, 95), p99: percentile(samples, 99),
    min: Math.min(...samples), max: Math.max(...samples),
  };
}

export function formatRow(label: string, s: Summary, unit: string, digits = 2): string {
  const f = (v: number) => v.toFixed(digits).padStart(10);
  return `${label.padEnd(34)} n=${String(s.n).padStart(6)}  median${f(s.median)}  p95${f(s.p95)}  p99${f(s.p99)}  max${f(s.max)} ${unit}`;
}
