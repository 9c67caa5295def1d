import { describe, expect, it } from 'vitest';
import { hexToBytes, parseReportDescriptor } from '@common/hid/report-descriptor';
import { buildTelephonyModel } from '@common/hid/telephony-model';
import { HeadsetController, type HeadsetCallPort } from '../../../../electron/node/hid/headset-controller';
import { descriptorOf } from '../../../support/shared-headsets';

const modelOf = (name: string) => buildTelephonyModel(parseReportDescriptor(descriptorOf(name)));

function setup(name = 'Jabra EVOLVE', failWrites = false) {
  const asked: string[] = [];
  const writes: string[] = [];
  const port: HeadsetCallPort = {
    answer: () => asked.push('answer'),
    hangUp: () => asked.push('hangUp'),
    reject: () => asked.push('reject'),
    hold: (on) => asked.push(`hold:${on}`),
    setMute: (m) => asked.push(`mute:${m}`),
    muteRefused: () => asked.push('mute-refused'),
    changeVolume: (s) => asked.push(`volume:${s}`),
  };
  const c = new HeadsetController(
    modelOf(name),
    async (b) => {
      if (failWrites) throw new Error('could not write to HID device');
      writes.push(Buffer.from(b).toString('hex'));
    },
    port,
  );
  const press = (hex: string) => c.onReport(hexToBytes(hex));
  return { c, asked, writes, press };
}

describe('headset controller (Jabra: hook level, mute pulse, packed LEDs)', () => {
  it('ring → press hook answers; the device echo of our Off-Hook write is ignored; hook up again hangs up', async () => {
    const { c, asked, writes, press } = setup();
    expect(await c.onCallState({ phase: 'ringing', muted: false })).toEqual(['022400']); // ring + ringer
    press('020100');
    expect(asked).toEqual(['answer']);
    expect(await c.onCallState({ phase: 'active', muted: false })).toEqual(['020100']); // off-hook, ring cleared
    press('020100'); // echo
    expect(asked).toEqual(['answer']);
    press('020000');
    expect(asked).toEqual(['answer', 'hangUp']);
    await c.onCallState({ phase: 'idle', muted: false });
    expect(writes.at(-1)).toBe('020000');
  });

  it("mute only while off-hook, one request per press, lights echo the core's state", async () => {
    const { c, asked, press } = setup();
    press('020400');
    press('020000');
    expect(asked).toEqual(['mute-refused']); // on-hook: refused and reported, once per press (not on release)
    await c.onCallState({ phase: 'active', muted: false });
    press('020500');
    press('020500');
    press('020100');
    expect(asked).toEqual(['mute-refused', 'mute:true']);
    expect(await c.onCallState({ phase: 'active', muted: true })).toEqual(['021300']); // off-hook + mute + microphone
  });

  it("a call answered on screen ends the device's stale hook state without a spurious hang-up", async () => {
    const { c, asked, press } = setup();
    await c.onCallState({ phase: 'active', muted: false });
    press('020100');
    expect(asked).toEqual([]);
  });

  it('hold lights Hold without dropping Off-Hook; flash toggles hold', async () => {
    const { c, asked, press } = setup();
    await c.onCallState({ phase: 'active', muted: false });
    press('020900'); // flash bit 3 (+hook)
    expect(asked).toEqual(['hold:true']);
    expect(await c.onCallState({ phase: 'held', muted: false })).toEqual(['020900']);
  });

  it('every call starts with mute off on the device', async () => {
    const { c } = setup();
    await c.onCallState({ phase: 'active', muted: true });
    await c.onCallState({ phase: 'idle', muted: true });
    expect(await c.onCallState({ phase: 'ringing', muted: true })).toEqual(['022400']);
  });

  it('a device that vanishes mid-write is marked unusable with a reason, and nothing is thrown', async () => {
    const { c } = setup('Jabra EVOLVE', true);
    const seen: string[] = [];
    c.onStatus((s) => seen.push(s.usable ? 'ok' : s.reason));
    await expect(c.onCallState({ phase: 'ringing', muted: false })).resolves.toEqual([]);
    expect(seen).toEqual(['write-failed']);
  });

  it('garbage reports are ignored and reported once', () => {
    const { c, asked, press } = setup();
    for (let i = 0; i < 40; i++) press('7f');
    expect(asked).toEqual([]);
    expect(c.getStatus()).toMatchObject({ usable: false, reason: 'garbage-reports' });
  });
});

describe('other encodings', () => {
  it('Plantronics: one report per LED, only changed reports are written', async () => {
    const { c } = setup('Plantronics Blackwire 3220');
    const first = await c.onCallState({ phase: 'active', muted: false });
    expect(first).toEqual(expect.arrayContaining(['1701', '2a01']));
    expect(await c.onCallState({ phase: 'active', muted: true })).toEqual(['0901']);
    expect(await c.restore()).toHaveLength(first.length);
  });
  it('C-Media: hook is a pulse that toggles, mute an absolute level', async () => {
    const { c, asked, press } = setup('C-Media');
    const m = modelOf('C-Media');
    const report = (bits: number) => {
      const b = new Uint8Array(m.inputReportBytes[0] ?? 1);
      b[0] = bits;
      return Buffer.from(b).toString('hex');
    };
    await c.onCallState({ phase: 'ringing', muted: false });
    press(report(0x10));
    press(report(0x00));
    expect(asked).toEqual(['answer']);
    await c.onCallState({ phase: 'active', muted: false });
    press(report(0x08));
    expect(asked).toEqual(['answer', 'mute:true']);
  });
});
