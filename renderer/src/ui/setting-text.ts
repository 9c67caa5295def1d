import { useTranslation } from 'react-i18next';
import { isSettingKey, settingsSchema } from '@common/settings/schema';
import { fieldKind, type FieldProblem } from './setting-fields';

/**
 * A setting as the agent reads it: its label translated by key (the schema's description where a language lacks
 * one), an option's name, a value in words, a field problem as a sentence.
 */
export function useSettingText() {
  const { t } = useTranslation();
  const label = (key: string): string =>
    t(`setting.${key}`, { defaultValue: isSettingKey(key) ? settingsSchema[key].description : key });
  const option = (key: string, o: string | number): string =>
    key === 'ui.language' ? t(`lang.${o}`) : t(`settingOption.${key}.${o}`, { defaultValue: String(o) });
  const value = (key: string, v: unknown): string => {
    if (v === undefined || v === null) return t('settings.value.none');
    if (typeof v === 'boolean') return v ? t('settings.value.on') : t('settings.value.off');
    if (v === '') return t('settings.value.empty');
    if (isSettingKey(key)) {
      const k = fieldKind(key);
      if (k.kind === 'choice') return option(key, v as string | number);
      if (k.kind === 'device') return (v as { label?: string }).label || t('settings.value.none');
    }
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) {
      return v.length === 0 ? t('settings.value.emptyList') : v.join(', ');
    }
    return typeof v === 'object' ? JSON.stringify(v) : String(v);
  };
  const problem = (p: FieldProblem): string => {
    const text = t(`settings.error.${p.code}`, { limit: p.limit });
    return p.line ? t('settings.error.line', { line: p.line, error: text }) : text;
  };
  return { label, option, value, problem };
}
