import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CircleCheck, CircleX, Info, Mic, MicOff, Timer, TriangleAlert } from 'lucide-react';
import { isInConversation } from '@common/calls/call-state';
import { ignorePromise } from '@common/ignore-promise';
import { useApp, useAppStore } from './context';
import { useShortcutHint } from './use-hotkeys';
import './mute-bar.css';

/**
 * The mute state as the core holds it, visible from across the desk: large, with a shape and a word, not colour
 * alone, announced to screen readers; and the warnings an agent must not miss, each offering the fix (unmute,
 * put on hold instead). `compact` is the always-on-top mini bar of the Electron shell. While a call is up the
 * window title carries the state too, so it shows in the task bar when the window is not focused.
 */
export function MuteBar({ compact = false }: { compact?: boolean }) {
  const { t } = useTranslation();
  const store = useAppStore();
  const mute = useApp((s) => s.mute);
  const muted = mute?.muted ?? false;
  const active = useApp((s) => s.calls.calls.find(isInConversation));
  const muteHint = useShortcutHint('toggleMute');
  const toggle = () => ignorePromise(store.bridge.client['call.mute']({ muted: !muted }));
  const unmute = () => ignorePromise(store.bridge.client['call.mute']({ muted: false }));
  // One request: the core holds the call in conversation and, once the far end accepted, unmutes.
  const holdInstead = () => ignorePromise(store.bridge.client['call.action']({ action: 'holdInsteadOfMute' }));
  const talking = Boolean(mute?.talkingWhileMuted);
  const inCall = Boolean(active);
  // The core refused a headset mute press with no call (on-hook): say so for a while, until a call starts.
  const onHookAt = useApp((s) => s.muteOnHookAt);
  const [onHookMute, setOnHookMute] = useState(false);
  useEffect(() => {
    if (onHookAt !== undefined) setOnHookMute(true);
  }, [onHookAt]);
  useEffect(() => {
    if (inCall) setOnHookMute(false);
  }, [inCall]);
  useEffect(() => {
    if (!onHookMute) return;
    const timer = setTimeout(() => setOnHookMute(false), 8000);
    return () => clearTimeout(timer);
  }, [onHookMute, onHookAt]);

  useEffect(() => {
    if (compact || typeof document === 'undefined') return;
    const base = document.title.replace(/^\[[^\]]*\] /, '');
    document.title = inCall
      ? `[${talking ? t('mute.titleTalking') : muted ? t('mute.on') : t('mute.off')}] ${base}`
      : base;
  }, [compact, inCall, muted, talking, t]);

  return (
    <div
      className={`mute-bar ${muted ? 'is-muted' : ''} ${compact ? 'compact' : ''} ${talking ? 'is-talking' : ''}`}
      data-testid="mute-bar"
    >
      <div
        className="mute-indicator"
        data-testid="mute-indicator"
        data-muted={muted}
        data-source={mute?.source}
        data-verification={mute?.verification}
        role="status"
        aria-live="assertive"
      >
        {muted ? <MicOff aria-hidden="true" className="mute-icon" /> : <Mic aria-hidden="true" className="mute-icon" />}
        <strong>{muted ? t('mute.on') : t('mute.off')}</strong>
      </div>
      <button
        type="button"
        className="mute-toggle"
        data-testid="mute-toggle"
        aria-pressed={muted}
        onClick={toggle}
        {...muteHint}
      >
        {muted ? <Mic aria-hidden="true" /> : <MicOff aria-hidden="true" />}
        {muted ? t('call.unmute') : t('call.mute')}
      </button>
      {talking && (
        <div className="warning talking" role="alert" data-testid="mute-warning-talking">
          <TriangleAlert aria-hidden="true" /> {t('mute.talking')}
          <button type="button" data-testid="mute-warning-unmute" onClick={unmute}>
            {t('mute.unmuteNow')}
          </button>
        </div>
      )}
      {mute?.longMute && muted && (
        <div
          className={`warning long level-${Math.min(3, mute.longMute.level)}`}
          role="alert"
          data-testid="mute-warning-long"
          data-level={mute.longMute.level}
          data-elapsed={mute.longMute.elapsedSec}
        >
          <Timer aria-hidden="true" /> {t('mute.long', { sec: mute.longMute.elapsedSec })}
          {active?.state === 'active' && (
            <button type="button" data-testid="mute-hold-instead" onClick={holdInstead}>
              {t('mute.holdInstead')}
            </button>
          )}
          <button type="button" onClick={unmute}>
            {t('mute.unmuteNow')}
          </button>
        </div>
      )}
      {mute?.verification === 'mismatch' && (
        <div className="warning mismatch" role="alert" data-testid="mute-mismatch" data-kind={mute.mismatch}>
          <CircleX aria-hidden="true" /> {t('mute.mismatch', { count: mute.reapplied })}
        </div>
      )}
      {mute?.verification !== 'mismatch' && mute?.lastMismatch && inCall && !compact && (
        <div className="notice corrected" role="status" data-testid="mute-corrected" data-kind={mute.lastMismatch.kind}>
          <CircleCheck aria-hidden="true" /> {t('mute.corrected', { count: mute.reapplied })}
        </div>
      )}
      {onHookMute && !inCall && !compact && (
        <div className="notice" role="alert" data-testid="mute-headset-on-hook">
          <Info aria-hidden="true" /> {t('notice.mute-on-hook')}
        </div>
      )}
      {mute?.analysisFailed && inCall && (
        <div className="warning" role="alert" data-testid="mute-analysis-failed" data-reason={mute.analysisError}>
          <TriangleAlert aria-hidden="true" /> {t(`mute.analysisError.${mute.analysisError ?? 'error'}`)}{' '}
          {muted ? t('mute.stillMuted') : ''}
        </div>
      )}
    </div>
  );
}
