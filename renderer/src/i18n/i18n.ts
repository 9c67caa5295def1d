import i18next, { type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en';
import { esES } from './es-ES';
import { esMX } from './es-MX';

export type UiLanguage = 'en' | 'es-MX' | 'es-ES';
export const resources = { en, 'es-MX': esMX, 'es-ES': esES } as const;

/** The `ui.language` setting, or the browser's language when it says auto (any Spanish but Spain's → es-MX). */
export function resolveLanguage(setting: string | undefined, navigatorLanguage: string | undefined): UiLanguage {
  if (setting === 'en' || setting === 'es-MX' || setting === 'es-ES') return setting;
  const nav = (navigatorLanguage ?? '').toLowerCase();
  if (nav === 'es-es') return 'es-ES';
  if (nav.startsWith('es')) return 'es-MX';
  return 'en';
}

export async function createI18n(language: UiLanguage): Promise<i18n> {
  const instance = i18next.createInstance();
  await instance.use(initReactI18next).init({
    lng: language,
    fallbackLng: 'en',
    keySeparator: false,
    nsSeparator: false,
    // React escapes text; i18next must not escape it a second time (names like "O'Brien" stay intact).
    interpolation: { escapeValue: false },
    resources: Object.fromEntries(Object.entries(resources).map(([k, v]) => [k, { translation: v }])),
  });
  return instance;
}
