import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScreenPopField } from '../../../electron/common/contract/screen-pop';
import { en } from '../../../renderer/src/i18n/en';
import { esES } from '../../../renderer/src/i18n/es-ES';
import { esMX } from '../../../renderer/src/i18n/es-MX';
import { fakeSettingsCore } from '../../support/fake-bridge';
import { click, mountApp, typeInto, type UiLanguage } from '../../support/render-ui';
import { callSummary, callView, callsSnapshot } from '../../support/views';

afterEach(() => {
  document.body.innerHTML = '';
});

const account: ScreenPopField = {
  header: 'X-Account-Id',
  label: { en: 'Account', 'es-MX': 'Número de cuenta', 'es-ES': 'Cuenta' },
  value: '4815 1623',
  link: 'https://crm.example/cases?account=4815%201623',
};
const ringing = (...screenPop: ScreenPopField[]) =>
  callsSnapshot(callView('c1', { state: 'ringing', remote: { name: 'Ana', number: '2002' }, screenPop }));

async function customerColumn(language: UiLanguage, ...fields: ScreenPopField[]) {
  const app = await mountApp({ language });
  await act(async () => app.bridge.emit('calls', ringing(...fields)));
  const entries = [...app.q('customer')!.querySelectorAll('[data-testid=screen-pop] [data-header]')];
  return { ...app, entries };
}

describe('customer column', () => {
  it.each([
    ['en', 'Account', en],
    ['es-MX', 'Número de cuenta', esMX],
    ['es-ES', 'Cuenta', esES],
  ] as const)(
    '%s: the team label, the value and a link to the CRM named by label and value',
    async (lang, label, m) => {
      const { entries } = await customerColumn(lang, account);
      expect(entries).toHaveLength(1);
      expect(entries[0]!.getAttribute('data-header')).toBe('X-Account-Id');
      expect(entries[0]!.querySelector('dt')?.textContent).toBe(label);
      const a = entries[0]!.querySelector<HTMLAnchorElement>('dd a[data-testid=screen-pop-link]')!;
      expect(a.textContent).toBe('4815 1623');
      expect(a.getAttribute('href')).toBe('https://crm.example/cases?account=4815%201623');
      expect(a.getAttribute('target')).toBe('_blank');
      expect(a.getAttribute('rel')?.split(' ').sort()).toEqual(['noopener', 'noreferrer']);
      expect(a.getAttribute('aria-label')).toBe(
        m['customer.openLink'].replace('{{label}}', label).replace('{{value}}', '4815 1623'),
      );
      // Reachable by keyboard: a real link with an href takes the focus.
      a.focus();
      expect(document.activeElement).toBe(a);
      expect(a.querySelector('svg')?.getAttribute('aria-hidden')).toBe('true');
    },
  );

  it('falls back to English, then to the header name; a field without a link is plain text as before', async () => {
    const { entries } = await customerColumn(
      'es-ES',
      { header: 'X-Queue', label: { en: 'Queue' }, value: 'billing' },
      { header: 'X-IVR-Path', value: '1>2>3' },
    );
    expect(entries.map((e) => e.querySelector('dt')?.textContent)).toEqual(['Queue', 'X-IVR-Path']);
    expect(entries.map((e) => [e.querySelector('dd')?.textContent, e.querySelector('dd')?.children.length])).toEqual([
      ['billing', 0],
      ['1>2>3', 0],
    ]);
  });

  it('hostile values stay text; a link that is not https is never made clickable', async () => {
    const { entries, el } = await customerColumn(
      'en',
      { ...account, value: '<img src=x onerror=alert(1)>', link: 'https://crm.example/?a=%3Cimg' },
      { header: 'X-Bad', value: 'x', link: 'javascript:alert(1)' },
      { header: 'X-Empty', value: '', link: 'https://crm.example/?a=' },
    );
    expect(el.querySelector('img')).toBeNull();
    expect(entries[0]!.querySelector('a')?.textContent).toBe('<img src=x onerror=alert(1)>');
    expect(entries[1]!.querySelector('a')).toBeNull();
    expect(entries[1]!.querySelector('dd')?.textContent).toBe('x');
    expect(entries[2]!.querySelector('a')).toBeNull();
    expect([...el.querySelectorAll('a')].every((a) => a.href.startsWith('https:') || !a.closest('.screen-pop'))).toBe(
      true,
    );
  });
});

describe('history detail', () => {
  it('shows the customer data the call rang with, under the labels it had, in the UI language', async () => {
    const call = callSummary('k1', {
      remoteNumber: '2002',
      screenPop: [
        { header: 'X-Account-Id', label: { en: 'Account', 'es-MX': 'Cuenta' }, value: '4815-1623' },
        { header: 'X-IVR-Path', value: 'facturación>2' },
      ],
    });
    const { q, el } = await mountApp({
      language: 'es-MX',
      handlers: {
        'notes.history': async () => ({ calls: [call], total: 1 }),
        'notes.detail': async () => ({ call, timeline: [], note: null, editable: false }),
      },
    });
    await click(q('view-history'));
    await click(q('history-search'));
    await click(q('history-open'));
    const pop = q('history-screen-pop')!;
    expect(pop.tagName).toBe('DL');
    expect(el.querySelector(`#${CSS.escape(pop.getAttribute('aria-labelledby')!)}`)?.textContent).toBe(
      esMX['history.screenPop'],
    );
    expect(
      [...pop.querySelectorAll('[data-header]')].map((e) => [
        e.getAttribute('data-header'),
        e.querySelector('dt')?.textContent,
        e.querySelector('dd')?.textContent,
      ]),
    ).toEqual([
      ['X-Account-Id', 'Cuenta', '4815-1623'],
      ['X-IVR-Path', 'X-IVR-Path', 'facturación>2'],
    ]);
  });

  it('a call that rang without customer data shows no such section', async () => {
    const call = callSummary('k2');
    const { q } = await mountApp({
      handlers: {
        'notes.history': async () => ({ calls: [call], total: 1 }),
        'notes.detail': async () => ({ call, timeline: [], note: null, editable: false }),
      },
    });
    await click(q('view-history'));
    await click(q('history-search'));
    await click(q('history-open'));
    expect(q('history-detail')).not.toBeNull();
    expect(q('history-screen-pop')).toBeNull();
  });
});

describe('the calls.screenPop setting', () => {
  it.each([
    ['en', en],
    ['es-MX', esMX],
    ['es-ES', esES],
  ] as const)('%s: says which rule a CRM link breaks, keeps what was typed, and saves a good one', async (lang, m) => {
    const core = fakeSettingsCore({ policy: { 'account.server': 'wss://sip.example:7443', 'account.user': '1001' } });
    const app = await mountApp({ language: lang, handlers: core.handlers });
    core.attach(app.bridge);
    await click(app.q('view-settings'));
    const field = app.q('setting-field-calls.screenPop') as HTMLTextAreaElement;
    const error = () => app.q('setting-error-calls.screenPop')?.textContent ?? null;
    const entry = (link: string) => JSON.stringify([{ header: 'X-Account-Id', label: { en: 'Account' }, link }]);
    const cases: Array<[string, string]> = [
      [entry('http://crm.example/?a={value}'), m['settings.error.screen-pop-not-https']],
      [entry('javascript:alert({value})'), m['settings.error.screen-pop-not-https']],
      [entry('https://crm.example/cases'), m['settings.error.screen-pop-no-value']],
      [entry('https://{value}.crm.example/'), m['settings.error.screen-pop-value-in-host']],
      [entry('https://user@crm.example/?a={value}'), m['settings.error.screen-pop-invalid']],
      [JSON.stringify([{ header: 'X-A' }, { header: 'x-a' }]), m['settings.error.screen-pop-duplicate-header']],
    ];
    for (const [input, message] of cases) {
      await typeInto(field, input);
      expect(error(), input).toBe(message);
      expect(field.value).toBe(input);
    }
    const good = entry('https://crm.example/cases?account={value}');
    await typeInto(field, good);
    expect(error()).toBeNull();
    await click(app.q('setting-save-calls.screenPop'));
    expect(core.layers.user?.['calls.screenPop']).toEqual(JSON.parse(good));
    await app.unmount();
  });
});
