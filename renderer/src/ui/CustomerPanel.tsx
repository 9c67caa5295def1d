import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { UserRound } from 'lucide-react';
import { isCustomerLeg, isLive } from '@common/calls/call-state';
import { useApp } from './context';

/**
 * Who is calling and what they already told the IVR: the screen pop of each live customer call as labelled fields
 * (the label is the header's name until the team names them). Header values come from the network: text only.
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
              <div key={p.header} data-header={p.header}>
                <dt>{p.header}</dt>
                <dd>{p.value}</dd>
              </div>
            ))}
          </dl>
        </div>
      ))}
    </section>
  );
}
