import os from 'node:os';

/**
 * Reports a network change (an interface or address appeared or went away) by polling the interface table.
 * Neither Node nor Electron emits a portable event for this; a poll every few seconds is cheap and catches VPN
 * connects, Wi-Fi roams and cable pulls alike. Both shells use it.
 */
export function watchNetwork(
  onChange: () => void,
  o: { intervalMs?: number; read?: () => ReturnType<typeof os.networkInterfaces> } = {},
): () => void {
  const read = o.read ?? os.networkInterfaces;
  const fingerprint = () =>
    Object.entries(read())
      .flatMap(([name, addrs]) =>
        (addrs ?? []).filter((a) => !a.internal).map((a) => `${name}/${a.family}/${a.address}`),
      )
      .sort()
      .join(',');
  let last = fingerprint();
  const timer = setInterval(() => {
    const now = fingerprint();
    if (now !== last) {
      last = now;
      onChange();
    }
  }, o.intervalMs ?? 3000);
  timer.unref?.();
  return () => clearInterval(timer);
}
