import { nextMicrophone, pickDevice, type DeviceChoice } from './device-choice';

export type SinkElement = HTMLMediaElement & { sinkId?: string; setSinkId?: (id: string) => Promise<void> };
type Devices = ReadonlyArray<Pick<MediaDeviceInfo, 'deviceId' | 'label' | 'kind'>>;

/**
 * Plays an element on the chosen output (by id, else label), or on the system default when there is no choice or
 * the chosen device is gone. Returns the sink id asked for; undefined when the element cannot choose (no setSinkId).
 */
export async function routeOutput(
  el: SinkElement,
  devices: Devices,
  choice: DeviceChoice | null,
): Promise<string | undefined> {
  if (!el.setSinkId) return undefined;
  const target = pickDevice(devices, 'audiooutput', choice) ?? '';
  if ((el.sinkId ?? '') !== target) await el.setSinkId(target).catch(() => undefined);
  return target;
}

/**
 * Switches a call's microphone in place when the choice or the plugged devices call for it: a new capture track
 * goes into the existing RTP sender with replaceTrack (no re-negotiation, so no re-INVITE), keeps the old track's
 * enabled state (mute, hold), and takes the old track's place in the local stream SIP.js keeps.
 * Returns the device now sending, or undefined when nothing changed.
 */
export async function switchMicrophone(o: {
  sender: RTCRtpSender | undefined;
  local: MediaStream | undefined;
  devices: Devices;
  choice: DeviceChoice | null;
  getUserMedia(c: MediaStreamConstraints): Promise<MediaStream>;
  enabled: boolean;
}): Promise<string | undefined> {
  const old = o.sender?.track ?? undefined;
  if (!o.sender || !old) return undefined;
  const target = nextMicrophone(o.devices, o.choice, {
    deviceId: old.getSettings().deviceId,
    live: old.readyState === 'live',
  });
  if (target === undefined) return undefined;
  const stream = await o.getUserMedia({ audio: { deviceId: { exact: target } }, video: false });
  const track = stream.getAudioTracks()[0];
  if (!track) return undefined;
  track.enabled = o.enabled;
  await o.sender.replaceTrack(track);
  if (o.local) {
    o.local.removeTrack(old);
    o.local.addTrack(track);
  }
  old.stop();
  return target;
}
