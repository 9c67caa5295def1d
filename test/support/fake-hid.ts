import { EventEmitter } from 'node:events';
import type { HidDeviceInfo, HidHandle, HidLibrary } from '../../electron/node/hid/headset-devices';

/** A node-hid stand-in: devices can be plugged, unplugged, made to send reports, and made to fail writes. */
export class FakeHid implements HidLibrary {
  readonly listed: HidDeviceInfo[] = [];
  readonly handles = new Map<string, FakeHandle>();
  readonly opens: Array<{ path: string; nonExclusive?: boolean }> = [];
  async devicesAsync() {
    return [...this.listed];
  }
  /** Paths whose open fails as hidapi's does without permission or when another app seized the device. */
  readonly refuseOpen = new Set<string>();
  HIDAsync = {
    open: async (path: string, options?: { nonExclusive?: boolean }) => {
      if (!this.listed.some((d) => d.path === path)) throw new Error('could not open device');
      if (this.refuseOpen.has(path)) throw new Error(`cannot open device with path ${path}`);
      this.opens.push({ path, ...(options?.nonExclusive !== undefined ? { nonExclusive: options.nonExclusive } : {}) });
      const h = new FakeHandle();
      this.handles.set(path, h);
      return h;
    },
  };
  readonly descriptors = new Map<string, Uint8Array>();
  async getReportDescriptor(path: string) {
    return this.descriptors.get(path);
  }
  plug(d: HidDeviceInfo, descriptor?: Uint8Array) {
    this.listed.push(d);
    if (descriptor && d.path) this.descriptors.set(d.path, descriptor);
  }
  unplug(path: string) {
    const i = this.listed.findIndex((d) => d.path === path);
    if (i >= 0) this.listed.splice(i, 1);
    this.handles.get(path)?.vanish();
  }
}

export class FakeHandle extends EventEmitter implements HidHandle {
  readonly writes: string[] = [];
  gone = false;
  closed = false;
  async write(values: Buffer) {
    if (this.gone) throw new Error('could not write to HID device');
    this.writes.push(values.toString('hex'));
    return values.length;
  }
  async close() {
    this.closed = true;
  }
  send(hex: string) {
    this.emit('data', Buffer.from(hex, 'hex'));
  }
  vanish() {
    this.gone = true;
  }
}
