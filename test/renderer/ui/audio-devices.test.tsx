import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { esMX } from '../../../renderer/src/i18n/es-MX';
import { AudioDevices } from '../../../renderer/src/ui/AudioDevices';
import { fakeBridge } from '../../support/fake-bridge';
import { renderUi } from '../../support/render-ui';
import { installFakeMedia } from '../../support/fake-media-devices';

let fake: ReturnType<typeof installFakeMedia>;
beforeEach(() => {
  fake = installFakeMedia();
  fake.devices.devices = [
    { deviceId: 'default', label: 'Default - Built-in Microphone', kind: 'audioinput', groupId: 'a' },
    { deviceId: 'mic-laptop', label: 'Built-in Microphone', kind: 'audioinput', groupId: 'a' },
    { deviceId: 'out-speakers', label: 'Built-in Speakers', kind: 'audiooutput', groupId: 'a' },
  ];
});
afterEach(() => {
  fake.uninstall();
  document.body.innerHTML = '';
});

type Values = Record<string, unknown>;
async function mount(initial: Values) {
  let values: Values = { ...initial };
  const view = () => ({
    settings: Object.fromEntries(
      Object.entries(values).map(([k, value]) => [k, { value, layer: 'user' as const, locked: false }]),
    ),
    issues: [],
  });
  const sets: Array<{ key: string; value: unknown }> = [];
  const bridge = fakeBridge({
    'settings.get': async () => view(),
    'settings.set': async (a) => {
      sets.push(a);
      values = { ...values, [a.key]: a.value };
      const v = view();
      bridge.emit('settings', v);
      return v;
    },
  });
  const { el } = await renderUi(<AudioDevices />, { bridge, language: 'es-MX', settle: 20 });
  const select = (name: string) => el.querySelector<HTMLSelectElement>(`[data-testid="device-${name}"]`)!;
  const options = (name: string) => [...select(name).options].map((o) => o.textContent);
  return { el, sets, select, options };
}
const settle = () =>
  act(async () => {
    await new Promise((r) => setTimeout(r, 20));
  });

describe('audio device choices', () => {
  it('lists microphones, speakers and ringers in Spanish, each a labelled control reachable by keyboard', async () => {
    const { el, options, select } = await mount({});
    expect(options('microphone')).toEqual([esMX['devices.default'], 'Built-in Microphone']);
    expect(options('speaker')).toEqual([esMX['devices.default'], 'Built-in Speakers']);
    expect(options('ringer')).toEqual([esMX['devices.default'], 'Built-in Speakers']);
    for (const name of ['microphone', 'speaker', 'ringer']) {
      const s = select(name);
      expect(s.tabIndex).toBeGreaterThanOrEqual(0);
      expect(el.querySelector(`label[for="${s.id}"]`)?.textContent).toBe(esMX[`devices.${name}` as keyof typeof esMX]);
    }
    expect(
      el.querySelector<HTMLInputElement>('[data-testid="device-ring-on-speakers"]')?.closest('label')?.textContent,
    ).toBe(esMX['devices.ringOnSpeakers']);
  });

  it('remembers a pick by id and label, and the default as no choice', async () => {
    const { sets, select } = await mount({});
    await act(async () => {
      select('microphone').value = 'mic-laptop';
      select('microphone').dispatchEvent(new Event('change', { bubbles: true }));
    });
    await act(async () => {
      select('ringer').value = 'out-speakers';
      select('ringer').dispatchEvent(new Event('change', { bubbles: true }));
    });
    await act(async () => {
      select('microphone').value = '';
      select('microphone').dispatchEvent(new Event('change', { bubbles: true }));
    });
    expect(sets).toEqual([
      { key: 'audio.microphone', value: { id: 'mic-laptop', label: 'Built-in Microphone' } },
      { key: 'audio.ringer', value: { id: 'out-speakers', label: 'Built-in Speakers' } },
      { key: 'audio.microphone', value: null },
    ]);
  });

  it('says when the remembered headset is not plugged in, and picks it again when it comes back under a new id', async () => {
    const { el, options, select } = await mount({
      'audio.microphone': { id: 'mic-jabra-1', label: 'Jabra Evolve2 40' },
    });
    expect(options('microphone')).toContain('Jabra Evolve2 40 (no conectado)');
    expect(el.querySelector('[data-testid="device-microphone-missing"]')?.textContent).toBe(
      esMX['devices.missingHint'],
    );
    await act(async () => {
      fake.devices.plug({ deviceId: 'mic-jabra-9', label: 'Jabra Evolve2 40', kind: 'audioinput' });
    });
    await settle();
    expect(select('microphone').value).toBe('mic-jabra-9');
    expect(options('microphone')).toEqual([esMX['devices.default'], 'Built-in Microphone', 'Jabra Evolve2 40']);
    expect(el.querySelector('[data-testid="device-microphone-missing"]')).toBeNull();
  });
});
