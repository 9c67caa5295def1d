/** A device remembered by id and by label: ids change across reboots and browser profiles, labels rarely do. */
export interface DeviceChoice {
  id: string;
  label: string;
}

type DeviceLike = Pick<MediaDeviceInfo, 'deviceId' | 'label' | 'kind'>;

/** The connected device of `kind` the choice names: by id first, else by label; undefined when it is not there. */
export function pickDevice(
  devices: ReadonlyArray<DeviceLike>,
  kind: MediaDeviceKind,
  choice: DeviceChoice | null,
): string | undefined {
  if (!choice) return undefined;
  const ofKind = devices.filter((d) => d.kind === kind);
  return (ofKind.find((d) => d.deviceId === choice.id) ?? ofKind.find((d) => d.label && d.label === choice.label))
    ?.deviceId;
}

/** The system default of `kind` (Chromium lists it as `default`), else the first one; undefined when none. */
export function defaultDevice(devices: ReadonlyArray<DeviceLike>, kind: MediaDeviceKind): string | undefined {
  const ofKind = devices.filter((d) => d.kind === kind);
  return (ofKind.find((d) => d.deviceId === 'default') ?? ofKind[0])?.deviceId;
}

/**
 * Which microphone a call should send from now, or undefined to keep the current one. The chosen device when it
 * is connected; otherwise the current one while it still works (plugged, track live); otherwise the default
 * (the chosen headset was unplugged: the call goes on with the laptop microphone rather than silence).
 */
export function nextMicrophone(
  devices: ReadonlyArray<DeviceLike>,
  choice: DeviceChoice | null,
  current: { deviceId?: string; live: boolean },
): string | undefined {
  const wanted = pickDevice(devices, 'audioinput', choice);
  const present =
    current.deviceId !== undefined && devices.some((d) => d.kind === 'audioinput' && d.deviceId === current.deviceId);
  const target = wanted ?? (current.live && present ? current.deviceId : defaultDevice(devices, 'audioinput'));
  if (target === undefined || (target === current.deviceId && current.live)) return undefined;
  return target;
}

/** What to remember for a device the agent picked (null: the system default). */
export function choiceOf(
  devices: ReadonlyArray<DeviceLike>,
  kind: MediaDeviceKind,
  deviceId: string,
): DeviceChoice | null {
  const d = devices.find((x) => x.kind === kind && x.deviceId === deviceId);
  return d && deviceId !== '' && deviceId !== 'default' ? { id: d.deviceId, label: d.label } : null;
}
