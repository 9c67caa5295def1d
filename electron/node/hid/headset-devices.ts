import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { HeadsetProblem, HeadsetView } from '@common/contract/headset';
import { Emitter } from '@common/emitter';
import { parseReportDescriptor } from '@common/hid/report-descriptor';
import type { ControlEvent } from '@common/hid/report-codec';
import { buildTelephonyModel, type OutputName, type TelephonyModel } from '@common/hid/telephony-model';
import type { Logger } from '../log';
import { HeadsetController, type HeadsetCallPort, type HeadsetCallState } from './headset-controller';

/** The slice of node-hid this module uses, so tests pass a fake (test/support/fake-hid.ts). */
export interface HidDeviceInfo {
  path?: string;
  vendorId: number;
  productId: number;
  product?: string;
  usagePage?: number;
  usage?: number;
}
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
export async function linuxDescriptor(
  devicePath: string,
  sysfs = '/sys/class/hidraw',
): Promise<Uint8Array | undefined> {
  const node = /\/dev\/(hidraw\d+)$/.exec(devicePath)?.[1];
  if (!node) return undefined;
  try {
    return new Uint8Array(await fs.readFile(path.join(sysfs, node, 'device', 'report_descriptor')));
  } catch {
    return undefined;
  }
}

/**
 * Finds the headset, opens its telephony interface without seizing it (other apps keep working), follows plug
 * and unplug by polling the device list, and restores the lights on reconnect.
 */
export class HeadsetDevices {
  private current:
    | { path: string; handle: HidHandle; controller: HeadsetController; model: TelephonyModel; product?: string }
    | undefined;
  private callState: HeadsetCallState = { phase: 'idle', muted: false };
  private timer: ReturnType<typeof setInterval> | undefined;
  private scanning = false;
  /** By path: descriptors that cannot be parsed (never retried while plugged) and devices that refused to open (retried, logged once). */
  private readonly problems = new Map<string, HeadsetProblem>();
  private readonly changes = new Emitter<HeadsetView>();
  private readonly buttons = new Emitter<ControlEvent>();

  constructor(
    private readonly o: {
      hid: HidLibrary;
      port: HeadsetCallPort;
      log: Logger;
      readDescriptor?: (p: string) => Promise<Uint8Array | undefined>;
      pollMs?: number;
    },
  ) {}

  start(): void {
    void this.scan();
    this.timer = setInterval(() => void this.scan(), this.o.pollMs ?? 2000);
    this.timer.unref?.();
  }
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.drop();
  }
  readonly onChange = this.changes.on;
  /** Every decoded button event of the open headset, acted on or not. */
  readonly onButton = this.buttons.on;
  async testLights(lights: OutputName[] | undefined): Promise<boolean> {
    if (!this.current) return false;
    return this.current.controller.test(lights ? new Set(lights) : undefined);
  }
  view(): HeadsetView {
    const c = this.current;
    const problems = this.problems.size ? { problems: [...this.problems.values()].slice(0, 16) } : {};
    if (!c) return { connected: false, status: { usable: true }, buttons: [], lights: [], ...problems };
    return {
      connected: true,
      path: c.path,
      status: c.controller.getStatus(),
      buttons: Object.keys(c.model.inputs),
      lights: Object.keys(c.model.outputs),
      ...(c.product ? { product: c.product } : {}),
      ...problems,
    };
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
      if (this.current && !list.some((d) => d.path === this.current!.path)) {
        this.o.log.info('headset unplugged', { path: this.current.path });
        await this.drop();
      }
      // A device unplugged is forgotten with its problem: plugged again, it gets a fresh look.
      const before = this.problems.size;
      for (const p of [...this.problems.keys()]) if (!list.some((d) => d.path === p)) this.problems.delete(p);
      if (this.problems.size !== before) this.changed();
      if (this.current) return;
      // Telephony top-level collections first; then anything else whose descriptor carries telephony controls.
      const candidates = [...list].sort((a, b) => Number(b.usagePage === 0x0b) - Number(a.usagePage === 0x0b));
      const seen = new Set<string>();
      for (const d of candidates) {
        if (!d.path || seen.has(d.path) || this.problems.get(d.path)?.reason === 'descriptor') continue;
        seen.add(d.path);
        const raw = await (
          this.o.readDescriptor ??
          this.o.hid.getReportDescriptor?.bind(this.o.hid) ??
          ((p: string) => linuxDescriptor(p))
        )(d.path);
        if (!raw) continue;
        let model: TelephonyModel;
        try {
          model = buildTelephonyModel(parseReportDescriptor(raw));
        } catch (e) {
          this.problem(d, 'descriptor', (e as Error).message);
          continue;
        }
        if (!model.channel) continue;
        if (await this.open(d, model)) return;
      }
    } finally {
      this.scanning = false;
    }
  }

  /** Logged and shown once per device and reason, however often the scan meets it again. */
  private problem(d: HidDeviceInfo, reason: HeadsetProblem['reason'], detail: string): void {
    const devicePath = d.path!;
    const known = this.problems.get(devicePath);
    if (known?.reason === reason && known.detail === detail) return;
    this.problems.set(devicePath, {
      path: devicePath,
      reason,
      detail: detail.slice(0, 300),
      ...(d.product ? { product: d.product.slice(0, 128) } : {}),
    });
    this.o.log.warn(
      reason === 'descriptor'
        ? 'headset descriptor unusable'
        : 'headset could not be opened (permissions, or another app holds it)',
      { path: devicePath, detail },
    );
    this.changed();
  }

  private async open(d: HidDeviceInfo, model: TelephonyModel): Promise<boolean> {
    let handle: HidHandle;
    try {
      handle = await this.o.hid.HIDAsync.open(d.path!, { nonExclusive: true });
    } catch (e) {
      this.problem(d, 'no-access', (e as Error).message);
      return false;
    }
    if (this.problems.delete(d.path!)) this.o.log.info('headset can be opened now', { path: d.path });
    const controller = new HeadsetController(
      model,
      async (bytes) => {
        await handle.write(Buffer.from(bytes));
      },
      this.o.port,
    );
    this.current = { path: d.path!, handle, controller, model, ...(d.product ? { product: d.product } : {}) };
    controller.onStatus(() => this.changed());
    controller.onEvent((e) => this.buttons.emit(e));
    handle.on('data', (data) => controller.onReport(new Uint8Array(data)));
    handle.on('error', (err) => {
      this.o.log.warn('headset read error', { detail: err.message });
      void this.drop();
    });
    this.o.log.info('headset connected', { product: d.product, path: d.path, channel: model.channel?.kind });
    await controller.onCallState(this.callState);
    await controller.restore();
    this.changed();
    return true;
  }

  private async drop(): Promise<void> {
    const c = this.current;
    this.current = undefined;
    if (!c) return;
    // A device unplugged mid-call cannot always be closed cleanly; it is gone either way.
    try {
      await c.handle.close();
    } catch {
      /* already gone */
    }
    this.changed();
  }

  private changed(): void {
    this.changes.emit(this.view());
  }
}
