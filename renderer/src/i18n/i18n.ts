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
  rememberTexts(instance);
  return instance;
}

/** Texts kept at most; past it the memory starts over (values that change, such as a clock, make new entries). */
const REMEMBERED_MAX = 2000;

/**
 * A page renders dozens of texts per update (a ring, an answer) and i18next runs its whole pipeline for each (key
 * parsing, nesting and interpolation regexes): a CPU profile of the answering page had a third of React's render in
 * it. The same key with the same plain options gives the same text in a language, so the text is remembered until
 * the language or the resources change. Calls with anything else than plain values (objects, functions) go through.
 */
function rememberTexts(instance: i18n): void {
  const translate = instance.t.bind(instance) as unknown as (...a: unknown[]) => unknown;
  const texts = new Map<string, string>();
  const forget = () => texts.clear();
  instance.on('languageChanged', forget);
  instance.store.on('added', forget);
  instance.store.on('removed', forget);
  instance.t = ((...a: unknown[]) => {
    const k = textKey(a, instance.language);
    if (k === undefined) return translate(...a);
    const known = texts.get(k);
    if (known !== undefined) return known;
    const text = translate(...a);
    if (typeof text === 'string') {
      if (texts.size >= REMEMBERED_MAX) texts.clear();
      texts.set(k, text);
    }
    return text;
  }) as unknown as i18n['t'];
}

const plain = (v: unknown): boolean =>
  v === null || v === undefined || ['string', 'number', 'boolean'].includes(typeof v);

function textKey(a: unknown[], language: string): string | undefined {
  const [key, options, ...more] = a;
  if (typeof key !== 'string' || more.length > 0) return undefined;
  if (options === undefined) return `${language}\u0000${key}`;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return undefined;
  for (const v of Object.values(options)) if (!plain(v) && !(Array.isArray(v) && v.every(plain))) return undefined;
  return `${language}\u0000${key}\u0000${JSON.stringify(options)}`;
}
