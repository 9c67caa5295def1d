import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Diamond } from 'lucide-react';
import { useStore } from 'zustand';
import { refusalKey } from './AgentState';
import { formatClock } from './clock-text';
import { useApp, useAppStore } from './context';
import { useSetting } from './use-setting';

/** Moments of the time box read out to screen readers (seconds left); the visible clock ticks silently. */
const announceAt = [60, 30, 10, 0];

/** Seconds left until `endsAt`, re-rendering every second while there is a time box. */
export function useSecondsLeft(endsAt: number | undefined): number | undefined {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (endsAt === undefined) return undefined;
    setNow(Date.now());
    const h = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(h);
  }, [endsAt]);
  return endsAt === undefined ? undefined : Math.max(0, Math.ceil((endsAt - now) / 1000));
}

/** After-call work: the time box counting down, and Ready (disabled, with the reason, while it may not end). */
export function AfterCallWork() {
  const { t } = useTranslation();
  const store = useAppStore();
  const agent = useApp((s) => s.agent);
  const note = useStore(store.note);
  const required = useSetting('notes.requiredFields');
  const acw = agent?.state === 'acw' ? agent.acw : undefined;
  const left = useSecondsLeft(acw?.endsAt);
  const [announce, setAnnounce] = useState('');
  const announced = useRef<{ callId?: string; mark?: number }>({});
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const reasonId = useId();

  useEffect(() => {
    if (!acw) {
      announced.current = {};
      setError(undefined);
      return;
    }
    const bucket = left === undefined ? undefined : Math.min(...announceAt.filter((m) => m >= left).concat(Infinity));
    if (announced.current.callId !== acw.callId) {
      announced.current = { callId: acw.callId, mark: bucket };
      setAnnounce(left !== undefined ? t('acw.started', { time: formatClock(left) }) : t('acw.startedUntimed'));
    } else if (bucket !== undefined && bucket !== Infinity && bucket !== announced.current.mark) {
      announced.current.mark = bucket;
      setAnnounce(left === 0 ? t('acw.over') : t('acw.remaining', { time: formatClock(left ?? 0) }));
    }
  }, [acw, left, t]);

  if (!acw) return null;
  const noteOpen = note.callId === acw.callId;
  const noteUnfinished = noteOpen && note.status !== 'final';
  const blockedByTime = !acw.canEnd && acw.blockedBy === 'time-box';
  const disabledReason = blockedByTime ? t('acw.readyIn', { time: formatClock(left ?? 0) }) : undefined;

  const ready = async () => {
    setError(undefined);
    setBusy(true);
    try {
      await store.note.flush();
      // Mandatory modes end only with a finished note; Ready finishes it (disposition, required fields) first.
      if (acw.needsFinishedNote && noteUnfinished && !(await store.note.finish(required))) {
        setError(t('acw.finishFirst'));
        return;
      }
      await store.bridge.client['agent.set']({ state: 'available' });
    } catch (e) {
      setError(t(refusalKey(e)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section
      className="panel acw"
      aria-labelledby={`${reasonId}-title`}
      data-testid="acw"
      data-mode={acw.mode}
      data-call-id={acw.callId}
    >
      <h2 id={`${reasonId}-title`}>
        <Diamond aria-hidden="true" fill="currentColor" /> {t('acw.title')}
      </h2>
      <p className="acw-mode">{t(`acw.mode.${acw.mode}`)}</p>
      {left !== undefined ? (
        <p className="acw-clock">
          <span className="acw-clock-label">{t('acw.timeLeft')}</span>{' '}
          <span role="timer" aria-live="off" data-testid="acw-countdown" data-seconds={left}>
            {formatClock(left)}
          </span>
        </p>
      ) : (
        <p className="acw-clock" data-testid="acw-countdown" data-seconds="">
          {t('acw.noTimeBox')}
        </p>
      )}
      <p className="visually-hidden" aria-live="polite" data-testid="acw-announce">
        {announce}
      </p>
      <div className="buttons">
        <button
          type="button"
          data-testid="acw-ready"
          disabled={blockedByTime || busy}
          aria-describedby={disabledReason ? reasonId : undefined}
          onClick={() => void ready()}
        >
          {t('acw.ready')}
        </button>
      </div>
      {disabledReason && (
        <p id={reasonId} className="hint" data-testid="acw-ready-reason">
          {disabledReason}
        </p>
      )}
      {!disabledReason && acw.needsFinishedNote && noteUnfinished && (
        <p className="hint" data-testid="acw-ready-note">
          {t('acw.readyFinishes')}
        </p>
      )}
      {error && (
        <p role="alert" className="error" data-testid="acw-error">
          {error}
        </p>
      )}
    </section>
  );
}
