import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ContractError } from '@common/contract/errors';
import { useApp, useAppStore } from './context';

/** The team profile this PC follows: team, version, author, when applied, the last check, and "Check now". */
export function ProfileState() {
  const { t, i18n } = useTranslation();
  const store = useAppStore();
  const id = useId();
  const profile = useApp((s) => s.profile);
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const when = (ms: number | null | undefined) =>
    ms === null || ms === undefined
      ? t('settings.value.none')
      : new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'medium' }).format(ms);
  const check = async () => {
    setChecking(true);
    setError(undefined);
    try {
      store.takeProfile(await store.bridge.client['profile.check']({}));
    } catch (e) {
      setError(t(`error.${e instanceof ContractError ? e.code : 'internal'}`));
    } finally {
      setChecking(false);
    }
  };
  const applied = profile?.applied;
  const last = profile?.lastCheck;
  return (
    <section className="profile-state" aria-labelledby={`${id}-t`} data-testid="profile-state">
      <h3 id={`${id}-t`}>{t('profileState.title')}</h3>
      {!profile?.configured ? (
        <p data-testid="profile-state-none">{t('profileState.notConfigured')}</p>
      ) : (
        <>
          <dl className="facts">
            <dt>{t('profileState.team')}</dt>
            <dd data-testid="profile-state-team">{applied?.team ?? t('profileState.noneApplied')}</dd>
            {applied && (
              <>
                <dt>{t('profileState.version')}</dt>
                <dd data-testid="profile-state-version">{applied.version}</dd>
                <dt>{t('profileState.author')}</dt>
                <dd>{applied.author || t('profileNotice.noAuthor')}</dd>
                <dt>{t('profileState.appliedAt')}</dt>
                <dd>{when(profile.appliedAt)}</dd>
              </>
            )}
            <dt>{t('profileState.lastCheck')}</dt>
            <dd
              data-testid="profile-state-last-check"
              data-outcome={last?.outcome ?? 'none'}
              data-trigger={last?.trigger ?? 'none'}
            >
              {last
                ? t('profileState.checked', { when: when(last.at), outcome: t(`profileState.outcome.${last.outcome}`) })
                : t('profileState.never')}
              {last?.detail && <span className="tech-detail"> {t('tech.detail', { detail: last.detail })}</span>}
            </dd>
          </dl>
          <button type="button" data-testid="profile-check" disabled={checking} onClick={() => void check()}>
            {checking ? t('profileState.checking') : t('profileState.checkNow')}
          </button>
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
        </>
      )}
    </section>
  );
}
