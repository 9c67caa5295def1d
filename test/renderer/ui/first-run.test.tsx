import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { en } from '../../../renderer/src/i18n/en';
import { esES } from '../../../renderer/src/i18n/es-ES';
import { esMX } from '../../../renderer/src/i18n/es-MX';
import { needsFirstRun } from '../../../renderer/src/ui/FirstRun';
import { click, mountApp, typeInto } from '../../support/render-ui';
import { callView, callsSnapshot, settingsView } from '../../support/views';

// The core's settings view always carries every key; an agent with nothing set has them empty.
const noAccount = { 'account.server': '', 'account.servers': [], 'account.user': '' };

afterEach(() => {
  document.body.innerHTML = '';
});

describe('first run', () => {
  it('is due only when neither a server (single or list) nor a user is configured', () => {
    expect(needsFirstRun(undefined)).toBeUndefined();
    expect(needsFirstRun(settingsView(noAccount))).toBe(true);
    expect(needsFirstRun(settingsView({ ...noAccount, 'account.server': 'wss://sip.example:7443' }))).toBe(false);
    expect(needsFirstRun(settingsView({ ...noAccount, 'account.servers': ['wss://a.example'] }))).toBe(false);
    expect(needsFirstRun(settingsView({ ...noAccount, 'account.user': '1001' }))).toBe(false);
    // A view without the account keys says nothing about them: the app opens as usual.
    expect(needsFirstRun(settingsView({}))).toBeUndefined();
  });

  it('walks account → test → audio → headset → done with the focus on each step, then opens the phone', async () => {
    const saved: unknown[] = [];
    const { q, el, bridge } = await mountApp({
      settings: noAccount,
      handlers: {
        'account.save': async (args) => {
          saved.push(args);
          return { ok: true, hasPassword: true };
        },
        'account.testConnection': async () => ({
          registered: true,
          steps: [{ step: 'register', status: 'ok', ms: 42 }],
        }),
      },
    });
    const fr = q('first-run');
    expect(fr?.getAttribute('data-step')).toBe('account');
    // Nothing else competes with the setup: no calls column, one account form; the view buttons leave it.
    expect(q('view-phone-panels')).toBeNull();
    expect(q('view-phone')?.hasAttribute('aria-current')).toBe(false);
    expect(el.querySelectorAll('[data-testid="account-server"]')).toHaveLength(1);
    expect(el.querySelector('[aria-current="step"]')?.textContent).toContain(en['firstRun.step.account']);

    await typeInto(q('account-server'), 'wss://sip.example:7443');
    await typeInto(q('account-user'), '1001');
    await typeInto(q('account-password'), 'secret-1001');
    await click(q('account-save'));
    expect(saved).toEqual([
      { server: 'wss://sip.example:7443', user: '1001', authUser: '', displayName: '', password: 'secret-1001' },
    ]);
    // Saving the account does not end the setup.
    await act(async () => {
      bridge.emit('settings', settingsView({ ...noAccount, 'account.server': 'wss://sip.example:7443' }));
    });
    expect(q('first-run')).not.toBeNull();

    await click(q('first-run-next'));
    expect(q('first-run')?.getAttribute('data-step')).toBe('test');
    expect(document.activeElement?.tagName).toBe('H2');
    expect(document.activeElement?.textContent).toBe(en['firstRun.step.test']);
    await click(q('first-run-test'));
    expect(bridge.calls).toContain('account.testConnection');
    expect(q('test-result')?.textContent).toBe(en['test.ok']);

    await click(q('first-run-next'));
    expect(q('audio-devices')).not.toBeNull();
    expect(document.activeElement?.textContent).toBe(en['devices.title']);
    await click(q('first-run-next'));
    expect(q('headset-check')).not.toBeNull();
    expect(document.activeElement?.textContent).toBe(en['headset.title']);
    await click(q('first-run-back'));
    expect(q('audio-devices')).not.toBeNull();
    await click(q('first-run-next'));
    await click(q('first-run-next'));
    expect(q('first-run')?.getAttribute('data-step')).toBe('done');

    // Not registered yet: no way to the phone from here but back to the account (or later).
    expect(q('first-run-result')?.getAttribute('data-registered')).toBe('false');
    expect(q('first-run-result')?.textContent).toBe(en['firstRun.notRegistered']);
    expect(q('first-run-done')).toBeNull();
    expect(q('first-run-to-account')).not.toBeNull();
    await act(async () => bridge.emit('registration', { state: 'registered', server: 'wss://sip.example:7443' }));
    expect(q('first-run-result')?.textContent).toBe(en['firstRun.ready']);
    await click(q('first-run-done'));
    expect(q('first-run')).toBeNull();
    expect(q('view-phone')?.getAttribute('aria-current')).toBe('page');
    expect(q('view-phone-panels')?.hasAttribute('hidden')).toBe(false);
  });

  it('"Set up later" opens the phone at once, in Spanish (Spain)', async () => {
    const { q } = await mountApp({ settings: noAccount, language: 'es-ES' });
    expect(q('first-run')?.textContent).toContain(esES['firstRun.title']);
    expect(q('first-run-hint')?.textContent).toBe(esES['firstRun.hint.account']);
    expect(q('first-run-later')?.textContent).toBe(esES['firstRun.later']);
    await click(q('first-run-later'));
    expect(q('first-run')).toBeNull();
    expect(q('view-phone-panels')).not.toBeNull();
  });

  it('gives way to a ringing call, in Spanish (Mexico)', async () => {
    const { q, bridge } = await mountApp({ settings: noAccount, language: 'es-MX' });
    expect(q('first-run')?.textContent).toContain(esMX['firstRun.step.headset']);
    await act(async () => bridge.emit('calls', callsSnapshot(callView('c1', { state: 'ringing' }))));
    expect(q('first-run')).toBeNull();
    expect(q('call-answer')).not.toBeNull();
  });

  it('a view button leaves the setup for that view', async () => {
    const { q } = await mountApp({ settings: noAccount });
    await click(q('view-settings'));
    expect(q('first-run')).toBeNull();
    expect(q('view-settings')?.getAttribute('aria-current')).toBe('page');
    expect(q('account-server')).not.toBeNull();
  });

  it('does not open when an account is configured (here by IT policy)', async () => {
    const { q } = await mountApp({
      settings: { ...noAccount, 'account.servers': ['wss://a.example', 'wss://b.example'] },
    });
    expect(q('first-run')).toBeNull();
    expect(q('view-phone-panels')).not.toBeNull();
  });
});
