import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it } from 'vitest';
import { createI18n } from '../../renderer/src/i18n/i18n';
import { createAppStore } from '../../renderer/src/state/app-store';
import { CallVolume } from '../../renderer/src/ui/CallVolume';
import { StoreContext } from '../../renderer/src/ui/context';
import { fakeBridge } from '../support/fake-bridge';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
afterEach(() => { document.body.innerHTML = ''; });

const view = (value: number, locked: boolean) => ({ settings: { 'audio.callVolume': { value, layer: locked ? 'policy' as const : 'user' as const, locked } }, issues: [] });

async function mount(value: number, locked: boolean) {
  const sets: unknown[] = [];
  const bridge = fakeBridge({
    'settings.get': async () => view(value, locked),
    'settings.set': async (a) => { sets.push(a); return view(a.value as number, locked); },
  });
  const store = createAppStore(bridge);
  const i18n = await createI18n('es-MX');
  const el = document.createElement('div');
  document.body.appendChild(el);
  await act(async () => {
    createRoot(el).render(<I18nextProvider i18n={i18n}><StoreContext.Provider value={store}><CallVolume /></StoreContext.Provider></I18nextProvider>);
    await new Promise((r) => setTimeout(r, 10));
  });
  return { el, bridge, sets, slider: el.querySelector<HTMLInputElement>('[data-testid="call-volume"]')! };
}

describe('call volume', () => {
  it('shows the volume the headset buttons set and writes the agent\'s own choice', async () => {
    const m = await mount(70, false);
    expect(m.slider.value).toBe('70');
    expect(m.el.querySelector('label')?.textContent).toBe('Volumen de la llamada');
    await act(async () => { m.bridge.emit('settings', view(90, false)); });
    expect(m.el.querySelector('[data-testid="call-volume-value"]')?.textContent).toBe('90 %');
    await act(async () => {
      const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
      set.call(m.slider, '40');
      m.slider.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(m.sets).toEqual([{ key: 'audio.callVolume', value: 40 }]);
  });

  it('a volume locked by IT is shown as locked and cannot be moved', async () => {
    const m = await mount(50, true);
    expect(m.slider.disabled).toBe(true);
    expect(m.el.textContent).toContain('bloqueó');
  });
});
