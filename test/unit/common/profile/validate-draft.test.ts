import { describe, expect, it } from 'vitest';
import { settingsSchema } from '../../../../electron/common/settings/schema';
import { validateDraft } from '../../../../electron/common/profile/validate-draft';
import { profileDescriptions, profileKeys, starterDraft } from '../../../../electron/common/profile/starter-draft';

const base = { team: 'sales-north', version: 3, author: 'Marta', defaults: {}, enforced: {} };
const codes = (d: unknown, now?: Date) => validateDraft(d, now ? { now } : {}).map((p) => `${p.key}:${p.code}`);

describe('validateDraft', () => {
  it('accepts the plain JSON shape, with or without expiry, and ignores $ fields', () => {
    expect(validateDraft(base)).toEqual([]);
    expect(validateDraft({ ...base, expires: '2027-01-31', $comment: 'notes for the team lead' })).toEqual([]);
    expect(
      validateDraft({ ...base, defaults: { 'acw.durationSec': 120 }, enforced: { 'acw.mode': 'mandatory-timed' } }),
    ).toEqual([]);
  });

  it('checks each value with its setting’s own schema and says why, in English, for IT', () => {
    const problems = validateDraft({
      ...base,
      defaults: { 'acw.durationSec': '60', 'hotkeys.mute': 'Ctrl+Ctrl+M' },
      enforced: { 'notes.dispositions': [''] },
    });
    expect(problems.map((p) => `${p.key}:${p.code}`)).toEqual([
      'acw.durationSec:invalid-value',
      'hotkeys.mute:invalid-value',
      'notes.dispositions:invalid-value',
    ]);
    expect(problems[0]!.detail).toContain('acw.durationSec (in defaults)');
    expect(problems[0]!.detail).toContain('got "60"');
    expect(problems[1]!.detail).toContain('modifier is given twice');
    expect(problems[2]!.detail).toContain('at 0');
  });

  it('refuses keys a profile may not carry (credentials, devices, IT-only), unknown keys, and a key in both modes', () => {
    expect(
      codes({
        ...base,
        defaults: { 'account.user': '1001', 'audio.microphone': null, 'bogus.key': 1, 'mute.longMuteSec': 30 },
        enforced: { 'profile.trustedKeys': [], 'updates.mode': 'auto', 'mute.longMuteSec': 30 },
      }),
    ).toEqual([
      'account.user:not-allowed-in-profile',
      'audio.microphone:not-allowed-in-profile',
      'bogus.key:unknown-key',
      'profile.trustedKeys:not-allowed-in-profile',
      'updates.mode:not-allowed-in-profile',
      'mute.longMuteSec:both-modes',
    ]);
  });

  it('checks team, version, author, expiry and the two objects', () => {
    expect(
      codes({ team: 'a b', version: 0, author: 'x\ny', expires: 'next week', defaults: [], enforced: 'no' }),
    ).toEqual([
      'team:invalid-field',
      'version:invalid-field',
      'author:invalid-field',
      'expires:invalid-field',
      'defaults:invalid-field',
      'enforced:invalid-field',
    ]);
    expect(codes({ team: 'x', version: 1.5, author: 'a' })).toEqual([
      'version:invalid-field',
      'defaults:invalid-field',
      'enforced:invalid-field',
    ]);
    expect(codes({ ...base, extra: 1 })).toEqual(['extra:invalid-field']);
    expect(codes(null)).toEqual(['document:invalid-field']);
    expect(codes([base])).toEqual(['document:invalid-field']);
  });

  it('with a clock, refuses an expiry already past', () => {
    const now = new Date('2026-12-01T00:00:00Z');
    expect(codes({ ...base, expires: '2026-11-30T23:59:59Z' }, now)).toEqual(['expires:invalid-field']);
    expect(codes({ ...base, expires: '2026-12-01T00:00:01Z' }, now)).toEqual([]);
  });
});

describe('starterDraft', () => {
  it('carries every profile-allowed setting at its default, passes validation, and nothing the agent’s account needs', () => {
    const d = starterDraft({ team: 'support', author: 'Luis' });
    expect(validateDraft(d)).toEqual([]);
    expect(Object.keys(d.defaults)).toEqual(profileKeys);
    expect(d.defaults['acw.durationSec']).toBe(settingsSchema['acw.durationSec'].default);
    expect(profileKeys).not.toContain('account.user');
    expect(profileKeys).not.toContain('profile.url');
    expect(d).toMatchObject({ team: 'support', version: 1, author: 'Luis', enforced: {} });
    expect(profileDescriptions()['acw.durationSec']).toBe(settingsSchema['acw.durationSec'].description);
  });
});
