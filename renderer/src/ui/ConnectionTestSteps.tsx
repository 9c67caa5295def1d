import { useTranslation } from 'react-i18next';
import { Check, Minus, X } from 'lucide-react';
import type { AppStore } from '../state/app-store';
import { useApp } from './context';
import { TechDetail } from './TechDetail';

/** Runs *Test connection* on the saved account; its steps arrive in the app store as the core reports them. */
export async function runConnectionTest(store: AppStore): Promise<void> {
  store.setState({ test: { running: true, steps: [] } });
  const r = await store.bridge.client['account.testConnection']({}).catch(() => ({
    registered: false,
    steps: store.getState().test.steps,
  }));
  store.setState({ test: { running: false, steps: r.steps, registered: r.registered } });
}

/** The steps of *Test connection* as the core reports them, each with its state by shape and word. */
export function ConnectionTestSteps() {
  const { t } = useTranslation();
  const test = useApp((s) => s.test);
  if (!test.running && test.steps.length === 0) return null;
  return (
    <div className="test" aria-live="polite">
      <ol data-testid="test-steps">
        {test.steps.map((s) => (
          <li key={s.step} data-step={s.step} data-status={s.status} className={`step step-${s.status}`}>
            {s.status === 'ok' ? (
              <Check aria-hidden="true" />
            ) : s.status === 'failed' ? (
              <X aria-hidden="true" />
            ) : (
              <Minus aria-hidden="true" />
            )}{' '}
            {t(`step.${s.step}`)}: {t(`step.status.${s.status}`)}
            {s.ms !== undefined && <span className="ms"> ({s.ms} ms)</span>}
            {s.detail && (
              <>
                {' '}
                — <TechDetail detail={s.detail} />
              </>
            )}
          </li>
        ))}
      </ol>
      <p data-testid="test-result">
        {test.running ? t('test.running') : test.registered ? t('test.ok') : t('test.failed')}
      </p>
    </div>
  );
}
