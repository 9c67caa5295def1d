import { useTranslation } from 'react-i18next';
import { RefreshCw } from 'lucide-react';
import { isLive } from '@common/calls/call-state';
import { useApp } from './context';
import { useNow } from './use-now';
import './signalling-banner.css';

/**
 * The phone server's connection dropped under a call the core keeps: the audio goes on (it does not travel through
 * that connection), hold and transfer wait, a hang-up is delivered once it is back, and the call ends by itself if
 * it is not back in time. Said once as an alert, with the seconds left.
 */
export function SignallingBanner() {
  const { t } = useTranslation();
  const until = useApp((s) => s.registration.callsKeptUntil);
  const live = useApp((s) => s.calls.calls.some(isLive));
  const now = useNow(until !== undefined, until);
  if (until === undefined || !live) return null;
  const sec = Math.max(0, Math.ceil((until - now) / 1000));
  return (
    <div className="signalling-banner" role="alert" data-testid="signalling-banner">
      <RefreshCw aria-hidden="true" />
      <strong>{t('call.signallingDown')}</strong> <span>{t('call.signallingDownUntil', { sec })}</span>
    </div>
  );
}
