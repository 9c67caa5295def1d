import { useTranslation } from 'react-i18next';

/**
 * A technical detail from the core (a SIP status line, an errno, a device or library message): it cannot be
 * translated, so it is shown as plain text under a translated label, for IT, never as the message itself.
 */
export function TechDetail({ detail, testId }: { detail: string | undefined; testId?: string }) {
  const { t } = useTranslation();
  if (!detail) return null;
  return (
    <span className="tech-detail" data-testid={testId}>
      {t('tech.detail', { detail })}
    </span>
  );
}
