import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { esMX } from '../../../renderer/src/i18n/es-MX';
import { HeadsetCheck } from '../../../renderer/src/ui/HeadsetCheck';
import { fakeBridge } from '../../support/fake-bridge';
import { renderUi } from '../../support/render-ui';

afterEach(() => {
  document.body.innerHTML = '';
});

async function mount(language: 'en' | 'es-MX' | 'es-ES', bridge = fakeBridge()) {
  const { el } = await renderUi(<HeadsetCheck />, { bridge, language });
  return { el, bridge };
}

describe('headset check screen', () => {
  it("says why a headset cannot be used, in the agent's language, as text", async () => {
    const bridge = fakeBridge({
      'headset.get': async () => ({
        connected: false,
        status: { usable: true },
        buttons: [],
        lights: [],
        problems: [
          {
            path: '/dev/hidraw4',
            product: '<img src=x onerror=alert(1)>',
            reason: 'no-access',
            detail: 'cannot open device with path /dev/hidraw4',
          },
        ],
      }),
    });
    const { el } = await mount('es-ES', bridge);
    const p = el.querySelector('[data-testid="headset-problem"]')!;
    expect(p.getAttribute('data-reason')).toBe('no-access');
    expect(p.textContent).toContain('No se ha podido abrir <img src=x onerror=alert(1)>');
    expect(p.textContent).toContain('informática');
    // The device's own (English) message is kept for IT, under a translated label, not inside the sentence.
    expect(p.textContent).toContain('No se ha podido abrir <img src=x onerror=alert(1)>. En Linux');
    expect(p.textContent).toContain('Detalle para informática: cannot open device with path /dev/hidraw4');
    expect(el.querySelector('img')).toBeNull();
  });

  it("says why a connected headset stopped working by its reason, not by the core's English message", async () => {
    const bridge = fakeBridge({
      'headset.get': async () => ({
        connected: true,
        product: 'Jabra',
        status: { usable: false, reason: 'write-failed', detail: 'write EIO' },
        buttons: [],
        lights: [],
      }),
    });
    const { el } = await mount('es-MX', bridge);
    const p = el.querySelector('[data-testid="headset-unusable"]')!;
    expect(p.getAttribute('data-reason')).toBe('write-failed');
    expect(p.textContent).toBe(`${esMX['headset.unusable.write-failed']} Detalle para TI: write EIO`);
  });

  it("names each decoded press in the agent's language", async () => {
    const bridge = fakeBridge({
      'headset.get': async () => ({
        connected: true,
        product: 'Jabra',
        status: { usable: true },
        buttons: ['hookSwitch', 'volumeUp'],
        lights: ['offHook'],
      }),
    });
    const { el } = await mount('es-MX', bridge);
    await act(async () => {
      bridge.emit('headset.button', { usage: 'volumeUp', value: 1 });
      bridge.emit('headset.button', { usage: 'hookSwitch', value: 1 });
      bridge.emit('headset.button', { usage: 'telephonyKey7', value: 1 });
    });
    const items = [...el.querySelectorAll('[data-testid="headset-events"] li')].map((li) => li.textContent);
    expect(items).toEqual([
      'Otro botón (telephonyKey7) (1)',
      'Botón de llamada (colgar/descolgar) (1)',
      'Subir volumen (1)',
    ]);
  });
});
