import { readFileSync } from 'node:fs';
import path from 'node:path';
import { hexToBytes, parseReportDescriptor } from '@common/hid/report-descriptor';
import { buildTelephonyModel, type TelephonyModel } from '@common/hid/telephony-model';
import { HeadsetDevices } from '../../electron/node/hid/headset-devices';
import { createLogger } from '../../electron/node/log';
import { FakeHid } from '../../test/support/fake-hid';
import { Counter, type HostileTally } from './hostile-tally';

interface Headset {
  product: string;
  descriptorHex: string;
}

/**
 * Random HID input through the product's own headset path (`HeadsetDevices` → descriptor parser → telephony model
 * → `HeadsetController`), one real shared headset descriptor per device, node-hid replaced by the test-support
 * fake: random reports (lengths 0–80, report IDs mostly the device's own) while the call state moves between idle,
 * ringing and active, plus descriptors with bytes flipped, cut short or doubled. A throw escaping the handle's
 * `data` listener or an unhandled rejection counts; refusals are the parser's coded errors and the controller's
 * "garbage-reports" status. State kept: afterwards each device, unplugged and plugged again as one would, still
 * answers a ringing call with its hook switch.
 */
export async function hostileHid(o: { inputs: number; random: () => number }): Promise<HostileTally> {
  const headsets = (
    JSON.parse(
      readFileSync(path.resolve(process.cwd(), 'test', 'fixtures', 'hid', 'headset-descriptors.json'), 'utf8'),
    ) as Headset[]
  ).map((h) => ({ ...h, bytes: hexToBytes(h.descriptorHex) }));
  const int = (n: number) => Math.floor(o.random() * n);
  const warnings = new Counter();
  const log = createLogger((line) => {
    const m = /^\S+ (warn|error)\s+\[[^\]]*\] ([^{]*)/.exec(line);
    if (m) warnings.add(m[2]!.trim());
  }, 'debug');
  let uncaught = 0;
  let escaped = 0;
  const onRejection = () => uncaught++;
  process.on('unhandledRejection', onRejection);
  const refusals = new Counter();
  const accepted = new Counter();
  let inputs = 0;
  try {
    // A tenth of the inputs are mutated descriptors: the parser must refuse them with a code or build some model.
    const descriptorInputs = Math.round(o.inputs / 10);
    for (let i = 0; i < descriptorInputs; i++) {
      const base = headsets[i % headsets.length]!.bytes;
      const bytes = mutateDescriptor(base, int);
      inputs++;
      try {
        const model = buildTelephonyModel(parseReportDescriptor(bytes));
        accepted.add(model.channel ? 'descriptor still usable' : 'descriptor without telephony');
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        if (typeof code === 'string') refusals.add(`descriptor ${code}`);
        else escaped++;
      }
    }
    // The rest are reports, spread over the devices that have a telephony channel.
    const usable = headsets
      .map((h) => ({ h, model: buildTelephonyModel(parseReportDescriptor(h.bytes)) }))
      .filter((x) => x.model.channel && x.model.inputs.hookSwitch);
    const perDevice = Math.ceil((o.inputs - descriptorInputs) / usable.length);
    let answered = 0;
    for (const [n, { h, model }] of usable.entries()) {
      const hid = new FakeHid();
      const devicePath = `/dev/hidraw-bench-${n}`;
      hid.plug({ path: devicePath, vendorId: 1, productId: n, product: h.product, usagePage: 0x0b, usage: 5 }, h.bytes);
      let answers = 0;
      const devices = new HeadsetDevices({
        hid,
        log,
        pollMs: 60_000,
        port: {
          answer: () => answers++,
          hangUp: () => undefined,
          reject: () => undefined,
          hold: () => undefined,
          setMute: () => undefined,
          muteRefused: () => undefined,
          changeVolume: () => undefined,
        },
      });
      await devices.scan();
      const ids = Object.keys(model.inputReportBytes).map(Number);
      const phases = ['idle', 'ringing', 'active'] as const;
      for (let i = 0; i < perDevice && inputs < o.inputs; i++) {
        if (i % 25 === 0) await devices.setCallState({ phase: phases[int(3)]!, muted: false });
        const report = randomReport(model, ids, int);
        inputs++;
        try {
          hid.handles.get(devicePath)?.emit('data', Buffer.from(report));
        } catch {
          escaped++;
        }
      }
      const status = devices.view().status;
      if (!status.usable) refusals.add(`status ${status.reason ?? 'unusable'}`);
      // As an agent would: unplug the headset that went quiet, plug it back, take the next call with it.
      hid.unplug(devicePath);
      await devices.scan();
      hid.plug({ path: devicePath, vendorId: 1, productId: n, product: h.product, usagePage: 0x0b, usage: 5 }, h.bytes);
      await devices.scan();
      await devices.setCallState({ phase: 'ringing', muted: false });
      const before = answers;
      hid.handles.get(devicePath)?.emit('data', Buffer.from(hookReport(model, true)));
      if (answers > before) answered++;
      await devices.stop();
    }
    await new Promise((r) => setTimeout(r, 50));
    return {
      kind: 'HID reports + descriptors',
      inputs,
      crashes: 0,
      uncaught: uncaught + escaped,
      coded: refusals.total() + warnings.total(),
      stateKept: `${answered === usable.length ? 'yes' : 'NO'} (${answered}/${usable.length} headsets answer after)`,
      notes: [
        `refusals: ${refusals.toString()}`,
        `mutated descriptors parsed anyway: ${accepted.toString()}`,
        `logged: ${warnings.toString()}`,
      ],
    };
  } finally {
    process.off('unhandledRejection', onRejection);
  }
}

function randomReport(model: TelephonyModel, ids: number[], int: (n: number) => number): Uint8Array {
  const len =
    int(10) === 0 ? int(81) : (model.inputReportBytes[ids[int(ids.length)] ?? 0] ?? 2) + (model.usesReportIds ? 1 : 0);
  const bytes = new Uint8Array(len);
  for (let i = 0; i < len; i++) bytes[i] = int(256);
  // Mostly the device's own report IDs, so the decoder reads the fields rather than refusing the ID at once.
  if (model.usesReportIds && len > 0 && int(5) > 0) bytes[0] = ids[int(ids.length)] ?? 0;
  return bytes;
}

/** The hook switch down (or up) in the report that carries it, every other bit clear. */
function hookReport(model: TelephonyModel, down: boolean): Uint8Array {
  const hook = model.inputs.hookSwitch!;
  const payload = new Uint8Array(model.inputReportBytes[hook.reportId] ?? 1);
  if (down) payload[hook.bitOffset >> 3]! |= 1 << (hook.bitOffset & 7);
  return model.usesReportIds ? Uint8Array.from([hook.reportId, ...payload]) : payload;
}

function mutateDescriptor(base: Uint8Array, int: (n: number) => number): Uint8Array {
  const b = Uint8Array.from(base);
  switch (int(5)) {
    case 0: // bit flips
      for (let k = 0; k < 1 + int(8); k++) b[int(b.length)]! ^= 1 << int(8);
      return b;
    case 1: // cut short
      return b.subarray(0, int(b.length));
    case 2: // random bytes of a plausible length
      return Uint8Array.from({ length: 1 + int(400) }, () => int(256));
    case 3: // doubled (report IDs and collections repeated)
      return Uint8Array.from([...b, ...b]);
    default: // a random byte overwritten at a few places, lengths in item prefixes included
      for (let k = 0; k < 1 + int(4); k++) b[int(b.length)] = int(256);
      return b;
  }
}
