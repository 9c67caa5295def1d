import { describe, expect, it } from 'vitest';
import { resolveSettings, settingValues } from '@common/settings/resolver';
import { settingKeys, settingsSchema } from '@common/settings/schema';

describe('settings resolver', () => {
  it('gives every key its default, marked as coming from the defaults layer', () => {
    const { settings, issues } = resolveSettings({});
    expect(issues).toEqual([]);
    for (const key of settingKeys) {
      expect(settings[key]).toEqual({ value: settingsSchema[key].default, layer: 'default', locked: false });
    }
  });

  it('applies defaults < profile < user < policy, and records the winning layer', () => {
    const { settings } = resolveSettings({
      profile: { 'acw.durationSec': 90, 'ui.language': 'es-MX', 'calls.dtmfMethod': 'info' },
      user: { 'acw.durationSec': 120, 'ui.language': 'en' },
      policy: { 'ui.language': 'es-ES' },
    });
    expect(settings['calls.dtmfMethod']).toEqual({ value: 'info', layer: 'profile', locked: false });
    expect(settings['acw.durationSec']).toEqual({ value: 120, layer: 'user', locked: false });
    expect(settings['ui.language']).toEqual({ value: 'es-ES', layer: 'policy', locked: true });
    expect(settings['mute.longMuteSec'].layer).toBe('default');
  });

  it('drops invalid values and unknown keys from a layer without losing the rest of it', () => {
    const { settings, issues } = resolveSettings({
      profile: { 'acw.durationSec': 'sixty', 'calls.rejectCode': 404, 'no.such': 1, 'mute.longMuteSec': 30 },
    });
    expect(settings['acw.durationSec'].layer).toBe('default');
    expect(settings['calls.rejectCode'].value).toBe(486);
    expect(settings['mute.longMuteSec']).toEqual({ value: 30, layer: 'profile', locked: false });
    expect(issues.map((i) => `${i.key}:${i.code}`).sort()).toEqual([
      'acw.durationSec:invalid-value',
      'calls.rejectCode:invalid-value',
      'no.such:unknown-key',
    ]);
  });

  it('refuses credentials-bearing keys from team profiles', () => {
    const { settings, issues } = resolveSettings({ profile: { 'account.user': '1001' } });
    expect(settings['account.user'].value).toBe('');
    expect(issues[0]?.code).toBe('not-allowed-in-layer');
  });

  it('exposes plain values for callers that do not care about layers', () => {
    const values = settingValues(resolveSettings({ user: { 'calls.autoAnswer': true } }).settings);
    expect(values['calls.autoAnswer']).toBe(true);
    expect(values['acw.mode']).toBe('optional');
  });
});
