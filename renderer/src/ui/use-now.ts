import { useEffect, useState } from 'react';

/**
 * The wall clock, re-read every second while `ticking`: for the clocks on screen (time in state, handle time).
 * Stopped when nothing on screen counts, so an idle window does not re-render every second. A new `from` (the
 * moment the clock counts from) re-reads it at once, so a fresh state never shows a second-old reading.
 */
export function useNow(ticking = true, from?: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!ticking) return undefined;
    setNow(Date.now());
    const h = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(h);
  }, [ticking, from]);
  return now;
}
