/**
 * A simplified ITU-T G.107 E-model: R = R0 − Is − Id − Ie,eff + A, mapped to MOS. We only know what getStats
 * tells us (jitter, loss, round-trip time), so the codec impairment uses G.711-like defaults (Ie = 0, Bpl = 25.1)
 * and jitter is folded into the one-way delay as a de-jitter buffer of twice the jitter. Good enough to rank
 * calls and to warn; not a certified measurement.
 */
export function estimateMos(s: { jitterMs: number; lossPct: number; rttMs: number }): number {
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, Number.isFinite(v) ? v : lo));
  const delay = clamp(s.rttMs, 0, 5000) / 2 + 2 * clamp(s.jitterMs, 0, 1000) + 10;
  const id = 0.024 * delay + (delay > 177.3 ? 0.11 * (delay - 177.3) : 0);
  const ppl = clamp(s.lossPct, 0, 100);
  const ieEff = 0 + (95 - 0) * (ppl / (ppl + 25.1));
  const r = 93.2 - id - ieEff;
  if (r <= 0) return 1;
  if (r >= 100) return 4.5;
  const mos = 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6;
  return Math.round(clamp(mos, 1, 4.5) * 100) / 100;
}
