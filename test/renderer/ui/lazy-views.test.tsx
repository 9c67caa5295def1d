import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it } from 'vitest';
import { createI18n } from '../../../renderer/src/i18n/i18n';
import { es } from '../../../renderer/src/i18n/es';
import { LazyView, retryableView } from '../../../renderer/src/ui/lazy-views';

afterEach(() => {
  document.body.innerHTML = '';
});

const q = (el: Element, id: string) => el.querySelector(`[data-testid="${id}"]`);

describe('a later view whose code cannot be fetched', () => {
  it('says so in place (the rest of the page stays), and loads on "try again" once the code is there', async () => {
    let attempts = 0;
    let available = false;
    const View = retryableView<{ who: string }>(async () => {
      attempts++;
      if (!available) throw new Error('chunk fetch failed');
      return ({ who }) => <p data-testid="the-view">{who}</p>;
    });
    const i18n = await createI18n('es-MX');
    const el = document.createElement('div');
    document.body.append(el);
    const root = createRoot(el);
    // React reports the caught error on the console; that is expected here.
    const quiet = console.error;
    console.error = () => undefined;
    try {
      await act(async () =>
        root.render(
          <I18nextProvider i18n={i18n}>
            <p data-testid="phone">phone</p>
            <LazyView>
              <View who="history" />
            </LazyView>
          </I18nextProvider>,
        ),
      );
      await act(async () => new Promise((r) => setTimeout(r, 0)));
      expect(q(el, 'view-failed')?.getAttribute('role')).toBe('alert');
      expect(q(el, 'view-failed')?.textContent).toContain(es['app.viewFailed']);
      expect(q(el, 'phone')?.textContent).toBe('phone');
      expect(attempts).toBe(1);

      available = true;
      await act(async () => (q(el, 'view-retry') as HTMLButtonElement).click());
      await act(async () => new Promise((r) => setTimeout(r, 0)));
      expect(attempts).toBe(2);
      expect(q(el, 'view-failed')).toBeNull();
      expect(q(el, 'the-view')?.textContent).toBe('history');
    } finally {
      console.error = quiet;
      await act(async () => root.unmount());
    }
  });
});
