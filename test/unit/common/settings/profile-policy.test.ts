import { describe, expect, it } from 'vitest';
import { resolveSettings } from '@common/settings/resolver';

// Where the team profile comes from and whose signatures count are IT's to say: policy only, never the agent or the
// profile itself (a profile naming its own trusted keys would trust itself).
describe('team profile location and trusted keys', () => {
  const key = 'team-a:ed25519:MCowBQYDK2VwAyEAq8m4qQ1XTq7b1o3Rr0dJ2Q3x5vY9k0w7cQ7zF1f0aBc';

  it('come from policy: an https:// or file:// location and one-line keys', () => {
    const { settings, issues } = resolveSettings({
      policy: { 'profile.url': 'file:///srv/share/team-a.jws', 'profile.trustedKeys': [key] },
    });
    expect(issues).toEqual([]);
    expect(settings['profile.url']).toMatchObject({ value: 'file:///srv/share/team-a.jws', layer: 'policy' });
    expect(settings['profile.trustedKeys']).toMatchObject({ value: [key], layer: 'policy', locked: true });
    expect(resolveSettings({ policy: { 'profile.url': 'https://profiles.example.org/a.jws' } }).issues).toEqual([]);
  });

  it('refuses plain http, a key with spaces, and any value from the user or the profile layer', () => {
    const { settings, issues } = resolveSettings({
      policy: { 'profile.url': 'http://profiles.example.org/a.jws', 'profile.trustedKeys': ['two words key here'] },
      user: { 'profile.url': 'https://evil.example/' },
      team: { 'profile.trustedKeys': [key] },
    });
    expect(settings['profile.url'].value).toBe('');
    expect(settings['profile.trustedKeys'].value).toEqual([]);
    expect(issues.map((i) => `${i.layer}:${i.key}`).sort()).toEqual([
      'policy:profile.trustedKeys',
      'policy:profile.url',
      'team:profile.trustedKeys',
      'user:profile.url',
    ]);
  });
});
