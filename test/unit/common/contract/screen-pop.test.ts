import { describe, expect, it } from 'vitest';
import {
  expandLink,
  isHttpsLink,
  linkTemplateProblem,
  screenPopField,
  screenPopLabelFor,
} from '../../../../electron/common/contract/screen-pop';
import { resolveSettings } from '../../../../electron/common/settings/resolver';
import { settingsSchema } from '../../../../electron/common/settings/schema';

const screenPop = settingsSchema['calls.screenPop'].schema;
const crm = 'https://crm.example/cases?account={value}';

describe('screen-pop link templates', () => {
  it.each([
    crm,
    'https://crm.example:8443/c/{value}/summary',
    'https://crm.example/#/case/{value}',
    'https://crm.example/a?x={value}&y={value}',
  ])('accepts an https template with {value} after the host: %s', (t) => {
    expect(linkTemplateProblem(t)).toBeUndefined();
    expect(screenPop.safeParse([{ header: 'X-Account-Id', link: t }]).success).toBe(true);
  });

  it.each([
    ['http://crm.example/cases?account={value}', 'not-https'],
    ['javascript:alert({value})', 'not-https'],
    ['file:///etc/passwd?{value}', 'not-https'],
    ['data:text/html,{value}', 'not-https'],
    ['HTTPS://crm.example/?a={value}', 'not-https'],
    [' https://crm.example/?a={value}', 'not-https'],
    ['https://crm.example/cases', 'no-value'],
    ['https://{value}.crm.example/', 'value-in-host'],
    ['https://crm.example{value}/x', 'value-in-host'],
    ['https://user:pw@crm.example/?a={value}', 'invalid'],
    ['https://crm.example/a b?{value}', 'invalid'],
    ['https://crm.example/?a={value}\r\nX: y', 'invalid'],
    [`https://crm.example/?a={value}${'x'.repeat(2100)}`, 'invalid'],
  ] as const)('refuses %s as %s, with the code in the settings error', (t, problem) => {
    expect(linkTemplateProblem(t)).toBe(problem);
    const parsed = screenPop.safeParse([{ header: 'X-Account-Id', link: t }]);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.message).join(' ')).toContain(`screen-pop-link-${problem}`);
  });

  it('a refused link in a policy is reported and the field list keeps its default', () => {
    const { settings, issues } = resolveSettings({
      policy: { 'calls.screenPop': [{ header: 'X-Account-Id', link: 'http://crm.example/?a={value}' }] },
    });
    expect(settings['calls.screenPop'].value).toEqual([]);
    expect(issues).toMatchObject([{ layer: 'policy', key: 'calls.screenPop', code: 'invalid-value' }]);
    expect(issues[0]!.detail).toContain('screen-pop-link-not-https');
  });

  it('puts the value in URL-encoded, so it cannot leave the query or change the host', () => {
    const link = expandLink(crm, '4815&admin=1#/../evil x?');
    expect(link).toBe('https://crm.example/cases?account=4815%26admin%3D1%23%2F..%2Fevil%20x%3F');
    const u = new URL(link);
    expect(u.host).toBe('crm.example');
    expect(u.searchParams.get('account')).toBe('4815&admin=1#/../evil x?');
    expect(expandLink('https://crm.example/a/{value}', '../../b')).toBe('https://crm.example/a/..%2F..%2Fb');
  });
});

describe('screen-pop fields in settings', () => {
  it('takes labels per language, refuses unknown languages, markup-free one-liners and duplicates', () => {
    const ok = [{ header: 'X-Account-Id', label: { en: 'Account', 'es-MX': 'Cuenta', 'es-ES': 'Cuenta' } }];
    expect(screenPop.safeParse(ok).success).toBe(true);
    expect(screenPop.safeParse([{ header: 'X-Account-Id', label: { fr: 'Compte' } }]).success).toBe(false);
    expect(screenPop.safeParse([{ header: 'X-Account-Id', label: { en: 'Acc\u202eount' } }]).success).toBe(false);
    expect(screenPop.safeParse([{ header: 'X-Account-Id', label: { en: 'a\nb' } }]).success).toBe(false);
    expect(screenPop.safeParse([{ header: 'X Account', label: { en: 'A' } }]).success).toBe(false);
    expect(screenPop.safeParse([{ header: 'X-A', extra: 1 }]).success).toBe(false);
    const dup = screenPop.safeParse([{ header: 'X-A' }, { header: 'x-a' }]);
    expect(dup.error!.issues[0]!.message).toContain('screen-pop-duplicate-header');
  });

  it('the old list of header names stays valid as it was', () => {
    const { settings, issues } = resolveSettings({ team: { 'calls.screenPopHeaders': ['X-Account-Id', 'X-Queue'] } });
    expect(issues).toEqual([]);
    expect(settings['calls.screenPopHeaders'].value).toEqual(['X-Account-Id', 'X-Queue']);
    expect(settings['calls.screenPop'].value).toEqual([]);
  });
});

describe('labels and links on the way to the screen', () => {
  const label = { en: 'Account', 'es-MX': 'Cuenta (MX)' };
  it('uses the UI language, then English, then the header name', () => {
    expect(screenPopLabelFor(label, 'es-MX', 'X-Account-Id')).toBe('Cuenta (MX)');
    expect(screenPopLabelFor(label, 'es-ES', 'X-Account-Id')).toBe('Account');
    expect(screenPopLabelFor(label, 'en', 'X-Account-Id')).toBe('Account');
    expect(screenPopLabelFor({ 'es-ES': 'Cuenta' }, 'en', 'X-Account-Id')).toBe('X-Account-Id');
    expect(screenPopLabelFor(undefined, 'es-MX', 'X-Account-Id')).toBe('X-Account-Id');
  });

  it.each([
    ['https://crm.example/a?b=1', true],
    ['http://crm.example/', false],
    ['javascript:alert(1)', false],
    ['https://user@crm.example/', false],
    ['https:///nohost', false],
    ['https://crm.example/\n', false],
    ['https:/crm.example/', false],
    [42, false],
  ] as const)('only an https link with a host and no credentials may be opened: %s', (url, ok) => {
    expect(isHttpsLink(url)).toBe(ok);
  });

  it('a link longer than any template could make is not opened', () => {
    expect(isHttpsLink(`https://crm.example/${'a'.repeat(8000)}`)).toBe(true);
    expect(isHttpsLink(`https://crm.example/${'a'.repeat(9000)}`)).toBe(false);
  });

  it('a call view field with a non-https link does not cross the contract', () => {
    const f = { header: 'X-A', value: '1' };
    expect(screenPopField.safeParse({ ...f, link: 'https://crm.example/?a=1' }).success).toBe(true);
    expect(screenPopField.safeParse({ ...f, link: 'javascript:alert(1)' }).success).toBe(false);
  });
});
