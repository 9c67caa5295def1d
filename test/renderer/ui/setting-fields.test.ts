import { describe, expect, it } from 'vitest';
import { settingKeys, settingsSchema } from '@common/settings/schema';
import { fieldKind, fromInput, sourceOf, toInput } from '../../../renderer/src/ui/setting-fields';

describe('schema-driven setting fields', () => {
  it('gives every setting an editor, and every default survives the editor unchanged', () => {
    for (const key of settingKeys) {
      const kind = fieldKind(key).kind;
      if (kind === 'device') continue;
      const back = fromInput(key, toInput(key, settingsSchema[key].default));
      expect(back, key).toEqual({ ok: true, value: settingsSchema[key].default });
    }
  });

  it('reads the kind from the schema', () => {
    expect(fieldKind('calls.autoAnswer')).toEqual({ kind: 'boolean' });
    expect(fieldKind('acw.notReadyRejectCode')).toEqual({ kind: 'choice', options: [480, 486, 603] });
    expect(fieldKind('mute.longMuteSec')).toEqual({ kind: 'int', min: 5, max: 600 });
    expect(fieldKind('notes.dispositions').kind).toBe('lines');
    expect(fieldKind('notes.templates').kind).toBe('json');
    expect(fieldKind('audio.ringer').kind).toBe('device');
  });

  it('refuses what the core would refuse, with a coded problem', () => {
    expect(fromInput('mute.longMuteSec', '601')).toEqual({ ok: false, problem: { code: 'max', limit: 600 } });
    expect(fromInput('mute.longMuteSec', '1.5')).toEqual({ ok: false, problem: { code: 'number' } });
    expect(fromInput('hotkeys.mute', 'Ctrl+Control+M')).toEqual({ ok: false, problem: { code: 'format' } });
    expect(fromInput('calls.rejectCode', '404')).toEqual({ ok: false, problem: { code: 'choice' } });
    expect(fromInput('acw.defaultDisposition', 'x'.repeat(65))).toEqual({
      ok: false,
      problem: { code: 'too-long', limit: 64 },
    });
    expect(fromInput('notes.templates', '[{"id": 1}]')).toEqual({ ok: false, problem: { code: 'type' } });
    expect(fromInput('calls.rejectCode', '603')).toEqual({ ok: true, value: 603 });
  });

  it("names the source; what the agent may never set is IT's", () => {
    expect(sourceOf('calls.autoAnswer', 'default', false)).toBe('default');
    expect(sourceOf('calls.autoAnswer', 'team', false)).toBe('team');
    expect(sourceOf('calls.autoAnswer', 'user', false)).toBe('you');
    expect(sourceOf('calls.autoAnswer', 'team-locked', true)).toBe('team-locked');
    expect(sourceOf('calls.autoAnswer', 'policy', true)).toBe('it-locked');
    expect(sourceOf('profile.url', 'default', false)).toBe('it-locked');
  });
});
