import type { ReactNode } from 'react';
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import type { Bridge } from '../../renderer/src/bridge/create-bridge';
import { createI18n } from '../../renderer/src/i18n/i18n';
import { createAppStore, type AppStore } from '../../renderer/src/state/app-store';
import { StoreContext } from '../../renderer/src/ui/context';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/**
 * Renders a piece of the UI as the app does (app store over the given bridge, i18next in `language`) into a fresh
 * element in happy-dom, and lets the first loads settle. `q` finds an element by its data-testid.
 */
export async function renderUi(
  ui: ReactNode,
  o: { bridge: Bridge; language: 'en' | 'es-MX' | 'es-ES'; settleMs?: number },
): Promise<{ el: HTMLDivElement; store: AppStore; q: (testId: string) => Element | null }> {
  const store = createAppStore(o.bridge);
  const i18n = await createI18n(o.language);
  const el = document.createElement('div');
  document.body.appendChild(el);
  await act(async () => {
    createRoot(el).render(
      <I18nextProvider i18n={i18n}>
        <StoreContext.Provider value={store}>{ui}</StoreContext.Provider>
      </I18nextProvider>,
    );
    await new Promise((r) => setTimeout(r, o.settleMs ?? 10));
  });
  return { el, store, q: (testId) => el.querySelector(`[data-testid="${testId}"]`) };
}
