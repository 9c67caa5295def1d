/**
 * Exponential back-off with "equal jitter": half the delay is fixed, half random, so a floor of agents that lost
 * the server together does not come back in lock-step, yet nobody waits less than half the nominal delay.
 */
export interface BackoffOptions {
  baseMs: number;
  capMs: number;
  random: () => number;
}

export function backoffDelay(attempt: number, { baseMs, capMs, random }: BackoffOptions): number {
  const nominal = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(nominal / 2 + (nominal / 2) * random());
}
