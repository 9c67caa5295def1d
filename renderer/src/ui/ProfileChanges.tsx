import { useTranslation } from 'react-i18next';
import type { ProfileChange } from '@common/contract/profile';
import { useSettingText } from './setting-text';

/** What a team profile changes, one setting a line: translated label, before → after, and how it is set. */
export function ProfileChanges({
  changes,
  pending,
  testId,
}: {
  changes: ProfileChange[];
  /** Keys that wait for the call in progress to end. */
  pending?: readonly string[];
  testId: string;
}) {
  const { t } = useTranslation();
  const text = useSettingText();
  return (
    <ul className="profile-changes" data-testid={testId}>
      {changes.map((c) => (
        <li key={c.key} data-key={c.key} data-mode={c.mode}>
          {t('profileNotice.change', {
            label: text.label(c.key),
            before: text.value(c.key, c.before),
            after: text.value(c.key, c.after),
          })}
          {c.mode === 'enforced' && <> {t('profileNotice.enforced')}</>}
          {c.mode === 'removed' && <> {t('profileNotice.removed')}</>}
          {pending?.includes(c.key) && (
            <strong className="profile-pending" data-testid="profile-change-pending">
              {' '}
              {t('profileNotice.pending')}
            </strong>
          )}
        </li>
      ))}
    </ul>
  );
}
