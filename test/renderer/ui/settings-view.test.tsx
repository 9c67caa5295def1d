import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { settingKeys } from '@common/settings/schema';
import { en } from '../../../renderer/src/i18n/en';
import { esES } from '../../../renderer/src/i18n/es-ES';
import { esMX } from '../../../renderer/src/i18n/es-MX';
import { ContractError } from '@common/contract/errors';
import { fakeSettingsCore, teamProfileView, type FakeLayers } from '../../support/fake-bridge';
import { callView, callsSnapshot } from '../../support/views';
import { click, mountApp, settleMicrotasks, typeInto, type UiLanguage } from '../../support/render-ui';

afterEach(() => {
  document.body.innerHTML = '';
});

// An agent with an account (without one the app opens on first-run setup instead).
const account = { 'account.server': 'wss://sip.example:7443', 'account.user': '1001' };

async function openSettings(layers: FakeLayers, language: UiLanguage = 'en') {
  const core = fakeSettingsCore({ ...layers, policy: { ...account, ...layers.policy } });
  const app = await mountApp({ language, handlers: core.handlers });
  core.attach(app.bridge);
  await click(app.q('view-settings'));
  const row = (key: string) => app.q(`setting-${key}`);
  const field = (key: string) => app.q(`setting-field-${key}`) as HTMLInputElement;
  const text = (id: string) => app.q(id)?.textContent ?? null;
  return { ...app, core, row, field, text };
}

describe('settings view', () => {
  it('lists every setting by section with where its value comes from, as a word for each layer', async () => {
    const s = await openSettings({
      team: { 'calls.autoAnswer': true },
      user: { 'mute.longMuteSec': 30 },
      'team-locked': { 'acw.durationSec': 90 },
      policy: { 'calls.dtmfMethod': 'info' },
    });
    for (const key of settingKeys) expect(s.row(key), key).not.toBeNull();
    const source = (key: string) => [
      s.q(`setting-source-${key}`)?.getAttribute('data-source'),
      s.text(`setting-source-${key}`),
    ];
    expect(source('headset.enabled')).toEqual(['default', en['settings.source.default']]);
    expect(source('calls.autoAnswer')).toEqual(['team', en['settings.source.team']]);
    expect(source('mute.longMuteSec')).toEqual(['you', en['settings.source.you']]);
    expect(source('acw.durationSec')).toEqual(['team-locked', en['settings.source.team-locked']]);
    expect(source('calls.dtmfMethod')).toEqual(['it-locked', en['settings.source.it-locked']]);
    // The agent cannot set update control at all: it is IT's even at its default.
    expect(source('updates.mode')).toEqual(['it-locked', en['settings.source.it-locked']]);
    // Values, with the editor the schema calls for.
    expect(s.field('calls.autoAnswer').type).toBe('checkbox');
    expect(s.field('calls.autoAnswer').checked).toBe(true);
    expect(s.field('mute.longMuteSec').type).toBe('number');
    expect(s.field('mute.longMuteSec').value).toBe('30');
    expect([s.field('mute.longMuteSec').min, s.field('mute.longMuteSec').max]).toEqual(['5', '600']);
    expect(s.field('calls.dtmfMethod').tagName).toBe('SELECT');
    expect(s.field('calls.screenPopHeaders').tagName).toBe('TEXTAREA');
    expect(s.field('calls.screenPopHeaders').value).toBe('X-Account-Id\nX-IVR-Path');
    expect(JSON.parse(s.field('notes.templates').value)).toEqual([
      { id: 'iaa', label: 'identifica / discúlpate / ayuda', fields: ['identify', 'apologise', 'assist'] },
    ]);
    // Devices are chosen in the audio devices panel, not typed here.
    expect(s.field('audio.microphone').tagName).toBe('OUTPUT');
    // Sections in order, labels translated by key.
    const sections = [...s.el.querySelectorAll('[data-testid^="settings-section-"]')].map((e) =>
      e.getAttribute('data-testid')!.slice('settings-section-'.length),
    );
    expect(sections).toEqual([
      'account',
      'ui',
      'audio',
      'calls',
      'headset',
      'hotkeys',
      'mute',
      'acw',
      'notes',
      'updates',
      'profile',
    ]);
    expect(s.row('acw.durationSec')?.querySelector('label')?.textContent).toBe(en['setting.acw.durationSec']);
    await s.unmount();
  });

  it('shows a team-locked value read-only with the reason, and an IT-locked one likewise', async () => {
    const s = await openSettings(
      { 'team-locked': { 'acw.durationSec': 90 }, policy: { 'headset.enabled': false } },
      'es-MX',
    );
    const acw = s.field('acw.durationSec');
    expect(acw.readOnly).toBe(true);
    expect(s.text('setting-reason-acw.durationSec')).toBe(esMX['settings.locked.team']);
    expect(s.q('setting-save-acw.durationSec')).toBeNull();
    // The reason is what a screen reader hears with the field.
    const reasonId = s.q('setting-reason-acw.durationSec')!.id;
    expect(acw.getAttribute('aria-describedby')).toContain(reasonId);
    const headset = s.field('headset.enabled');
    expect(headset.disabled).toBe(true);
    expect(s.text('setting-reason-headset.enabled')).toBe(esMX['settings.locked.it']);
    await s.unmount();
  });

  it('a save the core refuses because the team locked the key meanwhile shows the team reason', async () => {
    const s = await openSettings({}, 'es-ES');
    // The profile that locks it reached the core; the renderer has not heard of it yet.
    s.core.layers['team-locked'] = { 'calls.autoAnswerDelaySec': 5 };
    await typeInto(s.field('calls.autoAnswerDelaySec'), '10');
    await click(s.q('setting-save-calls.autoAnswerDelaySec'));
    expect(s.bridge.calls).toContain('settings.set');
    expect(s.text('setting-reason-calls.autoAnswerDelaySec')).toBe(esES['settings.locked.team']);
    expect(s.row('calls.autoAnswerDelaySec')?.getAttribute('data-locked')).toBe('true');
    expect(s.core.layers.user).toEqual({});
    await s.unmount();
  });

  it('checks a value as it is typed, keeps the input and sends nothing invalid; a valid one becomes yours', async () => {
    const s = await openSettings({}, 'es-ES');
    const field = s.field('mute.longMuteSec');
    await typeInto(field, '3');
    expect(s.text('setting-error-mute.longMuteSec')).toBe(esES['settings.error.min'].replace('{{limit}}', '5'));
    expect(field.getAttribute('aria-invalid')).toBe('true');
    await act(async () => {
      (s.row('mute.longMuteSec')!.querySelector('form') as HTMLFormElement).requestSubmit();
    });
    expect(s.bridge.calls).not.toContain('settings.set');
    expect(field.value).toBe('3');
    await typeInto(field, '25');
    expect(s.q('setting-error-mute.longMuteSec')).toBeNull();
    await click(s.q('setting-save-mute.longMuteSec'));
    expect(s.core.layers.user).toEqual({ 'mute.longMuteSec': 25 });
    expect(s.q('setting-source-mute.longMuteSec')?.getAttribute('data-source')).toBe('you');
    await s.unmount();
  });

  it('edits lists one per line and objects as JSON, naming the line or the JSON at fault', async () => {
    const s = await openSettings({});
    await typeInto(s.field('calls.screenPopHeaders'), 'X-Account-Id\nnot a header');
    expect(s.text('setting-error-calls.screenPopHeaders')).toBe(`Line 2: ${en['settings.error.format']}`);
    await typeInto(s.field('calls.screenPopHeaders'), 'X-Account-Id\n\nX-Queue');
    await click(s.q('setting-save-calls.screenPopHeaders'));
    expect(s.core.layers.user?.['calls.screenPopHeaders']).toEqual(['X-Account-Id', 'X-Queue']);
    await typeInto(s.field('notes.templates'), '[{"id": "x",');
    expect(s.text('setting-error-notes.templates')).toBe(en['settings.error.json']);
    expect(s.field('notes.templates').value).toBe('[{"id": "x",');
    await s.unmount();
  });

  it('saves a checkbox or a choice at once', async () => {
    const s = await openSettings({});
    await click(s.field('calls.autoAnswer'));
    await typeInto(s.field('calls.dtmfMethod'), 'info');
    await typeInto(s.field('calls.rejectCode'), '603');
    expect(s.core.layers.user).toEqual({
      'calls.autoAnswer': true,
      'calls.dtmfMethod': 'info',
      'calls.rejectCode': 603,
    });
    await s.unmount();
  });

  it('has a translated label for every setting in all three languages', () => {
    for (const lang of [en, esMX, esES] as Array<Record<string, string>>) {
      for (const key of settingKeys) expect(lang[`setting.${key}`], key).toBeTruthy();
    }
  });

  it('keeps the phone panels and reaches every view by keyboard-focusable buttons', async () => {
    const s = await openSettings({});
    expect(s.q('view-phone-panels')?.hasAttribute('hidden')).toBe(true);
    expect(s.q('view-settings')?.getAttribute('aria-current')).toBe('page');
    expect(s.q('view-team-profile')).toBeNull();
    await click(s.q('view-phone'));
    expect(s.q('settings-view')).toBeNull();
    expect(s.q('view-phone-panels')?.hasAttribute('hidden')).toBe(false);
    // The account form lives in Settings: kept (with what was typed) but hidden while the phone shows.
    expect(s.q('view-settings-panels')?.hasAttribute('hidden')).toBe(true);
    expect(s.q('view-settings-panels')?.contains(s.q('account-server'))).toBe(true);
    await s.unmount();
  });

  it('brings the phone back to the front when a call starts ringing', async () => {
    const s = await openSettings({});
    expect(s.q('settings-view')).not.toBeNull();
    await act(async () => s.bridge.emit('calls', callsSnapshot(callView('c1', { state: 'ringing' }))));
    expect(s.q('settings-view')).toBeNull();
    expect(s.q('view-phone')?.getAttribute('aria-current')).toBe('page');
    await s.unmount();
  });

  it('tells why a value a layer carried is not used, with the detail for IT', async () => {
    const s = await openSettings({ policy: { 'mute.longMuteSec': 2 } });
    expect(s.q('setting-source-mute.longMuteSec')?.getAttribute('data-source')).toBe('default');
    const issue = s.q('setting-issue-mute.longMuteSec');
    expect(issue?.getAttribute('data-layer')).toBe('policy');
    expect(issue?.textContent).toContain(en['settings.issue'].replace('{{layer}}', en['settings.layer.policy']));
    expect(issue?.textContent).toContain('Details for IT:');
    expect(s.q('setting-issue-mute.reminderEverySec')).toBeNull();
    await s.unmount();
  });

  it('offers the team profile screen once a signing key is configured', async () => {
    let available = false;
    const core = fakeSettingsCore({ policy: account });
    const app = await mountApp({
      handlers: {
        ...core.handlers,
        'profile.draft': async () => {
          if (!available) throw new ContractError('forbidden');
          return teamProfileView();
        },
      },
    });
    expect(app.q('view-team-profile')).toBeNull();
    available = true;
    core.layers.user = { 'profile.signingKey': '/home/lead/.diadema/lead.key' };
    await act(async () => app.bridge.emit('settings', core.view()));
    await settleMicrotasks();
    expect(app.q('view-team-profile')).not.toBeNull();
    await app.unmount();
  });
});
