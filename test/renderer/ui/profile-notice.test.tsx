import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProfileStatus } from '@common/contract/profile';
import { en } from '../../../renderer/src/i18n/en';
import { esES } from '../../../renderer/src/i18n/es-ES';
import { esMX } from '../../../renderer/src/i18n/es-MX';
import { click, mountApp } from '../../support/render-ui';
import { profileStatus } from '../../support/views';

afterEach(() => {
  document.body.innerHTML = '';
});

const identity = (version: number) => ({
  team: 'team-a',
  version,
  author: 'Ana Ruiz',
  issuedAt: '2026-12-03T09:00:00Z',
  keyId: 'lead-2026',
});

const applied = (version: number, over: Partial<ProfileStatus> = {}): ProfileStatus =>
  profileStatus({
    configured: true,
    applied: identity(version),
    appliedAt: Date.UTC(2026, 11, 3, 9, 0, 5),
    changes: [
      { key: 'acw.durationSec', mode: 'enforced', before: 60, after: 90 },
      { key: 'calls.autoAnswer', mode: 'default', before: false, after: true },
      { key: 'account.server', mode: 'default', before: '', after: 'wss://sip.example.org/ws' },
    ],
    pending: ['account.server'],
    lastCheck: { at: Date.UTC(2026, 11, 3, 9, 0, 5), trigger: 'check-sync', outcome: 'applied', version },
    ...over,
  });

describe('team profile notice', () => {
  it('announces a newly applied version with its author, the count and each change, politely', async () => {
    const { el, q, bridge, unmount } = await mountApp({ language: 'en' });
    const region = q('profile-notice-region')!;
    // The live region is in the page before anything is announced in it.
    expect(region.getAttribute('role')).toBe('status');
    expect(region.getAttribute('aria-live')).toBe('polite');
    expect(q('profile-notice')).toBeNull();
    await act(async () => bridge.emit('profile', applied(12)));
    expect(q('profile-notice-text')?.textContent).toBe('Team profile v12 from Ana Ruiz applied: 3 settings changed.');
    expect(region.contains(q('profile-notice'))).toBe(true);
    const items = [...el.querySelectorAll('[data-testid="profile-notice-changes"] li')];
    expect(items.map((li) => li.getAttribute('data-key'))).toEqual([
      'acw.durationSec',
      'calls.autoAnswer',
      'account.server',
    ]);
    expect(items[0]!.textContent).toBe(`${en['setting.acw.durationSec']}: 60 → 90 ${en['profileNotice.enforced']}`);
    expect(items[1]!.textContent).toBe(`${en['setting.calls.autoAnswer']}: Off → On`);
    // A change that waits for the call to end says so; the others do not.
    expect(items[2]!.querySelector('[data-testid="profile-change-pending"]')?.textContent).toBe(
      ` ${en['profileNotice.pending']}`,
    );
    expect(items[0]!.querySelector('[data-testid="profile-change-pending"]')).toBeNull();
    // Once the call ended, the core says nothing is pending any more.
    await act(async () => bridge.emit('profile', applied(12, { pending: [] })));
    expect(q('profile-change-pending')).toBeNull();
    await click(q('profile-notice-dismiss'));
    expect(q('profile-notice')).toBeNull();
    // The same version again (a poll that found nothing new) is not announced twice.
    await act(async () =>
      bridge.emit('profile', applied(12, { lastCheck: { at: 1, trigger: 'poll', outcome: 'applied', version: 12 } })),
    );
    expect(q('profile-notice')).toBeNull();
    await unmount();
  });

  it('counts one change in the singular, in Spanish', async () => {
    const { q, bridge, unmount } = await mountApp({ language: 'es-MX' });
    await act(async () =>
      bridge.emit(
        'profile',
        applied(3, { changes: [{ key: 'mute.longMuteSec', mode: 'default', before: 20, after: 30 }] }),
      ),
    );
    expect(q('profile-notice-text')?.textContent).toBe('Perfil del equipo v3 de Ana Ruiz aplicado: cambió 1 ajuste.');
    await unmount();
  });

  it("shows a refusal as a short notice in the agent's language, the exact reason only under Details for IT", async () => {
    const { q, bridge, unmount } = await mountApp({ language: 'es-ES' });
    const refused = applied(12, {
      lastCheck: {
        at: 2,
        trigger: 'poll',
        outcome: 'refused',
        refusal: 'bad-signature',
        detail: 'signature does not verify with key lead-2026',
        version: 13,
      },
    });
    await act(async () => bridge.emit('profile', refused));
    expect(q('profile-notice')?.getAttribute('data-kind')).toBe('problem');
    expect(q('profile-notice-text')?.textContent).toBe(esES['profileNotice.refused']);
    const details = q('profile-notice-detail') as HTMLDetailsElement;
    expect(details.tagName).toBe('DETAILS');
    expect(details.open).toBe(false);
    expect(details.querySelector('summary')?.textContent).toBe(esES['profileNotice.details']);
    expect(q('profile-notice-code')?.textContent).toBe('bad-signature');
    expect(details.textContent).toContain('signature does not verify with key lead-2026');
    await click(q('profile-notice-dismiss'));
    // The next poll failing the same way does not bring it back; a different failure does.
    await act(async () => bridge.emit('profile', { ...refused, lastCheck: { ...refused.lastCheck!, at: 3 } }));
    expect(q('profile-notice')).toBeNull();
    await act(async () =>
      bridge.emit('profile', {
        ...refused,
        lastCheck: { at: 4, trigger: 'poll', outcome: 'unreachable', problem: 'tls', detail: 'CERT_HAS_EXPIRED' },
      }),
    );
    expect(q('profile-notice-text')?.textContent).toBe(esES['profileNotice.unreachable']);
    expect(q('profile-notice-code')?.textContent).toBe('tls');
    await unmount();
  });

  it('tells of a failing check found at start, but not of the version already in force', async () => {
    const start = applied(12, {
      lastCheck: { at: 1, trigger: 'start', outcome: 'refused', refusal: 'rollback', detail: 'version 11 <= 12' },
    });
    const failing = await mountApp({ language: 'en', handlers: { 'profile.status': async () => start } });
    expect(failing.q('profile-notice-text')?.textContent).toBe(en['profileNotice.refused']);
    await failing.unmount();
    const fine = await mountApp({ language: 'en', handlers: { 'profile.status': async () => applied(12) } });
    expect(fine.q('profile-notice')).toBeNull();
    await fine.unmount();
  });

  it('shows the profile in force in the Settings view and checks now on request', async () => {
    let checks = 0;
    const { q, bridge, unmount } = await mountApp({
      language: 'es-MX',
      handlers: {
        'profile.status': async () => applied(12, { lastCheck: { at: 1, trigger: 'start', outcome: 'unchanged' } }),
        'profile.check': async () => {
          checks++;
          return applied(13);
        },
      },
    });
    await click(q('view-settings'));
    expect(q('profile-state-team')?.textContent).toBe('team-a');
    expect(q('profile-state-version')?.textContent).toBe('12');
    expect(q('profile-state-last-check')?.getAttribute('data-outcome')).toBe('unchanged');
    await click(q('profile-check'));
    expect(checks).toBe(1);
    expect(bridge.calls).toContain('profile.check');
    expect(q('profile-state-version')?.textContent).toBe('13');
    // What the check applied is announced like any newly applied version.
    expect(q('profile-notice-text')?.textContent).toContain('v13');
    await unmount();
  });

  it('says when this computer follows no team profile', async () => {
    const { q, unmount } = await mountApp({ language: 'es-MX' });
    await click(q('view-settings'));
    expect(q('profile-state-none')?.textContent).toBe(esMX['profileState.notConfigured']);
    expect(q('profile-check')).toBeNull();
    await unmount();
  });
});
