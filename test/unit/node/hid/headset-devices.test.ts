import { describe, expect, it } from 'vitest';
import { HeadsetDevices } from '../../../../electron/node/hid/headset-devices';
import { createLogger } from '../../../../electron/node/log';
import { FakeHid } from '../../../support/fake-hid';
import { jabraDescriptor, jabraInfo } from '../../../support/shared-headsets';

// Devices that look like headsets but cannot be used: the reason reaches the headset check screen, the log
// gets it once however many scans meet it, and a device that becomes usable is taken up.
const jabraBytes = jabraDescriptor();
const info = jabraInfo;
const idlePort = {
  answer() {},
  hangUp() {},
  reject() {},
  hold() {},
  setMute() {},
  muteRefused() {},
  changeVolume() {},
};

function devices(hid: FakeHid) {
  const lines: string[] = [];
  const d = new HeadsetDevices({ hid, port: idlePort, log: createLogger((l) => lines.push(l), 'debug') });
  return { d, lines, warnings: (what: string) => lines.filter((l) => l.includes(what)).length };
}

describe('headset devices that cannot be used', () => {
  it('a truncated descriptor: not used, reason shown, logged once, another headset still taken', async () => {
    const hid = new FakeHid();
    hid.plug(info('/dev/hidraw1'), jabraBytes.slice(0, 40));
    const { d, warnings } = devices(hid);
    for (let i = 0; i < 3; i++) await d.scan();
    expect(d.view()).toMatchObject({
      connected: false,
      problems: [{ path: '/dev/hidraw1', reason: 'descriptor', product: 'Jabra EVOLVE LINK MS' }],
    });
    expect(d.view().problems![0]!.detail.length).toBeGreaterThan(0);
    expect(warnings('headset descriptor unusable')).toBe(1);
    expect(hid.opens).toEqual([]);
    hid.plug(info('/dev/hidraw2'), jabraBytes);
    await d.scan();
    expect(d.view()).toMatchObject({ connected: true, path: '/dev/hidraw2', status: { usable: true } });
    await d.stop();
  });

  it('a headset that refuses to open (permissions, seized by another app): shown, logged once, taken when it opens', async () => {
    const hid = new FakeHid();
    hid.plug(info('/dev/hidraw4'), jabraBytes);
    hid.refuseOpen.add('/dev/hidraw4');
    const { d, warnings } = devices(hid);
    const views: Array<ReturnType<HeadsetDevices['view']>> = [];
    d.onChange((v) => views.push(v));
    for (let i = 0; i < 4; i++) await d.scan();
    expect(d.view()).toMatchObject({
      connected: false,
      problems: [{ reason: 'no-access', detail: expect.stringContaining('cannot open') }],
    });
    expect(warnings('headset could not be opened')).toBe(1);
    expect(views).toHaveLength(1);
    hid.refuseOpen.clear();
    await d.scan();
    expect(d.view().connected).toBe(true);
    expect(d.view().problems).toBeUndefined();
    await d.stop();
  });

  it('unplugging a device forgets its problem; plugged again it is looked at afresh', async () => {
    const hid = new FakeHid();
    hid.plug(info('/dev/hidraw5'), Uint8Array.from([0x05, 0x0b, 0x09, 0x05, 0xa1, 0x01, 0x09])); // collection never closed
    const { d } = devices(hid);
    await d.scan();
    expect(d.view().problems).toHaveLength(1);
    hid.unplug('/dev/hidraw5');
    await d.scan();
    expect(d.view().problems).toBeUndefined();
    hid.plug(info('/dev/hidraw5'), jabraBytes);
    await d.scan();
    expect(d.view().connected).toBe(true);
    await d.stop();
  });
});
