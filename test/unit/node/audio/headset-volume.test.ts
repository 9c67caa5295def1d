import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nextCallVolume } from '../../../../electron/node/audio/call-volume';
import type { LayerSource } from '../../../../electron/node/settings/layer-source';
import { startAgentCore, type AgentCore } from '../../../support/agent-core';
import { FakeHid } from '../../../support/fake-hid';
import { descriptorOf } from '../../../support/shared-headsets';
import { until } from '../../../support/sip-party';

// A real Plantronics Blackwire 3220 descriptor: volume lives in its Consumer collection (report 1, relative
// pulses), beside the Telephony collection. The buttons change the call volume setting the renderer applies.
const hidPath = '/dev/hidraw3';
let agent: AgentCore | undefined;
afterEach(async () => {
  await agent?.dispose();
  agent = undefined;
});

async function withHeadset(policy?: LayerSource) {
  const hid = new FakeHid();
  hid.plug(
    {
      path: hidPath,
      vendorId: 0x047f,
      productId: 0xc056,
      product: 'Plantronics Blackwire 3220 Series',
      usagePage: 0x0b,
      usage: 5,
    },
    descriptorOf('Plantronics Blackwire 3220 Series'),
  );
  agent = await startAgentCore({ hid, ...(policy ? { policy } : {}) });
  const core = agent.core;
  await until(() => core.headset?.view().connected === true, 5000, 'headset connected');
  const handle = hid.handles.get(hidPath)!;
  const volume = () => core.settings.get('audio.callVolume');
  // Relative controls are pulses: press (bit set) then release.
  const press = (report: string) => {
    handle.send(report);
    handle.send('0100');
  };
  return { core, volume, up: () => press('0101'), down: () => press('0102') };
}

describe('headset volume buttons', () => {
  it('steps by ten and stays within 0..100', () => {
    expect(nextCallVolume(80, 1)).toBe(90);
    expect(nextCallVolume(100, 1)).toBe(100);
    expect(nextCallVolume(0, -1)).toBe(0);
    expect(nextCallVolume(73, -1)).toBe(60);
  });

  it('volume up and down change the call volume the agent hears, one step per press, saved for next time', async () => {
    const h = await withHeadset();
    expect(h.volume()).toBe(80);
    h.up();
    await until(() => h.volume() === 90, 3000, 'volume 90');
    h.down();
    h.down();
    h.down(); // a quick triple press moves three steps, none lost
    await until(() => h.volume() === 60, 3000, 'volume 60');
    const saved = JSON.parse(readFileSync(path.join(agent!.dir, 'settings.json'), 'utf8')) as Record<string, unknown>;
    expect(saved['audio.callVolume']).toBe(60);
  });

  it('a volume locked by IT policy does not move', async () => {
    const policy: LayerSource = { name: 'policy', read: async () => ({ values: { 'audio.callVolume': 50 } }) };
    const h = await withHeadset(policy);
    const pressed: unknown[] = [];
    h.core.connect((name, payload) => {
      if (name === 'headset.button') pressed.push(payload);
    });
    h.up();
    await until(() => pressed.length > 0, 3000, 'press shown');
    await new Promise((r) => setTimeout(r, 50));
    expect(h.volume()).toBe(50);
    expect(pressed[0]).toEqual({ usage: 'volumeUp', value: 1 });
  });
});
