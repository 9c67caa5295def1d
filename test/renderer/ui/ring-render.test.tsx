import { act } from 'react';
import { useTranslation } from 'react-i18next';
import type { i18n as I18n } from 'i18next';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../../renderer/src/ui/App';
import { preloadViews } from '../../../renderer/src/ui/lazy-views';
import { fakeBridge } from '../../support/fake-bridge';
import { renderUi, settleFor } from '../../support/render-ui';
import { callView, callsSnapshot, settingsView } from '../../support/views';

afterEach(() => {
  document.body.innerHTML = '';
});

/** The app beside a probe that hands out its i18next instance, so a test can see which texts a render asks for. */
async function mountWithTexts() {
  const got: { i18n?: I18n } = {};
  function Probe() {
    got.i18n = useTranslation().i18n;
    return null;
  }
  const bridge = fakeBridge({
    'settings.get': async () => settingsView({ 'account.server': 'wss://sip.example:7443', 'account.user': '1001' }),
  });
  await preloadViews();
  const ui = await renderUi(
    <>
      <App />
      <Probe />
    </>,
    { bridge, language: 'en', settle: 50 },
  );
  // Every text goes through the instance's one translator (react-i18next hands out a wrapper sharing it).
  const translator = (got.i18n as unknown as { translator: { translate: (k: unknown, ...r: unknown[]) => unknown } })
    .translator;
  const asked: string[] = [];
  const translate = translator.translate.bind(translator);
  translator.translate = (keys: unknown, ...rest: unknown[]) => {
    asked.push(...(Array.isArray(keys) ? keys : [keys]).map(String));
    return translate(keys, ...rest);
  };
  return { ...ui, bridge, asked };
}

describe('a ring renders only what it changes', () => {
  it('shows the ringing card without re-rendering the views, the status bar, the notes or the dial field', async () => {
    const app = await mountWithTexts();
    // Every later view is mounted (hidden) once its code is here, as in the app after the first idle moment.
    expect(app.q('view-history-panels')?.hasAttribute('hidden')).toBe(true);
    expect(app.q('view-settings-panels')?.childElementCount).toBeGreaterThan(0);
    app.asked.length = 0;
    await act(async () => app.bridge.emit('calls', callsSnapshot(callView('c1', { state: 'ringing' }))));
    expect(app.q('call')?.getAttribute('data-state')).toBe('ringing');
    expect(app.asked).toContain('call.answer');
    const elsewhere = app.asked.filter((k) => /^(views|history|settings|status|agent|notes|app)\./.test(k));
    expect(elsewhere).toEqual([]);
    // In the call panel itself, the dial field did not render again.
    expect(app.asked.filter((k) => k.startsWith('call.dial'))).toEqual([]);
    await app.unmount();
  });

  it('still brings the phone to the front from another view when a call rings', async () => {
    const app = await mountWithTexts();
    await act(async () => (app.q('view-history') as HTMLElement).click());
    await settleFor(10);
    expect(app.q('view-phone-panels')?.hasAttribute('hidden')).toBe(true);
    await act(async () => app.bridge.emit('calls', callsSnapshot(callView('c1', { state: 'ringing' }))));
    expect(app.q('view-phone-panels')?.hasAttribute('hidden')).toBe(false);
    expect(app.q('view-phone')?.getAttribute('aria-current')).toBe('page');
    await app.unmount();
  });
});
