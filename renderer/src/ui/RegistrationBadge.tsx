import { useTranslation } from 'react-i18next';
import { useApp } from './context';

// Each state has its own shape as well as its colour, so it reads without colour vision and from a distance.
const icon: Record<string, string> = {
  registered: '●',
  registering: '◐',
  reconnecting: '◐',
  unregistered: '○',
  failed: '✖',
};

export function RegistrationBadge() {
  const { t } = useTranslation();
  const reg = useApp((s) => s.registration);
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
      <span aria-hidden="true" className="reg-icon">
        {icon[reg.state]}
      </span>
      <span className="reg-text">{t(`reg.state.${reg.state}`)}</span>
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
