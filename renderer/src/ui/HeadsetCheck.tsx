import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OutputName } from '@common/hid/telephony-model';
import { ignorePromise } from '@common/ignore-promise';
import { useApp, useAppStore } from './context';
import { TechDetail } from './TechDetail';
import { useCoreView } from './use-core-view';

/** The pre-shift check: which headset, each button press as it is decoded, and lights on demand. */
export function HeadsetCheck() {
  const { t } = useTranslation();
  const store = useAppStore();
  const id = useId();
  const bridgeUp = useApp((s) => s.bridge === 'connected');
  const view = useCoreView('headset.get', 'headset');
  const [events, setEvents] = useState<Array<{ usage: string; value: number; at: number }>>([]);
  useEffect(() => {
    if (!bridgeUp) return;
    return store.bridge.on('headset.button', (e) => setEvents((x) => [{ ...e, at: Date.now() }, ...x].slice(0, 10)));
  }, [bridgeUp, store]);
  const light = (lights: OutputName[] | null) => ignorePromise(store.bridge.client['headset.testLights']({ lights }));
  return (
    <section className="panel headset" aria-labelledby={`${id}-t`} data-testid="headset-check">
      <h2 id={`${id}-t`}>{t('headset.title')}</h2>
      {!view?.connected && (
        <p data-testid="headset-none">{view?.unsupported ? t('headset.unsupported') : t('headset.none')}</p>
      )}
      {view?.connected && (
        <p data-testid="headset-name">{t('headset.connected', { name: view.product ?? view.path ?? '' })}</p>
      )}
      {view?.connected && !view.status.usable && (
        <p className="error" role="alert" data-testid="headset-unusable" data-reason={view.status.reason}>
          {t(`headset.unusable.${view.status.reason}`)} <TechDetail detail={view.status.detail} />
        </p>
      )}
      {view?.problems?.map((p) => (
        <p key={p.path} className="error" role="alert" data-testid="headset-problem" data-reason={p.reason}>
          {t(`headset.problem.${p.reason}`, { name: p.product ?? p.path })} <TechDetail detail={p.detail} />
        </p>
      ))}
      {view?.connected && (
        <>
          <p>{t('headset.pressHint')}</p>
          <div className="buttons">
            <button type="button" onClick={() => light(['ring'])}>
              {t('headset.light.ring')}
            </button>
            <button type="button" onClick={() => light(['offHook'])}>
              {t('headset.light.offHook')}
            </button>
            <button type="button" onClick={() => light(['mute', 'microphone'])}>
              {t('headset.light.mute')}
            </button>
            <button type="button" onClick={() => light(null)}>
              {t('headset.light.off')}
            </button>
          </div>
          <ol aria-live="polite" aria-label={t('headset.events')} data-testid="headset-events">
            {events.map((e) => (
              <li key={e.at + e.usage} data-usage={e.usage}>
                {t(`headset.usage.${e.usage}`, { defaultValue: t('headset.usage.other', { usage: e.usage }) })} (
                {e.value})
              </li>
            ))}
          </ol>
        </>
      )}
      <p className="note">{t('headset.help')}</p>
    </section>
  );
}
