import { useTranslation } from 'react-i18next';
import { CircleCheck, CircleDashed, CircleX, LoaderCircle, type LucideIcon } from 'lucide-react';
import type { RegistrationStateName } from '@common/contract/registration';
import { useApp } from './context';

// Each state has its own shape as well as its colour, so it reads without colour vision and from a distance.
const icon: Record<RegistrationStateName, LucideIcon> = {
  registered: CircleCheck,
  registering: LoaderCircle,
  reconnecting: LoaderCircle,
  unregistered: CircleDashed,
  failed: CircleX,
};

export function RegistrationBadge() {
  const { t } = useTranslation();
  const reg = useApp((s) => s.registration);
  const Icon = icon[reg.state];
  const retrySec = reg.retryAt ? Math.max(0, Math.round((reg.retryAt - Date.now()) / 1000)) : undefined;
  return (
    <div
      className={`reg reg-${reg.state}`}
      role="status"
      aria-live="polite"
      data-testid="registration-state"
      data-state={reg.state}
      data-reason={reg.reason ?? ''}
    >
      <Icon aria-hidden="true" className="reg-icon" />
      <span className="reg-text">{t(`reg.state.${reg.state}`)}</span>
      {reg.state === 'registered' && reg.failover && (
        <span className="reg-reason" data-testid="registration-failover">
          {t('reg.backupServer')}
        </span>
      )}
      {reg.reason && reg.state !== 'registered' && (
        <span className="reg-reason" data-testid="registration-reason">
          {t(`reg.reason.${reg.reason}`)}
        </span>
      )}
      {retrySec !== undefined && reg.state !== 'registered' && (
        <span className="reg-retry">{t('reg.retryIn', { sec: retrySec })}</span>
      )}
    </div>
  );
}
