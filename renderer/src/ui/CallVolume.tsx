import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useApp, useAppStore } from './context';
import { ignorePromise } from '@common/ignore-promise';
import { lockOf, sourceOf } from './setting-fields';

/** Call volume (the headset's volume buttons move the same setting); arrow keys step it like any range input. */
export function CallVolume() {
  const { t } = useTranslation();
  const store = useAppStore();
  const id = useId();
  const setting = useApp((s) => s.settings?.settings['audio.callVolume']);
  const value = typeof setting?.value === 'number' ? setting.value : 80;
  const locked = setting?.locked ?? false;
  // Who holds it: the team lead (team profile) or IT (policy), said the way the Settings view says it.
  const by = locked ? (lockOf(sourceOf('audio.callVolume', setting?.layer, true)) ?? 'it') : undefined;
  return (
    <div className="call-volume">
      <label htmlFor={id}>{t('call.volume')}</label>
      <input
        id={id}
        type="range"
        min={0}
        max={100}
        step={10}
        value={value}
        disabled={locked}
        data-testid="call-volume"
        aria-valuetext={t('call.volumeValue', { value })}
        onChange={(e) => {
          ignorePromise(
            store.bridge.client['settings.set']({ key: 'audio.callVolume', value: Number(e.target.value) }),
          );
        }}
      />
      <output htmlFor={id} data-testid="call-volume-value">
        {t('call.volumeValue', { value })}
      </output>
      {by && (
        <span className="locked" data-testid="call-volume-locked" data-by={by}>
          {t(`settings.locked.${by}`)}
        </span>
      )}
    </div>
  );
}
