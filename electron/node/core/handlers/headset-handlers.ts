import type { ContractHandlers } from '@common/contract/contract';
import type { HeadsetDevices } from '../../hid/headset-devices';

/** The headset check screen. Without headset support (node-hid did not load) the headset is `unsupported`. */
export function headsetHandlers(d: {
  headset: Pick<HeadsetDevices, 'view' | 'testLights'> | undefined;
}): Pick<ContractHandlers, 'headset.get' | 'headset.testLights'> {
  return {
    'headset.get': async () =>
      d.headset?.view() ?? { connected: false, status: { usable: true }, buttons: [], lights: [], unsupported: true },
    'headset.testLights': async ({ lights }) => ({ ok: (await d.headset?.testLights(lights ?? undefined)) ?? false }),
  };
}
