import { afterEach, describe, expect, it } from 'vitest';
import { ContractError } from '@common/contract/errors';
import type { ProfileDraft } from '@common/contract/profile';
import { settingKeys, settingsSchema } from '@common/settings/schema';
import { en } from '../../../renderer/src/i18n/en';
import { esMX } from '../../../renderer/src/i18n/es-MX';
import { profileDraft, teamProfileView } from '../../support/fake-bridge';
import { click, mountApp, typeInto, type MountAppOptions } from '../../support/render-ui';

afterEach(() => {
  document.body.innerHTML = '';
});

const published = profileDraft({ version: 1, defaults: { 'calls.autoAnswer': true } });
const view = teamProfileView({
  published,
  draft: profileDraft({ version: 2, defaults: { 'calls.autoAnswer': true }, enforced: { 'acw.durationSec': 90 } }),
});

async function openTeamProfile(o: MountAppOptions = {}) {
  const app = await mountApp({ ...o, handlers: { 'profile.draft': async () => view, ...o.handlers } });
  await click(app.q('view-team-profile'));
  return app;
}

describe('team profile screen', () => {
  it('is not offered at all where the core forbids it (no signing key)', async () => {
    const { q, bridge, unmount } = await mountApp();
    expect(bridge.calls).toContain('profile.draft');
    expect(q('view-team-profile')).toBeNull();
    expect(q('team-profile')).toBeNull();
    await unmount();
  });

  it('is not offered where the core answers that it is not available', async () => {
    const { q, unmount } = await mountApp({
      handlers: { 'profile.draft': async () => teamProfileView({ available: false }) },
    });
    expect(q('view-team-profile')).toBeNull();
    await unmount();
  });

  it('offers every key a profile may carry, from the schema, each not set / default / enforced', async () => {
    const { el, q, unmount } = await openTeamProfile();
    expect(q('team-profile')).not.toBeNull();
    const rows = [...el.querySelectorAll('[data-testid^="tp-row-"]')].map((r) =>
      r.getAttribute('data-testid')!.slice('tp-row-'.length),
    );
    expect(rows.sort()).toEqual(settingKeys.filter((k) => settingsSchema[k].profile).sort());
    expect(rows).not.toContain('account.user');
    expect(q('tp-row-calls.autoAnswer')?.getAttribute('data-mode')).toBe('default');
    expect(q('tp-row-acw.durationSec')?.getAttribute('data-mode')).toBe('enforced');
    expect(q('tp-row-mute.longMuteSec')?.getAttribute('data-mode')).toBe('unset');
    expect(q('tp-field-mute.longMuteSec')).toBeNull();
    expect((q('tp-field-acw.durationSec') as HTMLInputElement).value).toBe('90');
    expect((q('tp-version') as HTMLInputElement).value).toBe('2');
    await unmount();
  });

  it('checks values while typing with the schema, and previews nothing while a field is wrong', async () => {
    const { q, bridge, unmount } = await openTeamProfile({ language: 'es-MX' });
    await typeInto(q('tp-mode-mute.longMuteSec'), 'enforced');
    await typeInto(q('tp-field-mute.longMuteSec'), '2');
    expect(q('tp-problem-mute.longMuteSec')?.textContent).toBe(esMX['settings.error.min'].replace('{{limit}}', '5'));
    await typeInto(q('tp-version'), '1');
    expect(q('tp-problem-version')?.textContent).toBe(
      esMX['teamProfile.error.versionNotNewer'].replace('{{published}}', '1'),
    );
    await typeInto(q('tp-expires'), '2020-01-01');
    expect(q('tp-problem-expires')?.textContent).toBe(esMX['teamProfile.error.expiresPast']);
    await typeInto(q('tp-expires'), '31/01/2027');
    expect(q('tp-problem-expires')?.textContent).toBe(esMX['teamProfile.error.expires']);
    await typeInto(q('tp-team'), 'equipo a');
    expect(q('tp-problem-team')?.textContent).toBe(esMX['teamProfile.error.team']);
    await click(q('tp-preview'));
    expect(bridge.calls).not.toContain('profile.preview');
    expect(q('tp-outcome')?.textContent).toBe(esMX['teamProfile.fixFirst']);
    await unmount();
  });

  it('previews: sends the draft the form says and shows each problem next to its own field, and the changes', async () => {
    const sent: ProfileDraft[] = [];
    const { q, unmount } = await openTeamProfile({
      language: 'es-MX',
      handlers: {
        'profile.preview': async ({ draft }) => {
          sent.push(draft);
          return {
            changes: [{ key: 'acw.durationSec', mode: 'enforced', before: 60, after: 90 }],
            problems: [{ key: 'calls.supervisorExtension', code: 'invalid-value', detail: 'not an extension' }],
          };
        },
      },
    });
    await typeInto(q('tp-mode-calls.supervisorExtension'), 'default');
    await typeInto(q('tp-field-calls.supervisorExtension'), '2000');
    await click(q('tp-preview'));
    expect(sent).toEqual([
      {
        team: 'team-a',
        version: 2,
        author: 'Lucía Pérez',
        defaults: { 'calls.autoAnswer': true, 'calls.supervisorExtension': '2000' },
        enforced: { 'acw.durationSec': 90 },
      },
    ]);
    const problem = q('tp-problem-calls.supervisorExtension');
    expect(problem?.textContent).toContain(esMX['teamProfile.problem.invalid-value']);
    expect(problem?.textContent).toContain('not an extension');
    expect(q('tp-row-calls.supervisorExtension')?.getAttribute('data-invalid')).toBe('true');
    expect(q('tp-field-calls.supervisorExtension')?.getAttribute('aria-describedby')).toBe(problem?.id);
    // Only that field is marked.
    expect(q('tp-problem-acw.durationSec')).toBeNull();
    expect(q('tp-problem-calls.autoAnswer')).toBeNull();
    expect(q('tp-changes')?.textContent).toContain(`${esMX['setting.acw.durationSec']}: 60 → 90`);
    // Editing the field clears the core's word on the old value.
    await typeInto(q('tp-field-calls.supervisorExtension'), '2001');
    expect(q('tp-problem-calls.supervisorExtension')).toBeNull();
    await unmount();
  });

  it('signs and publishes, showing the version, where and the key id, then drafts the next version', async () => {
    const sent: ProfileDraft[] = [];
    let now = view;
    const { q, unmount } = await openTeamProfile({
      handlers: {
        'profile.draft': async () => now,
        'profile.publish': async ({ draft }) => {
          sent.push(draft);
          now = teamProfileView({ published: draft, draft: { ...draft, version: draft.version + 1 } });
          return { version: draft.version, publishedTo: '/srv/profiles/team-a/profile.jws', keyId: 'lead-2026' };
        },
      },
    });
    await typeInto(q('tp-mode-calls.autoAnswer'), 'unset');
    await click(q('tp-publish'));
    expect(sent.map((d) => [d.version, d.defaults, d.enforced])).toEqual([[2, {}, { 'acw.durationSec': 90 }]]);
    expect(q('tp-result')?.textContent).toBe(
      'Version 2 signed with key lead-2026 and published to /srv/profiles/team-a/profile.jws.',
    );
    // The published version is the new base; the form keeps its values and moves on to version 3.
    expect(q('tp-published')?.textContent).toBe('2');
    expect((q('tp-version') as HTMLInputElement).value).toBe('3');
    expect(q('tp-row-calls.autoAnswer')?.getAttribute('data-mode')).toBe('unset');
    await click(q('tp-publish'));
    expect(sent.map((d) => d.version)).toEqual([2, 3]);
    await unmount();
  });

  it('shows a refused publish naming the key, and marks its field', async () => {
    const { q, unmount } = await openTeamProfile({
      handlers: {
        'profile.publish': async () => {
          throw new ContractError('invalid-setting', { key: 'acw.durationSec' });
        },
      },
    });
    await click(q('tp-publish'));
    expect(q('tp-refusal')?.getAttribute('data-key')).toBe('acw.durationSec');
    expect(q('tp-refusal')?.textContent).toBe(
      en['teamProfile.refusedKey'].replace('{{label}}', en['setting.acw.durationSec']),
    );
    expect(q('tp-row-acw.durationSec')?.getAttribute('data-invalid')).toBe('true');
    expect(q('tp-result')).toBeNull();
    await unmount();
  });
});
