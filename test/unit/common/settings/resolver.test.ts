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

  it('applies defaults < team < user < policy, and records the winning layer', () => {
    const { settings } = resolveSettings({
      team: { 'acw.durationSec': 90, 'ui.language': 'es-MX', 'calls.dtmfMethod': 'info' },
      user: { 'acw.durationSec': 120, 'ui.language': 'en' },
      policy: { 'ui.language': 'es-ES' },
    });
    expect(settings['calls.dtmfMethod']).toEqual({ value: 'info', layer: 'team', locked: false });
    expect(settings['acw.durationSec']).toEqual({ value: 120, layer: 'user', locked: false });
    expect(settings['ui.language']).toEqual({ value: 'es-ES', layer: 'policy', locked: true });
    expect(settings['mute.longMuteSec'].layer).toBe('default');
  });

  it('drops invalid values and unknown keys from a layer without losing the rest of it', () => {
    const { settings, issues } = resolveSettings({
      team: { 'acw.durationSec': 'sixty', 'calls.rejectCode': 404, 'no.such': 1, 'mute.longMuteSec': 30 },
    });
    expect(settings['acw.durationSec'].layer).toBe('default');
    expect(settings['calls.rejectCode'].value).toBe(486);
    expect(settings['mute.longMuteSec']).toEqual({ value: 30, layer: 'team', locked: false });
    expect(issues.map((i) => `${i.key}:${i.code}`).sort()).toEqual([
      'acw.durationSec:invalid-value',
      'calls.rejectCode:invalid-value',
      'no.such:unknown-key',
    ]);
  });

  it('refuses credentials-bearing keys from team profiles', () => {
    const { settings, issues } = resolveSettings({
      team: { 'account.user': '1001' },
      'team-locked': { 'account.authUser': 'x' },
    });
    expect(settings['account.user'].value).toBe('');
    expect(issues.map((i) => `${i.layer}:${i.key}:${i.code}`)).toEqual([
      'team:account.user:not-allowed-in-layer',
      'team-locked:account.authUser:not-allowed-in-layer',
    ]);
  });

  it('lets team-enforced values beat the agent, and IT policy beat both', () => {
    const { settings } = resolveSettings({
      team: { 'acw.durationSec': 90, 'mute.longMuteSec': 30 },
      user: { 'acw.durationSec': 120, 'mute.longMuteSec': 40, 'ui.language': 'en' },
      'team-locked': { 'acw.durationSec': 45, 'ui.language': 'es-MX' },
      policy: { 'ui.language': 'es-ES' },
    });
    expect(settings['mute.longMuteSec']).toEqual({ value: 40, layer: 'user', locked: false });
    expect(settings['acw.durationSec']).toEqual({ value: 45, layer: 'team-locked', locked: true });
    expect(settings['ui.language']).toEqual({ value: 'es-ES', layer: 'policy', locked: true });
  });

  it('keeps the lower value when a locking layer carries an invalid one', () => {
    const { settings, issues } = resolveSettings({
      user: { 'acw.durationSec': 120 },
      'team-locked': { 'acw.durationSec': -1 },
    });
    expect(settings['acw.durationSec']).toEqual({ value: 120, layer: 'user', locked: false });
    expect(issues.map((i) => `${i.layer}:${i.code}`)).toEqual(['team-locked:invalid-value']);
  });

  it('exposes plain values for callers that do not care about layers', () => {
    const values = settingValues(resolveSettings({ user: { 'calls.autoAnswer': true } }).settings);
    expect(values['calls.autoAnswer']).toBe(true);
    expect(values['acw.mode']).toBe('optional');
  });
});
