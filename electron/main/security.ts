// Pure checks of the Electron shell, kept apart from `electron` so tests can exercise them.
export const rendererOrigin = 'app://diadema';

export const contentSecurityPolicy = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
  "media-src 'self' blob: mediastream:", "object-src 'none'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join('; ');

/** Only our own top-level page may call the contract; a frame or a page from anywhere else may not. */
export function isTrustedSender(frameUrl: string | undefined): boolean {
  if (!frameUrl) return false;
  // Compare scheme and host rather than `origin`: Node reports a null origin for non-special schemes.
  try { const u = new URL(frameUrl); return u.protocol === 'app:' && u.host === 'diadema' && !u.username && !u.password; } catch { return false; }
}

/** The only permission Diadema ever grants: the microphone, to its own page. Never the camera, never anything else. */
export function isAllowedPermission(permission: string, requestingUrl: string | undefined, mediaTypes?: ReadonlyArray<string>): boolean {
  if (!isTrustedSender(requestingUrl)) return false;
  if (permission !== 'media') return false;
  return !mediaTypes || (mediaTypes.length > 0 && mediaTypes.every((t) => t === 'audio'));
}
