// Pure checks of the Electron shell, kept apart from `electron` so tests can exercise them.
import { isHttpsLink } from '../common/contract/screen-pop';
import { contentSecurityPolicy as policy } from '../node/security/content-security-policy';

export const rendererOrigin = 'app://diadema';

/** The Electron renderer talks to the core over IPC only: no network source beyond its own origin. */
export const contentSecurityPolicy = policy();

/**
 * Whether a URL belongs to the renderer's own origin, parsed rather than compared as text: `app://diadema.evil`,
 * `app://diadema@evil` and `app://evil@diadema` are not ours. Scheme and host are compared rather than `origin`
 * (Node reports a null origin for non-special schemes); a port is refused, since `app:` has no default port, and
 * so is any userinfo. `app` is registered as a standard scheme, whose host is case-insensitive (Chromium lowercases
 * it), so `APP://DIADEMA` is the same origin.
 */
export function isRendererUrl(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const u = new URL(url);
    return u.protocol === 'app:' && u.host.toLowerCase() === 'diadema' && !u.username && !u.password;
  } catch {
    return false;
  }
}

/** Only our own top-level page may call the contract; a frame or a page from anywhere else may not. */
export function isTrustedSender(frameUrl: string | undefined): boolean {
  return isRendererUrl(frameUrl);
}

/** The window may only navigate within the renderer's own origin. */
export function isAllowedNavigation(url: string | undefined): boolean {
  return isRendererUrl(url);
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

/**
 * A window the page asks for is always denied; a CRM link from the customer column is handed to the system browser
 * instead — only when our own page asks, and only an https URL with a host and no credentials, checked here again
 * whatever the renderer did (the renderer is not trusted with what the OS opens). Returns the URL to open, or
 * undefined to open nothing.
 */
export function externalLinkToOpen(url: string | undefined, openerUrl: string | undefined): string | undefined {
  if (!isRendererUrl(openerUrl) || !isHttpsLink(url)) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && u.hostname !== '' && !u.username && !u.password ? u.href : undefined;
  } catch {
    return undefined;
  }
}
