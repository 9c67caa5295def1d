import type { ReactNode } from 'react';
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import type { ContractHandlers } from '@common/contract/contract';
import type { Bridge } from '../../renderer/src/bridge/create-bridge';
import { createI18n } from '../../renderer/src/i18n/i18n';
import { createAppStore } from '../../renderer/src/state/app-store';
import { App } from '../../renderer/src/ui/App';
import { StoreContext } from '../../renderer/src/ui/context';
import { preloadViews } from '../../renderer/src/ui/lazy-views';
import { fakeBridge, type FakeBridge } from './fake-bridge';
import { settingsView } from './views';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

export type UiLanguage = 'en' | 'es-MX' | 'es-ES';

export interface RenderUiOptions {
  bridge: Bridge;
  language: UiLanguage;
  /**
   * How the first loads settle after the first render: for this many real milliseconds (default 10), or
   * `'microtasks'` (a few turns of the promise queue) for a test that runs fake timers.
   */
  settle?: number | 'microtasks';
}

/**
 * Renders a piece of the UI as the app does (app store over the given bridge, i18next in `language`) into a fresh
 * element in happy-dom, and lets the first loads settle. `q` finds an element by its data-testid.
 */
export async function renderUi(ui: ReactNode, o: RenderUiOptions) {
  const store = createAppStore(o.bridge);
  const i18n = await createI18n(o.language);
  const el = document.createElement('div');
  document.body.appendChild(el);
  const root = createRoot(el);
  await act(async () => {
    root.render(
      <I18nextProvider i18n={i18n}>
        <StoreContext.Provider value={store}>{ui}</StoreContext.Provider>
      </I18nextProvider>,
    );
  });
  await (o.settle === 'microtasks' ? settleMicrotasks() : settleFor(o.settle ?? 10));
  return {
    el,
    store,
    q: (testId: string) => el.querySelector(`[data-testid="${testId}"]`),
    unmount: () => act(() => root.unmount()),
  };
}

export interface MountAppOptions {
  language?: UiLanguage;
  handlers?: Partial<ContractHandlers>;
  settings?: Record<string, unknown>;
  settle?: RenderUiOptions['settle'];
}

/**
 * The whole app over a scripted core: `fakeBridge` with `handlers`, and `settings` (key → value) as `settings.get`
 * answers them. Language English unless said.
 */
export async function mountApp(
  o: MountAppOptions = {},
): Promise<Awaited<ReturnType<typeof renderUi>> & { bridge: FakeBridge }> {
  const bridge = fakeBridge({ 'settings.get': async () => settingsView(o.settings), ...o.handlers });
  // The later views are lazy chunks in the app; here their modules are loaded first, so a test that opens a view
  // finds it rendered as soon as React has taken the (already loaded) module.
  await preloadViews();
  const rendered = await renderUi(<App />, { bridge, language: o.language ?? 'en', settle: o.settle });
  return { ...rendered, bridge };
}

/** Lets React updates and promises (fake core answers) run for `ms` real milliseconds. */
export async function settleFor(ms: number): Promise<void> {
  await act(async () => {
    await new Promise((r) => setTimeout(r, ms));
  });
}

/** Lets promises (fake core answers) and React updates run without a timer; works with real and fake timers. */
export async function settleMicrotasks(): Promise<void> {
  await act(async () => {
    for (let i = 0; i < 5; i++) await Promise.resolve();
  });
}

/** Types a value into an input, textarea or select as a person would (React sees the input event). */
export async function typeInto(el: Element | null, value: string): Promise<void> {
  if (!el) throw new Error('typeInto: no element');
  await act(async () => {
    const proto = Object.getPrototypeOf(el) as object;
    Object.getOwnPropertyDescriptor(proto, 'value')!.set!.call(el, value);
    el.dispatchEvent(new Event(el instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }));
  });
}

/** Clicks an element inside act(), and lets the fake core's answers land. */
export async function click(el: Element | null): Promise<void> {
  if (!el) throw new Error('click: no element');
  await act(async () => {
    (el as HTMLElement).click();
  });
  await settleMicrotasks();
}
