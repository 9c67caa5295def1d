/**
 * One row of the R4 hostile-input table: what was thrown at one part of the product and what came of it. A crash
 * is a product process that ended without being asked to; an uncaught exception or unhandled rejection is one that
 * would have ended it (a child counts them instead of dying, so one run can count them all); a coded error is a
 * refusal the product gave the sender (a SIP 4xx, a contract error code) or a warning it logged with a reason.
 */
export interface HostileTally {
  kind: string;
  inputs: number;
  crashes: number;
  uncaught: number;
  coded: number;
  /** Whether the state that should survive did, and how it was checked: "yes (…)" or "NO (…)". */
  stateKept: string;
  /** What else was seen (refusals by code, counts worth a look). */
  notes: string[];
}

export function printTallies(rows: readonly HostileTally[]): void {
  const head = ['kind', 'inputs', 'crashes', 'uncaught/unhandled', 'coded errors', 'state kept'];
  const cells = rows.map((r) => [
    r.kind,
    String(r.inputs),
    String(r.crashes),
    String(r.uncaught),
    String(r.coded),
    r.stateKept,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]) =>
    `  ${c.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ')}`;
  console.log(line(head));
  for (const c of cells) console.log(line(c));
  for (const r of rows) for (const n of r.notes) console.log(`  ${r.kind}: ${n}`);
}

/** Counts by label, printed most frequent first ("400 ×12, 420 ×3"). */
export class Counter {
  private readonly counts = new Map<string, number>();
  add(label: string, n = 1): void {
    this.counts.set(label, (this.counts.get(label) ?? 0) + n);
  }
  get(label: string): number {
    return this.counts.get(label) ?? 0;
  }
  total(): number {
    let t = 0;
    for (const v of this.counts.values()) t += v;
    return t;
  }
  toString(): string {
    return (
      [...this.counts]
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k} ×${v}`)
        .join(', ') || 'none'
    );
  }
}
