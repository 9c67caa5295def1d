import { describe, expect, it } from 'vitest';
import { diffProfiles, sameValue } from '../../../../electron/common/profile/diff-profiles';

describe('diffProfiles', () => {
  it('against no profile: every value is a change, in key order', () => {
    expect(diffProfiles(null, { defaults: { 'acw.durationSec': 90 }, enforced: { 'acw.mode': 'optional' } })).toEqual([
      { key: 'acw.durationSec', mode: 'default', before: undefined, after: 90 },
      { key: 'acw.mode', mode: 'enforced', before: undefined, after: 'optional' },
    ]);
  });

  it('reports changed values, changed modes and removed keys; not equal values (whatever the key order)', () => {
    const old = {
      defaults: {
        'acw.durationSec': 60,
        'calls.autoAnswer': false,
        'notes.templates': [{ id: 'a', label: 'A', fields: [] }],
      },
      enforced: { 'calls.supervisorExtension': '7001', 'mute.onCallStart': 'muted' },
    };
    const next = {
      defaults: {
        'acw.durationSec': 90,
        'notes.templates': [{ label: 'A', fields: [], id: 'a' }],
        'mute.onCallStart': 'muted',
      },
      enforced: { 'calls.supervisorExtension': '7001', 'calls.autoAnswer': false },
    };
    expect(diffProfiles(old, next)).toEqual([
      { key: 'acw.durationSec', mode: 'default', before: 60, after: 90 },
      { key: 'calls.autoAnswer', mode: 'enforced', before: false, after: false },
      { key: 'mute.onCallStart', mode: 'default', before: 'muted', after: 'muted' },
    ]);
    expect(diffProfiles(next, { defaults: {}, enforced: { 'calls.supervisorExtension': '7002' } })).toEqual([
      { key: 'acw.durationSec', mode: 'removed', before: 90, after: undefined },
      { key: 'calls.autoAnswer', mode: 'removed', before: false, after: undefined },
      { key: 'calls.supervisorExtension', mode: 'enforced', before: '7001', after: '7002' },
      { key: 'mute.onCallStart', mode: 'removed', before: 'muted', after: undefined },
      { key: 'notes.templates', mode: 'removed', before: [{ label: 'A', fields: [], id: 'a' }], after: undefined },
    ]);
    expect(diffProfiles(old, old)).toEqual([]);
  });

  it('sameValue compares JSON values deeply', () => {
    expect(sameValue([1, { a: [2] }], [1, { a: [2] }])).toBe(true);
    expect(sameValue([1, 2], [2, 1])).toBe(false);
    expect(sameValue({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameValue({}, [])).toBe(false);
    expect(sameValue(null, {})).toBe(false);
  });
});
