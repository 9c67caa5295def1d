import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { choiceOf, pickDevice, type DeviceChoice } from '../media/device-choice';
import { useApp, useAppStore } from './context';
import { ignorePromise } from '@common/ignore-promise';

type Key = 'audio.microphone' | 'audio.speaker' | 'audio.ringer';
type Device = Pick<MediaDeviceInfo, 'deviceId' | 'label' | 'kind'>;
const MISSING = 'missing:';

/** The devices the page can see, listed again on every plug and unplug. */
function useDevices(): Device[] | undefined {
  const [devices, setDevices] = useState<Device[] | undefined>();
  useEffect(() => {
    const md = typeof navigator !== 'undefined' ? navigator.mediaDevices : undefined;
    if (!md?.enumerateDevices) return undefined;
    let live = true;
    const list = () =>
      ignorePromise(
        md.enumerateDevices().then((d) => {
          if (live) setDevices(d.map(({ deviceId, label, kind }) => ({ deviceId, label, kind })));
        }),
      );
    list();
    md.addEventListener?.('devicechange', list);
    return () => {
      live = false;
      md.removeEventListener?.('devicechange', list);
    };
  }, []);
  return devices;
}

function DevicePicker({ settingKey, kind, devices }: { settingKey: Key; kind: MediaDeviceKind; devices: Device[] }) {
  const { t } = useTranslation();
  const store = useAppStore();
  const id = useId();
  const setting = useApp((s) => s.settings?.settings[settingKey]);
  const choice = (setting?.value ?? null) as DeviceChoice | null;
  const ofKind = devices.filter((d) => d.kind === kind && d.deviceId !== 'default' && d.deviceId !== '');
  const present = pickDevice(ofKind, kind, choice);
  // A remembered device that is not plugged in stays chosen (it is used again when it comes back) and says so.
  const value = choice ? (present ?? `${MISSING}${choice.id}`) : '';
  const save = (deviceId: string) => {
    if (deviceId.startsWith(MISSING)) return;
    ignorePromise(store.bridge.client['settings.set']({ key: settingKey, value: choiceOf(ofKind, kind, deviceId) }));
  };
  const name = settingKey.slice('audio.'.length);
  return (
    <div className="device-picker">
      <label htmlFor={id}>{t(`devices.${name}`)}</label>
      <select
        id={id}
        data-testid={`device-${name}`}
        value={value}
        disabled={setting?.locked ?? false}
        onChange={(e) => save(e.target.value)}
      >
        <option value="">{t('devices.default')}</option>
        {ofKind.map((d, i) => (
          <option key={d.deviceId} value={d.deviceId}>
            {d.label || t('devices.unnamed', { n: i + 1 })}
          </option>
        ))}
        {choice && !present && (
          <option value={`${MISSING}${choice.id}`}>{t('devices.missing', { label: choice.label || choice.id })}</option>
        )}
      </select>
      {choice && !present && (
        <span className="device-missing" data-testid={`device-${name}-missing`}>
          {t('devices.missingHint')}
        </span>
      )}
    </div>
  );
}

/** Microphone, speaker and ringer choices, remembered by id and label; ring on the speakers as well. */
export function AudioDevices() {
  const { t } = useTranslation();
  const store = useAppStore();
  const id = useId();
  const devices = useDevices();
  const ringOnSpeakers = useApp((s) => s.settings?.settings['audio.ringOnSpeakers']);
  const unnamed = devices !== undefined && devices.some((d) => d.label === '');
  return (
    <section className="panel devices" aria-labelledby={`${id}-t`} data-testid="audio-devices">
      <h2 id={`${id}-t`}>{t('devices.title')}</h2>
      {devices === undefined ? (
        <p>{t('devices.unavailable')}</p>
      ) : (
        <>
          <DevicePicker settingKey="audio.microphone" kind="audioinput" devices={devices} />
          <DevicePicker settingKey="audio.speaker" kind="audiooutput" devices={devices} />
          <DevicePicker settingKey="audio.ringer" kind="audiooutput" devices={devices} />
          <label className="ring-on-speakers">
            <input
              type="checkbox"
              data-testid="device-ring-on-speakers"
              checked={Boolean(ringOnSpeakers?.value)}
              disabled={ringOnSpeakers?.locked ?? false}
              onChange={(e) => {
                ignorePromise(
                  store.bridge.client['settings.set']({ key: 'audio.ringOnSpeakers', value: e.target.checked }),
                );
              }}
            />
            {t('devices.ringOnSpeakers')}
          </label>
          {unnamed && <p className="hint">{t('devices.namesHint')}</p>}
        </>
      )}
    </section>
  );
}
