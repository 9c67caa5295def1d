import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  contentSecurityPolicy,
  isAllowedPermission,
  isTrustedSender,
  rendererOrigin,
} from '../../../electron/main/security';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const read = (p: string) => readFileSync(path.join(root, p), 'utf8');

// The Electron binary cannot run here, so the shell's security settings are checked where they are decided:
// its pure policy functions and the literal webPreferences in its source.
describe('Electron shell security', () => {
  it('accepts IPC only from its own top-level page', () => {
    expect(isTrustedSender(`${rendererOrigin}/index.html`)).toBe(true);
    expect(isTrustedSender('https://evil.example/')).toBe(false);
    expect(isTrustedSender('file:///etc/passwd')).toBe(false);
    expect(isTrustedSender(undefined)).toBe(false);
    expect(isTrustedSender('not a url')).toBe(false);
  });

  it('grants the microphone and nothing else', () => {
    expect(isAllowedPermission('media', `${rendererOrigin}/`, ['audio'])).toBe(true);
    expect(isAllowedPermission('media', `${rendererOrigin}/`, ['audio', 'video'])).toBe(false);
    expect(isAllowedPermission('media', `${rendererOrigin}/`, ['video'])).toBe(false);
    for (const p of ['geolocation', 'notifications', 'clipboard-read', 'hid', 'usb', 'openExternal']) {
      expect(isAllowedPermission(p, `${rendererOrigin}/`)).toBe(false);
    }
    expect(isAllowedPermission('media', 'https://evil.example/', ['audio'])).toBe(false);
  });

  it('sends a CSP without inline or remote script', () => {
    expect(contentSecurityPolicy).toContain("script-src 'self'");
    expect(contentSecurityPolicy).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    expect(contentSecurityPolicy).toContain("object-src 'none'");
  });

  it('opens windows isolated and sandboxed, without Node', () => {
    const main = read('electron/main/main.ts');
    expect(main).toMatch(/contextIsolation: true/);
    expect(main).toMatch(/sandbox: true/);
    expect(main).toMatch(/nodeIntegration: false/);
    expect(main).toMatch(/app\.enableSandbox\(\)/);
    expect(main).not.toMatch(/nodeIntegration: true|contextIsolation: false|webSecurity: false/);
    // Every window the page asks for is denied; an https CRM link goes to the system browser instead.
    const handler = /setWindowOpenHandler\(\(\{ url \}\) => \{([\s\S]*?)\n {2}\}\);/.exec(main)?.[1] ?? '';
    expect(handler).toMatch(/externalLinkToOpen\(url, contents\.getURL\(\)\)/);
    expect(handler).toMatch(/shell\.openExternal\(external\)/);
    expect(handler.trim().endsWith("return { action: 'deny' };")).toBe(true);
    expect(main).not.toMatch(/action: 'allow'/);
    expect(main.match(/openExternal\(/g)).toHaveLength(1);
  });

  it('never exposes ipcRenderer itself through the context bridge', () => {
    const preload = read('electron/preload/preload.ts');
    const exposed = /exposeInMainWorld\(([^)]*)\)/.exec(preload)?.[1] ?? '';
    expect(exposed).not.toMatch(/ipcRenderer/);
    expect(preload).not.toMatch(/ipcRenderer\.send\s*[,)]|:\s*ipcRenderer\b/);
  });
  // The builder configuration (fuses, per-machine installers, unpacked native addons) is checked in
  // test/unit/build/electron-builder-config.test.ts.
});
