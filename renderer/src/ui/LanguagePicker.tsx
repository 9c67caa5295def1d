import { useTranslation } from 'react-i18next';
import { useApp, useAppStore } from './context';
import { ignorePromise } from '@common/ignore-promise';

export function LanguagePicker() {
  const { t } = useTranslation();
  const store = useAppStore();
  const current = useApp((s) => s.settings?.settings['ui.language']);
  const locked = current?.locked ?? false;
  return (
    <label className="lang">
      {t('lang.label')}
      <select
        data-testid="language-select"
        value={String(current?.value ?? 'auto')}
        disabled={locked}
        onChange={(e) => {
          ignorePromise(store.bridge.client['settings.set']({ key: 'ui.language', value: e.target.value }));
        }}
      >
        {(['auto', 'es-MX', 'es-ES', 'en'] as const).map((l) => (
          <option key={l} value={l}>
            {t(`lang.${l}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
