import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Diamond } from 'lucide-react';
import { useSecondsLeft } from './AfterCallWork';
import { AgentState } from './AgentState';
import { formatClock } from './clock-text';
import { useApp } from './context';
import { HoldReminder } from './HoldReminder';
import { MuteBar } from './MuteBar';
import { RegistrationBadge } from './RegistrationBadge';

/** After-call work's time left, in the status bar so it shows from every view (the panel has Ready). */
function AcwClock() {
  const { t } = useTranslation();
  const acw = useApp((s) => (s.agent?.state === 'acw' ? s.agent.acw : undefined));
  const left = useSecondsLeft(acw?.endsAt);
  // Without a time box there is nothing to count: the agent state already says after-call work.
  if (!acw || left === undefined) return null;
  return (
    <span className="status-acw" data-testid="status-acw">
      <Diamond aria-hidden="true" fill="currentColor" />
      {/* The agent state beside it already says after-call work: here only the time left. */}
      <span>{t('acw.timeLeft')}</span>
      <span role="timer" aria-live="off" className="status-acw-clock" data-seconds={left}>
        {formatClock(left)}
      </span>
    </span>
  );
}

/**
 * The one glance an agent needs from any view: registration, their state and how long they have been in it, the
 * after-call countdown, the mute state (the largest thing on screen while muted) and a customer held too long. `nav` is the view switcher.
 */
export function StatusBar({ nav }: { nav: ReactNode }) {
  const { t } = useTranslation();
  return (
    <header className="status-bar" data-testid="status-bar">
      <div className="status-row">
        <h1 className="brand">{t('app.title')}</h1>
        <RegistrationBadge />
        <AgentState />
        <AcwClock />
        {nav}
      </div>
      <MuteBar />
      <HoldReminder />
    </header>
  );
}
