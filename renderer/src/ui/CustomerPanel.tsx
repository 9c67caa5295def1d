import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { ExternalLink, UserRound } from 'lucide-react';
import { isCustomerLeg, isLive } from '@common/calls/call-state';
import { isHttpsLink, screenPopLabelFor, type ScreenPopField } from '@common/contract/screen-pop';
import { useApp } from './context';
import './customer-context.css';

/**
 * Who is calling and what they already told the IVR: the screen pop of each live customer call as labelled fields
 * (the team's label in the UI language, else English, else the header's name), each with a link to the team's CRM
 * where one is configured. Header values come from the network: text only, isolated from the text around them.
 */
export function CustomerPanel() {
  const { t } = useTranslation();
  const id = useId();
  const all = useApp((s) => s.calls.calls);
  const calls = all.filter((c) => isLive(c) && isCustomerLeg(c));
  const withPop = calls.filter((c) => c.screenPop.length > 0);
  return (
    <section className="panel customer" aria-labelledby={`${id}-title`} data-testid="customer">
      <h2 id={`${id}-title`}>
        <UserRound aria-hidden="true" />
        {t('customer.title')}
      </h2>
      {calls.length === 0 && <p className="hint">{t('customer.none')}</p>}
      {calls.length > 0 && withPop.length === 0 && <p className="hint">{t('customer.noData')}</p>}
      {withPop.map((call) => (
        <div key={call.id} className="customer-call" data-call-id={call.id}>
          <p className="customer-who">
            <span className="remote-name">{call.remote.name || t('call.unknownCaller')}</span>{' '}
            <span className="remote-number">{call.remote.number}</span>
          </p>
          <dl className="screen-pop" data-testid="screen-pop" aria-label={t('call.screenPop')}>
            {call.screenPop.map((p) => (
              <ScreenPopEntry key={p.header} field={p} />
            ))}
          </dl>
        </div>
      ))}
    </section>
  );
}

function ScreenPopEntry({ field }: { field: ScreenPopField }) {
  const { t, i18n } = useTranslation();
  const label = screenPopLabelFor(field.label, i18n.language, field.header);
  // The core built the link; it is checked again here and once more where it is opened (Electron main).
  const link = field.value && isHttpsLink(field.link) ? field.link : undefined;
  return (
    <div data-header={field.header}>
      <dt data-testid="screen-pop-label">{label}</dt>
      <dd>
        {link ? (
          <a
            className="screen-pop-link"
            data-testid="screen-pop-link"
            href={link}
            target="_blank"
            rel="noopener noreferrer"
            aria-label={t('customer.openLink', { label, value: field.value })}
          >
            <span className="screen-pop-value">{field.value}</span>
            <ExternalLink aria-hidden="true" />
          </a>
        ) : (
          field.value
        )}
      </dd>
    </div>
  );
}
