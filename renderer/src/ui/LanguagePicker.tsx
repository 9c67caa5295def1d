import { useTranslation } from 'react-i18next';
import { useApp, useAppStore } from './context';

export function LanguagePicker() {
  const { t } = useTranslation();
  const store = useAppStore();
  const current = useApp((s) => s.settings?.settings['ui.language']);
  const locked = current?.locked ?? false;
  return (
    <label className="lang">
      {t('lang.label')}
      <select data-testid="language-select" value={String(current?.value ?? 'auto')} disabled={locked}
        onChange={(e) => { void store.bridge.client['settings.set']({ key: 'ui.language', value: e.target.value }).catch(() => undefined); }}>
        {(['auto', 'es-MX', 'es-ES', 'en'] as const).map((l) => <option key={l} value={l}>{t(`lang.${l}`)}</option>)}
      </select>
    </label>
  );
}
