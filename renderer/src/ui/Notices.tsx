import { useTranslation } from 'react-i18next';
import { X } from 'lucide-react';
import { useApp, useAppStore } from './context';
import { TechDetail } from './TechDetail';

export function Notices() {
  const { t } = useTranslation();
  const store = useAppStore();
  const notices = useApp((s) => s.notices);
  if (notices.length === 0) return null;
  return (
    <ul className="notices" role="alert" data-testid="notices">
      {notices.map((n) => (
        <li key={n.id} data-code={n.code}>
          {t(`notice.${n.code}`)}{' '}
          {n.code === 'invalid-number' && n.detail ? (
            <span className="tech-detail" data-testid="notice-detail">
              {t('notice.number', { detail: n.detail })}
            </span>
          ) : (
            <TechDetail detail={n.detail} testId="notice-detail" />
          )}{' '}
          <button
            type="button"
            aria-label={t('notice.dismiss')}
            data-testid="notice-dismiss"
            onClick={() => store.dismissNotice(n.id)}
          >
            <X aria-hidden="true" />
          </button>
        </li>
      ))}
    </ul>
  );
}
