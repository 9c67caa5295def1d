import { useTranslation } from 'react-i18next';
import { Play, Timer } from 'lucide-react';
import { ignorePromise } from '@common/ignore-promise';
import { formatClock } from './clock-text';
import { useApp, useAppStore } from './context';

/**
 * The customer has been on hold past `calls.longHoldSec`: a reminder the agent must not miss, in the status bar so
 * it shows from every view, with Resume one click (or Enter) away. The core times the hold and raises the level;
 * each new level changes the words, so the alert is read out again.
 */
export function HoldReminder() {
  const { t } = useTranslation();
  const store = useAppStore();
  const calls = useApp((s) => s.calls.calls);
  const held = calls.filter((c) => c.state === 'held' && c.longHold);
  if (held.length === 0) return null;
  return (
    <div className="hold-reminders">
      {held.map((call) => {
        const h = call.longHold!;
        return (
          <div
            key={call.id}
            className={`warning hold-long level-${Math.min(3, h.level)}`}
            role="alert"
            data-testid="hold-warning-long"
            data-call-id={call.id}
            data-level={h.level}
            data-elapsed={h.elapsedSec}
          >
            <Timer aria-hidden="true" />
            <span>
              {t('hold.long', { time: formatClock(h.elapsedSec) })}
              {/* The caller's name comes from their network: text only. */}
              {held.length > 1 && <span className="hold-who"> ({call.remote.name || call.remote.number})</span>}
            </span>
            <button
              type="button"
              data-testid="hold-warning-resume"
              onClick={() => ignorePromise(store.bridge.client['call.hold']({ callId: call.id, on: false }))}
            >
              <Play aria-hidden="true" />
              {t('call.resume')}
            </button>
          </div>
        );
      })}
    </div>
  );
}
