import { useTranslation } from 'react-i18next';
import { useApp, useAppStore } from './context';

/**
 * The mute state as the core holds it, visible from across the desk: large, with a shape and a word, not colour
 * alone, announced to screen readers; and the warnings an agent must not miss.
 */
export function MuteBar() {
  const { t } = useTranslation();
  const store = useAppStore();
  const muted = useApp((s) => s.calls.muted);
  const mute = useApp((s) => s.mute);
  const active = useApp((s) => s.calls.calls.find((c) => c.state === 'active' || c.state === 'held'));
  const toggle = () => void store.bridge.client['call.mute']({ muted: !muted }).catch(() => undefined);
  return (
    <div className={`mute-bar ${muted ? 'is-muted' : ''}`}>
      <div className="mute-indicator" data-testid="mute-indicator" data-muted={muted} role="status" aria-live="assertive">
        <span aria-hidden="true" className="mute-icon">{muted ? '🔇' : '🎙'}</span>
        <strong>{muted ? t('mute.on') : t('mute.off')}</strong>
      </div>
      <button type="button" data-testid="mute-toggle" aria-pressed={muted} onClick={toggle} aria-keyshortcuts="Control+Shift+M">
        {muted ? t('call.unmute') : t('call.mute')}
      </button>
      {mute?.talkingWhileMuted && (
        <div className="warning talking" role="alert" data-testid="mute-warning-talking">
          <span aria-hidden="true">⚠</span> {t('mute.talking')}
          <button type="button" onClick={toggle}>{t('mute.unmuteNow')}</button>
        </div>
      )}
      {mute?.longMute && (
        <div className={`warning long level-${Math.min(3, mute.longMute.level)}`} role="alert" data-testid="mute-warning-long" data-level={mute.longMute.level}>
          <span aria-hidden="true">⏱</span> {t('mute.long', { sec: mute.longMute.elapsedSec })}
          {active && <button type="button" data-testid="mute-hold-instead" onClick={() => void store.bridge.client['call.hold']({ callId: active.id, on: true }).then(() => store.bridge.client['call.mute']({ muted: false })).catch(() => undefined)}>{t('mute.holdInstead')}</button>}
        </div>
      )}
      {mute?.verification === 'mismatch' && (
        <div className="warning mismatch" role="alert" data-testid="mute-mismatch" data-kind={mute.mismatch}>
          <span aria-hidden="true">✖</span> {t('mute.mismatch', { count: mute.reapplied })}
        </div>
      )}
      {mute?.analysisFailed && <div className="warning" role="alert" data-testid="mute-analysis-failed">{t('mute.analysisFailed')}</div>}
    </div>
  );
}
