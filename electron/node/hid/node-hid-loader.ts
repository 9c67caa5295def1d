import type { HidLibrary } from './headset-devices';

/**
 * node-hid for the shells: a machine where the native module cannot load (no prebuilt binary for this platform,
 * a missing libusb) simply has no headset support, and the headset check says so.
 */
export async function loadNodeHid(): Promise<HidLibrary | undefined> {
  try {
    const m = await import('node-hid');
    return (m.default ?? m) as unknown as HidLibrary;
  } catch {
    return undefined;
  }
}
