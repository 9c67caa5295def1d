import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { CallVolume } from '../../../renderer/src/ui/CallVolume';
import { esMX } from '../../../renderer/src/i18n/es-MX';
import { fakeBridge } from '../../support/fake-bridge';
import { renderUi } from '../../support/render-ui';

afterEach(() => {
  document.body.innerHTML = '';
});

type Lock = false | 'policy' | 'team-locked';
const view = (value: number, locked: Lock) => ({
  settings: { 'audio.callVolume': { value, layer: locked || ('user' as const), locked: Boolean(locked) } },
  issues: [],
});

async function mount(value: number, locked: Lock) {
  const sets: unknown[] = [];
  const bridge = fakeBridge({
    'settings.get': async () => view(value, locked),
    'settings.set': async (a) => {
      sets.push(a);
      return view(a.value as number, locked);
    },
  });
  const { el } = await renderUi(<CallVolume />, { bridge, language: 'es-MX' });
  return { el, bridge, sets, slider: el.querySelector<HTMLInputElement>('[data-testid="call-volume"]')! };
}

describe('call volume', () => {
  it("shows the volume the headset buttons set and writes the agent's own choice", async () => {
    const m = await mount(70, false);
    expect(m.slider.value).toBe('70');
    expect(m.el.querySelector('label')?.textContent).toBe('Volumen de la llamada');
    await act(async () => {
      m.bridge.emit('settings', view(90, false));
    });
    expect(m.el.querySelector('[data-testid="call-volume-value"]')?.textContent).toBe('90 %');
    await act(async () => {
      const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
      set.call(m.slider, '40');
      m.slider.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(m.sets).toEqual([{ key: 'audio.callVolume', value: 40 }]);
  });

  it('a volume locked by IT or by the team lead is shown as locked by whom, and cannot be moved', async () => {
    const byIt = await mount(50, 'policy');
    expect(byIt.slider.disabled).toBe(true);
    expect(byIt.el.querySelector('[data-testid="call-volume-locked"]')?.textContent).toBe(esMX['settings.locked.it']);
    document.body.innerHTML = '';
    const team = await mount(60, 'team-locked');
    expect(team.slider.disabled).toBe(true);
    expect(team.el.querySelector('[data-testid="call-volume-locked"]')?.textContent).toBe(esMX['settings.locked.team']);
  });
});
