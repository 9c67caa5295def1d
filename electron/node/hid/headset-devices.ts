import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseReportDescriptor } from '../../common/hid/report-descriptor';
import type { ControlEvent } from '../../common/hid/report-codec';
import { buildTelephonyModel, type OutputName, type TelephonyModel } from '../../common/hid/telephony-model';
import type { Logger } from '../log';
import { HeadsetController, type HeadsetCallPort, type HeadsetCallState, type HeadsetStatus } from './headset-controller';

/** The slice of node-hid this module uses, so tests pass a fake (test/support/fake-hid.ts). */
export interface HidDeviceInfo { path?: string; vendorId: number; productId: number; product?: string; usagePage?: number; usage?: number }
export interface HidHandle {
  on(event: 'data', listener: (data: Buffer) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  write(values: Buffer): Promise<number>;
  close(): Promise<void>;
}
export interface HidLibrary {
  devicesAsync(): Promise<HidDeviceInfo[]>;
  HIDAsync: { open(path: string, options?: { nonExclusive?: boolean }): Promise<HidHandle> };
  /** hidapi has hid_get_report_descriptor but node-hid does not expose it (yet); a library that can, may. */
  getReportDescriptor?(path: string): Promise<Uint8Array | undefined>;
}

/** On Linux the descriptor is in sysfs, readable without root. Elsewhere node-hid cannot give it (see README). */
export async function linuxDescriptor(devicePath: string, sysfs = '/sys/class/hidraw'): Promise<Uint8Array | undefined> {
  const node = /\/dev\/(hidraw\d+)$/.exec(devicePath)?.[1];
  if (!node) return undefined;
  try { return new Uint8Array(await fs.readFile(path.join(sysfs, node, 'device', 'report_descriptor'))); } catch { return undefined; }
}

export interface HeadsetView { connected: boolean; product?: string; path?: string; status: HeadsetStatus; buttons: string[]; lights: string[] }

/**
 * Finds the headset, opens its telephony interface without seizing it (other apps keep working), follows plug
 * and unplug by polling the device list, and restores the lights on reconnect.
 */
export class HeadsetDevices {
  private current: { path: string; handle: HidHandle; controller: HeadsetController; model: TelephonyModel; product?: string } | undefined;
  private callState: HeadsetCallState = { phase: 'idle', muted: false };
  private timer: ReturnType<typeof setInterval> | undefined;
  private scanning = false;
  private readonly unusable = new Map<string, string>();
  private readonly listeners = new Set<(v: HeadsetView) => void>();
  private readonly buttonListeners = new Set<(e: ControlEvent) => void>();

  constructor(private readonly o: { hid: HidLibrary; port: HeadsetCallPort; log: Logger; readDescriptor?: (p: string) => Promise<Uint8Array | undefined>; pollMs?: number }) {}

  start(): void {
    void this.scan();
    this.timer = setInterval(() => void this.scan(), this.o.pollMs ?? 2000);
    this.timer.unref?.();
  }
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.drop();
  }
  onChange(l: (v: HeadsetView) => void): () => void { this.listeners.add(l); return () => this.listeners.delete(l); }
  onButton(l: (e: ControlEvent) => void): () => void { this.buttonListeners.add(l); return () => this.buttonListeners.delete(l); }
  async testLights(lights: OutputName[] | undefined): Promise<boolean> {
    if (!this.current) return false;
    return this.current.controller.test(lights ? new Set(lights) : undefined);
  }
  view(): HeadsetView {
    const c = this.current;
    if (!c) return { connected: false, status: { usable: true }, buttons: [], lights: [] };
    return { connected: true, path: c.path, status: c.controller.getStatus(), buttons: Object.keys(c.model.inputs), lights: Object.keys(c.model.outputs), ...(c.product ? { product: c.product } : {}) };
  }

  async setCallState(s: HeadsetCallState): Promise<void> {
    this.callState = s;
    await this.current?.controller.onCallState(s);
  }

  /** One pass: keep the open device while it is listed; otherwise open the first usable telephony device. */
  async scan(): Promise<void> {
    if (this.scanning) return;
    this.scanning = true;
    try {
      const list = await this.o.hid.devicesAsync().catch(() => [] as HidDeviceInfo[]);
      if (this.current && !list.some((d) => d.path === this.current!.path)) { this.o.log.info('headset unplugged', { path: this.current.path }); await this.drop(); }
      if (this.current) return;
      // Telephony top-level collections first; then anything else whose descriptor carries telephony controls.
      const candidates = [...list].sort((a, b) => Number(b.usagePage === 0x0b) - Number(a.usagePage === 0x0b));
      const seen = new Set<string>();
      for (const d of candidates) {
        if (!d.path || seen.has(d.path) || this.unusable.has(d.path)) continue;
        seen.add(d.path);
        const raw = await (this.o.readDescriptor ?? this.o.hid.getReportDescriptor?.bind(this.o.hid) ?? ((p: string) => linuxDescriptor(p)))(d.path);
        if (!raw) continue;
        let model: TelephonyModel;
        try { model = buildTelephonyModel(parseReportDescriptor(raw)); } catch (e) {
          this.unusable.set(d.path, (e as Error).message);
          this.o.log.warn('headset descriptor unusable', { path: d.path, detail: (e as Error).message });
          continue;
        }
        if (!model.channel) continue;
        await this.open(d, model);
        return;
      }
    } finally {
      this.scanning = false;
    }
  }

  private async open(d: HidDeviceInfo, model: TelephonyModel): Promise<void> {
    let handle: HidHandle;
    try { handle = await this.o.hid.HIDAsync.open(d.path!, { nonExclusive: true }); } catch (e) {
      this.o.log.warn('headset could not be opened (permissions, or another app holds it)', { path: d.path, detail: (e as Error).message });
      return;
    }
    const controller = new HeadsetController(model, async (bytes) => { await handle.write(Buffer.from(bytes)); }, this.o.port);
    this.current = { path: d.path!, handle, controller, model, ...(d.product ? { product: d.product } : {}) };
    controller.onStatus(() => this.changed());
    controller.onEvent((e) => { for (const l of this.buttonListeners) l(e); });
    handle.on('data', (data) => controller.onReport(new Uint8Array(data)));
    handle.on('error', (err) => { this.o.log.warn('headset read error', { detail: err.message }); void this.drop(); });
    this.o.log.info('headset connected', { product: d.product, path: d.path, channel: model.channel?.kind });
    await controller.onCallState(this.callState);
    await controller.restore();
    this.changed();
  }

  private async drop(): Promise<void> {
    const c = this.current;
    this.current = undefined;
    if (c) { await c.handle.close().catch(() => undefined); this.changed(); }
  }

  private changed(): void { const v = this.view(); for (const l of this.listeners) l(v); }
}
