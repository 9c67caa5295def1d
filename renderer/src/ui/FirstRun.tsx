import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ArrowLeft, ArrowRight, Check, Circle, CircleDot, Phone } from 'lucide-react';
import { ignorePromise } from '@common/ignore-promise';
import { AccountScreen } from './AccountScreen';
import { AudioDevices } from './AudioDevices';
import { ConnectionTestSteps, runConnectionTest } from './ConnectionTestSteps';
import { useApp, useAppStore } from './context';
import { HeadsetCheck } from './HeadsetCheck';

const steps = ['account', 'test', 'audio', 'headset', 'done'] as const;
type Step = (typeof steps)[number];

export { needsFirstRun } from './first-run-due';

/** The connection test step: runs the test on the account saved in the step before. */
function TestStep({ headingId }: { headingId: string }) {
  const { t } = useTranslation();
  const store = useAppStore();
  const running = useApp((s) => s.test.running);
  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('firstRun.step.test')}</h2>
      <p className="hint">{t('firstRun.hint.test')}</p>
      <div className="buttons">
        <button
          type="button"
          data-testid="first-run-test"
          disabled={running}
          onClick={() => ignorePromise(runConnectionTest(store))}
        >
          {t('account.test')}
        </button>
      </div>
      <ConnectionTestSteps />
    </section>
  );
}

function DoneStep({ headingId, registered }: { headingId: string; registered: boolean }) {
  const { t } = useTranslation();
  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('firstRun.step.done')}</h2>
      <p data-testid="first-run-result" data-registered={registered} role="status">
        {registered ? t('firstRun.ready') : t('firstRun.notRegistered')}
      </p>
    </section>
  );
}

/**
 * The short setup a new agent meets when no account is configured: account, connection test, audio devices,
 * headset check, done. Each step is the same component Settings shows; every step can be left with *Set up later*.
 * Moving between steps puts the keyboard focus on the new step's heading, so a keyboard or screen-reader user is
 * told where they are.
 */
export function FirstRun({ onFinish }: { onFinish: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [index, setIndex] = useState(0);
  const step: Step = steps[index]!;
  const registered = useApp((s) => s.registration.state === 'registered');
  const body = useRef<HTMLDivElement>(null);
  const moved = useRef(false);
  useEffect(() => {
    if (!moved.current) return;
    const heading = body.current?.querySelector('h2');
    if (heading) {
      heading.setAttribute('tabindex', '-1');
      heading.focus();
    }
  }, [index]);
  const go = (to: number) => {
    moved.current = true;
    setIndex(Math.max(0, Math.min(steps.length - 1, to)));
  };
  const hints: Partial<Record<Step, string>> = {
    account: t('firstRun.hint.account'),
    audio: t('firstRun.hint.audio'),
    headset: t('firstRun.hint.headset'),
  };
  return (
    <section className="first-run" data-testid="first-run" data-step={step} aria-labelledby={`${id}-title`}>
      <div className="first-run-head">
        <h2 id={`${id}-title`}>{t('firstRun.title')}</h2>
        <p>{t('firstRun.intro')}</p>
        <ol className="first-run-steps" aria-label={t('firstRun.progress')}>
          {steps.map((s, i) => {
            const Icon = i < index ? Check : i === index ? CircleDot : Circle;
            return (
              <li
                key={s}
                aria-current={i === index ? 'step' : undefined}
                data-state={i < index ? 'done' : i === index ? 'current' : 'next'}
              >
                <Icon aria-hidden="true" />
                <span>{t('firstRun.stepOf', { n: i + 1, total: steps.length })}:</span> {t(`firstRun.step.${s}`)}
              </li>
            );
          })}
        </ol>
      </div>
      <div className="first-run-body" ref={body}>
        {hints[step] && (
          <p className="hint first-run-hint" data-testid="first-run-hint">
            {hints[step]}
          </p>
        )}
        {step === 'account' && <AccountScreen />}
        {step === 'test' && <TestStep headingId={`${id}-test`} />}
        {step === 'audio' && <AudioDevices />}
        {step === 'headset' && <HeadsetCheck />}
        {step === 'done' && <DoneStep headingId={`${id}-done`} registered={registered} />}
      </div>
      <div className="buttons first-run-nav">
        {index > 0 && (
          <button type="button" data-testid="first-run-back" onClick={() => go(index - 1)}>
            <ArrowLeft aria-hidden="true" />
            {t('firstRun.back')}
          </button>
        )}
        {step !== 'done' && (
          <button type="button" data-testid="first-run-next" onClick={() => go(index + 1)}>
            {t('firstRun.next')}
            <ArrowRight aria-hidden="true" />
          </button>
        )}
        {step === 'done' && registered && (
          <button type="button" data-testid="first-run-done" onClick={onFinish}>
            <Phone aria-hidden="true" />
            {t('firstRun.finish')}
          </button>
        )}
        {step === 'done' && !registered && (
          <button type="button" data-testid="first-run-to-account" onClick={() => go(0)}>
            {t('firstRun.toAccount')}
          </button>
        )}
        <button type="button" data-testid="first-run-later" onClick={onFinish}>
          {t('firstRun.later')}
        </button>
      </div>
    </section>
  );
}
