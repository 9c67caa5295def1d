/**
 * The renderer's Content-Security-Policy, the same for both shells: our own scripts and styles only, no inline
 * code, no eval, microphone streams and blobs as media, nothing may frame the page. The only difference between the
 * shells is where the contract travels: Electron IPC needs no network, the browser host's WebSocket is on loopback.
 */
export function contentSecurityPolicy(extraConnectSrc: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    ['connect-src', "'self'", ...extraConnectSrc].join(' '),
    "media-src 'self' blob: mediastream:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
