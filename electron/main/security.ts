// Pure checks of the Electron shell, kept apart from `electron` so tests can exercise them.
import { contentSecurityPolicy as policy } from '../node/security/content-security-policy';

export const rendererOrigin = 'app://diadema';

/** The Electron renderer talks to the core over IPC only: no network source beyond its own origin. */
export const contentSecurityPolicy = policy();

/** Only our own top-level page may call the contract; a frame or a page from anywhere else may not. */
export function isTrustedSender(frameUrl: string | undefined): boolean {
  if (!frameUrl) return false;
  // Compare scheme and host rather than `origin`: Node reports a null origin for non-special schemes.
  try {
    const u = new URL(frameUrl);
    return u.protocol === 'app:' && u.host === 'diadema' && !u.username && !u.password;
  } catch {
    return false;
  }
}

/** The only permission Diadema ever grants: the microphone, to its own page. Never the camera, never anything else. */
export function isAllowedPermission(
  permission: string,
  requestingUrl: string | undefined,
  mediaTypes?: ReadonlyArray<string>,
): boolean {
  if (!isTrustedSender(requestingUrl)) return false;
  if (permission !== 'media') return false;
  return !mediaTypes || (mediaTypes.length > 0 && mediaTypes.every((t) => t === 'audio'));
}
