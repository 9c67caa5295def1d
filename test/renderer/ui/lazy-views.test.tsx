import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../../renderer/src/ui/App';
import { viewsLoaded } from '../../../renderer/src/ui/lazy-views';
import { fakeBridge } from '../../support/fake-bridge';
import { click, renderUi, settleFor } from '../../support/render-ui';
import { settingsView } from '../../support/views';

afterEach(() => {
  document.body.innerHTML = '';
});

// The app as the page starts it: the later views' code not loaded yet (mountApp loads it first; this does not).
describe('later views load after the phone', () => {
  it('paints the phone without the other views, then loads and mounts them hidden; one opened early says it is loading', async () => {
    const bridge = fakeBridge({
      'settings.get': async () => settingsView({ 'account.server': 'wss://sip.example/ws', 'account.user': '1001' }),
    });
    const { q, unmount } = await renderUi(<App />, { bridge, language: 'en', settle: 'microtasks' });
    expect(viewsLoaded()).toBe(false);
    expect(q('dial-input')).not.toBeNull();
    expect(q('history')).toBeNull();
    expect(q('account-server')).toBeNull();
    // Opened before its code is here: the view shows a polite loading line, then itself.
    await click(q('view-settings'));
    const loading = q('view-loading');
    if (loading) expect(loading.getAttribute('role')).toBe('status');
    await vi.waitFor(
      async () => {
        await settleFor(20);
        expect(q('account-server')).not.toBeNull();
      },
      { timeout: 10_000 },
    );
    expect(q('view-loading')).toBeNull();
    // Once idle, the rest arrives and mounts hidden (a history search survives a look at the phone, as before).
    await vi.waitFor(
      async () => {
        await settleFor(20);
        expect(viewsLoaded()).toBe(true);
        expect(q('history')).not.toBeNull();
      },
      { timeout: 10_000 },
    );
    expect(q('view-history-panels')?.hasAttribute('hidden')).toBe(true);
    await unmount();
  });
});
