import { describe, expect, it } from 'vitest';
import { externalLinkToOpen, rendererOrigin } from '../../../electron/main/security';

const page = `${rendererOrigin}/index.html`;

// What Electron main hands to the system browser when the page asks for a window (a CRM link in the customer
// column): decided again here, whatever the renderer checked.
describe('links opened in the system browser', () => {
  it('opens an https link our page asks for', () => {
    const url = 'https://crm.example/cases?account=4815%201623';
    expect(externalLinkToOpen(url, page)).toBe(url);
    expect(externalLinkToOpen('https://crm.example:8443/c/1#top', `${rendererOrigin}/`)).toBe(
      'https://crm.example:8443/c/1#top',
    );
  });

  it.each([
    'http://crm.example/cases?account=1',
    'javascript:alert(1)',
    'file:///etc/passwd',
    'data:text/html,<script>alert(1)</script>',
    'ms-settings:privacy',
    'smb://share/x',
    'app://diadema/index.html',
    'https://user:pw@crm.example/',
    'https://crm.example@evil.example/',
    'https:///evil.example/',
    'https:/evil.example/',
    'https://crm.example/a b',
    'https://crm.example/\u202egnp.exe',
    '',
    undefined,
  ])('opens nothing else: %s', (url) => {
    expect(externalLinkToOpen(url, page)).toBeUndefined();
  });

  it('opens nothing longer than a filled-in template can be', () => {
    expect(externalLinkToOpen(`https://crm.example/${'a'.repeat(9000)}`, page)).toBeUndefined();
  });

  it('opens nothing for a page that is not ours (a frame, a navigated window, the void)', () => {
    const url = 'https://crm.example/cases?account=1';
    for (const opener of ['https://evil.example/', 'app://diadema.evil/', 'about:blank', '', undefined]) {
      expect(externalLinkToOpen(url, opener)).toBeUndefined();
    }
  });
});
