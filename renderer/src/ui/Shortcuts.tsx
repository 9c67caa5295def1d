import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { TriangleAlert } from 'lucide-react';
import { displayAccelerator } from '@common/hotkeys/accelerator';
import { hotkeyActions } from '@common/hotkeys/hotkeys';
import { useCoreView } from './use-core-view';
import { currentPlatform, useHotkeyBindings } from './use-hotkeys';

/** The call hotkeys listed, where they work (any program or this window), and any the shell could not register. */
export function Shortcuts() {
  const { t } = useTranslation();
  const id = useId();
  const { bindings, problems } = useHotkeyBindings();
  const status = useCoreView('hotkeys.status', 'hotkeys');
  const platform = currentPlatform();
  const global = Boolean(status?.global && status.registered.length > 0);
  return (
    <section className="panel shortcuts" aria-labelledby={`${id}-t`} data-testid="shortcuts">
      <h2 id={`${id}-t`}>{t('hotkeys.title')}</h2>
      <p data-testid="shortcuts-scope" data-global={global}>
        {global ? t('hotkeys.scope.global') : t('hotkeys.scope.window')}
      </p>
      <dl>
        {hotkeyActions.map((action) => {
          const b = bindings.find((x) => x.action === action);
          const problem =
            problems.find((p) => p.action === action) ??
            (status?.global ? status.unavailable.find((p) => p.action === action) : undefined);
          return (
            <div key={action} data-testid={`shortcut-${action}`} data-keys={b?.text ?? ''}>
              <dt>{t(`hotkeys.action.${action}`)}</dt>
              <dd>
                {b ? <kbd>{displayAccelerator(b.accelerator, platform)}</kbd> : t('hotkeys.off')}
                {problem && (
                  <span className="shortcut-problem" data-reason={problem.reason}>
                    {' '}
                    <TriangleAlert aria-hidden="true" /> {t(`hotkeys.unavailable.${problem.reason}`)}
                  </span>
                )}
              </dd>
            </div>
          );
        })}
      </dl>
    </section>
  );
}
