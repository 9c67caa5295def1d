import { useTranslation } from 'react-i18next';
import { useApp, useAppStore } from './context';

export function Notices() {
  const { t } = useTranslation();
  const store = useAppStore();
  const notices = useApp((s) => s.notices);
  if (notices.length === 0) return null;
  return (
    <ul className="notices" role="alert" data-testid="notices">
      {notices.map((n) => (
        <li key={n.at} data-code={n.code}>
          {t(`notice.${n.code}`)}{n.detail ? ` (${n.detail})` : ''}
          <button type="button" aria-label="×" onClick={() => store.dismissNotice(n.at)}>×</button>
        </li>
      ))}
    </ul>
  );
}
