import { describe, expect, it } from 'vitest';
import { DescriptorError, hexToBytes, parseReportDescriptor } from '@common/hid/report-descriptor';
import { bytesToHex } from '@common/hid/report-descriptor';
import { encodeLeds, EventDecoder } from '@common/hid/report-codec';
import { buildTelephonyModel, type InputName } from '@common/hid/telephony-model';
import { runHidCommand } from '../../../../electron/node/cli/hid-command';
import { sharedHeadsets } from '../../../support/shared-headsets';

const devices = sharedHeadsets;
const model = (name: string) => {
  const d = devices.find((x) => x.product.startsWith(name));
  if (!d) throw new Error(`no device ${name}`);
  return buildTelephonyModel(parseReportDescriptor(hexToBytes(d.descriptorHex)));
};

describe('report descriptors of real headsets', () => {
  it('every shared descriptor parses', () => {
    for (const d of devices) expect(() => parseReportDescriptor(hexToBytes(d.descriptorHex)), d.product).not.toThrow();
  });

  // Cross-check against the independent layout in the JSON: where it names a telephony input, our model must
  // put that control at the same report ID and bit.
  const names: Record<string, InputName> = {
    'Telephony:HookSwitch': 'hookSwitch',
    'Telephony:PhoneMute': 'phoneMute',
    'Telephony:Flash': 'flash',
    'Telephony:Redial': 'redial',
    'Telephony:Drop': 'drop',
  };
  for (const d of devices) {
    it(`matches the derived layout: ${d.product}`, () => {
      const m = buildTelephonyModel(parseReportDescriptor(hexToBytes(d.descriptorHex)));
      let checked = 0;
      for (const report of d.derivedReportLayout ?? []) {
        if (report.kind !== 'Input') continue;
        for (const f of report.fields) {
          if (/Cnst/.test(f.flags)) continue;
          f.usages.forEach((u, k) => {
            const name = names[u];
            const bit = name ? m.inputs[name] : undefined;
            if (!name || !bit || bit.reportId !== report.reportId) return;
            expect(bit.bitOffset, `${d.product} ${u}`).toBe(f.bitOffset + k * f.size);
            expect(bit.relative, `${d.product} ${u}`).toBe(/Rel/.test(f.flags));
            checked++;
          });
        }
      }
      if (m.channel?.kind === 'telephony') expect(checked).toBeGreaterThan(0);
    });
  }

  it('chooses one channel: Telephony collection, else Consumer carrying telephony usages, else none', () => {
    expect(model('Jabra EVOLVE').channel?.kind).toBe('telephony');
    expect(model('Plantronics Blackwire 3220').channel?.kind).toBe('telephony');
    expect(model('C-Media').channel?.kind).toBe('consumer');
    expect(model('C-Media').inputs.hookSwitch?.relative).toBe(true);
    expect(model('C-Media').inputs.phoneMute?.relative).toBe(false);
    expect(model('Razer').channel).toBeUndefined();
    expect(model('Logitech G535').channel).toBeUndefined();
    // Anker's telephony bits are flagged Constant: nothing usable.
    expect(model('Anker').inputs.hookSwitch).toBeUndefined();
  });

  it('finds volume in the Consumer collection beside the Telephony one, and inside the telephony report', () => {
    expect(model('Plantronics Blackwire 3220').inputs.volumeUp).toMatchObject({ reportId: 1, relative: true });
    expect(model('EPOS IMPACT DW').inputs).toMatchObject({
      volumeDown: { reportId: 2, bitOffset: 0 },
      volumeUp: { reportId: 2, bitOffset: 1 },
      hookSwitch: { reportId: 2, bitOffset: 2 },
    });
  });
});

describe('decoding and encoding', () => {
  it('hook is a level, mute a pulse; echoes and repeats do not make new events', () => {
    const dec = new EventDecoder(model('Jabra EVOLVE'));
    const ev = (hex: string) => dec.push(hexToBytes(hex)).events;
    expect(ev('020100')).toEqual([{ usage: 'hookSwitch', value: 1 }]);
    expect(ev('020100')).toEqual([]); // the device echoing the same level
    expect(ev('020500')).toEqual([{ usage: 'phoneMute', value: 1 }]);
    expect(ev('020500')).toEqual([]); // held pulse is one press
    expect(ev('020100')).toEqual([]); // pulse released
    expect(ev('020000')).toEqual([{ usage: 'hookSwitch', value: 0 }]);
  });

  it('refuses garbage reports with a reason instead of throwing', () => {
    const dec = new EventDecoder(model('Jabra EVOLVE'));
    expect(dec.push(new Uint8Array()).ignored?.reason).toBe('empty');
    expect(dec.push(hexToBytes('7f0000')).ignored?.reason).toBe('unknown-report');
    expect(dec.push(hexToBytes('02')).ignored?.reason).toBe('wrong-length');
  });

  it('packed LEDs are rebuilt whole; one-report-per-LED devices get one report each', () => {
    const jabra = model('Jabra EVOLVE');
    expect(encodeLeds(jabra, new Set(['offHook', 'mute'])).map((r) => bytesToHex(r.bytes))).toEqual(['020300']);
    expect(encodeLeds(jabra, new Set(['offHook', 'mute', 'microphone'])).map((r) => bytesToHex(r.bytes))).toEqual([
      '021300',
    ]);
    const poly = model('Plantronics Blackwire 3220');
    const reports = encodeLeds(poly, new Set(['offHook', 'mute'])).map((r) => bytesToHex(r.bytes));
    expect(reports).toContain('0901');
    expect(reports).toContain('1701');
    expect(reports).toContain('1800'); // ring stays off, written explicitly
  });

  it('names what is wrong with a broken descriptor', () => {
    const jabra = hexToBytes(devices.find((d) => d.product.startsWith('Jabra EVOLVE'))!.descriptorHex);
    expect(() => parseReportDescriptor(jabra.subarray(0, jabra.length - 1))).toThrow(DescriptorError);
    expect(() => parseReportDescriptor(hexToBytes('c0'))).toThrow(/unbalanced/);
    expect(() => parseReportDescriptor(hexToBytes('0501a1'))).toThrow(/truncated/);
    expect(() => parseReportDescriptor(new Uint8Array())).toThrow(/empty/);
    // Long items are skipped, not misread.
    expect(parseReportDescriptor(hexToBytes('fe020000aabb050b0905a10109207501950181020600ffc0')).fields).toHaveLength(
      1,
    );
  });
});

describe('diadema hid decode', () => {
  const run = async (args: string[]) => {
    let out = '',
      err = '';
    const code = await runHidCommand(args, {
      out: (s) => {
        out += s;
      },
      err: (s) => {
        err += s;
      },
    });
    return { code, out, err };
  };
  it('prints inputs, outputs, events and LED reports as one JSON object', async () => {
    const hex = devices.find((d) => d.product.startsWith('Jabra EVOLVE'))!.descriptorHex;
    const r = await run([
      'decode',
      '--descriptor',
      hex,
      '--report',
      '020100',
      '--report',
      '020500',
      '--report',
      '020100',
      '--leds',
      'offHook,ring',
    ]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.inputs.hookSwitch).toEqual({ reportId: 2, bitOffset: 0, bitSize: 1, relative: false });
    expect(j.outputs.ring).toEqual({ reportId: 2, bitOffset: 2, bitSize: 1, relative: false });
    expect(j.events).toEqual([
      { usage: 'hookSwitch', value: 1 },
      { usage: 'phoneMute', value: 1 },
    ]);
    expect(j.ledReports).toEqual(['020500']);
  });
  it('refuses bad input with a clear message', async () => {
    expect((await run(['decode', '--descriptor', 'zz'])).code).toBe(1);
    expect((await run(['decode', '--descriptor', '0501', '--leds', 'disco'])).err).toMatch(/unknown LED disco/);
    expect((await run(['decode'])).code).toBe(2);
    const listed = await run(['list']);
    expect(listed.code).toBe(0);
  });
});
