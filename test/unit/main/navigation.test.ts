import { describe, expect, it } from 'vitest';
import { isAllowedNavigation, isTrustedSender, rendererOrigin } from '../../../electron/main/security';

// The window's navigation guard (`will-navigate`) and the IPC sender check share one parsed-origin comparison.
describe('navigation guard', () => {
  it.each([
    `${rendererOrigin}/`,
    `${rendererOrigin}/index.html`,
    `${rendererOrigin}/?view=mini-bar`,
    `${rendererOrigin}/#anything`,
    'APP://DIADEMA/',
    'app://Diadema/index.html',
  ])('allows its own origin: %s', (url) => {
    expect(isAllowedNavigation(url)).toBe(true);
    expect(isTrustedSender(url)).toBe(true);
  });

  it.each([
    'app://diadema.evil/',
    'app://diadema.evil.example/index.html',
    'app://diadema@evil/',
    'app://evil@diadema/',
    'app://diadema:secret@diadema/',
    'app://diadema:443/',
    'app://diadema:0/',
    'app://diadema./',
    'app://diadema%2eevil/',
    'app://diademaevil/',
    'app:diadema',
    'app:///diadema',
    'app://diadema\\evil',
    'apps://diadema/',
    'https://diadema/',
    'http://app//diadema',
    'file:///app://diadema',
    'javascript:alert(1)//app://diadema',
    'data:text/html,app://diadema',
    'about:blank',
    ' app://diadema.evil/',
    '',
    undefined,
  ])('refuses anything else: %s', (url) => {
    expect(isAllowedNavigation(url)).toBe(false);
    expect(isTrustedSender(url)).toBe(false);
  });

  it('the text prefix the guard used to check is not enough', () => {
    for (const url of ['app://diadema.evil/', 'app://diadema@evil/', 'app://diadema:443/']) {
      expect(url.startsWith(rendererOrigin)).toBe(true);
      expect(isAllowedNavigation(url)).toBe(false);
    }
  });
});
