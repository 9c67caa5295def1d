/** A device remembered by id and by label: ids change across reboots and browser profiles, labels rarely do. */
export interface DeviceChoice { id: string; label: string }

export function pickDevice(devices: ReadonlyArray<Pick<MediaDeviceInfo, 'deviceId' | 'label' | 'kind'>>, kind: MediaDeviceKind, choice: DeviceChoice | null): string | undefined {
  if (!choice) return undefined;
  const ofKind = devices.filter((d) => d.kind === kind);
  return (ofKind.find((d) => d.deviceId === choice.id) ?? ofKind.find((d) => d.label && d.label === choice.label))?.deviceId;
}
