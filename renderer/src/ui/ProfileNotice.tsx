import { useTranslation } from 'react-i18next';
import { X } from 'lucide-react';
import { useApp, useAppStore } from './context';
import { ProfileChanges } from './ProfileChanges';
import './settings.css';

/**
 * The team profile notice: a newly applied version with what it changed for this agent, or a short word that an
 * update was refused or could not be fetched (the exact reason behind "Details for IT"). Its region is always in
 * the page so that screen readers announce what appears in it, politely.
 */
export function ProfileNotice() {
  const { t } = useTranslation();
  const store = useAppStore();
  const notice = useApp((s) => s.profileNotice);
  const pending = useApp((s) => s.profile?.pending);
  return (
    <div className="profile-notice-region" role="status" aria-live="polite" data-testid="profile-notice-region">
      {notice && (
        <div className="profile-notice" data-testid="profile-notice" data-kind={notice.kind}>
          {notice.kind === 'applied' ? (
            <>
              <p data-testid="profile-notice-text">
                {t('profileNotice.applied', {
                  version: notice.identity.version,
                  author: notice.identity.author || t('profileNotice.noAuthor'),
                  count: notice.changes.length,
                })}
              </p>
              {notice.changes.length > 0 && (
                <ProfileChanges changes={notice.changes} pending={pending} testId="profile-notice-changes" />
              )}
            </>
          ) : (
            <>
              <p data-testid="profile-notice-text">{t(`profileNotice.${notice.outcome}`)}</p>
              {(notice.code || notice.detail) && (
                <details className="profile-detail" data-testid="profile-notice-detail">
                  <summary>{t('profileNotice.details')}</summary>
                  <code data-testid="profile-notice-code">{notice.code}</code>
                  {notice.detail && <span className="tech-detail"> {notice.detail}</span>}
                </details>
              )}
            </>
          )}
          <button
            type="button"
            aria-label={t('notice.dismiss')}
            data-testid="profile-notice-dismiss"
            onClick={() => store.dismissProfileNotice()}
          >
            <X aria-hidden="true" />
          </button>
        </div>
      )}
    </div>
  );
}
