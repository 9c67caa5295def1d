import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { createI18n, resources } from '../../../renderer/src/i18n/i18n';

// The page's i18n remembers texts it already translated (a render asks for dozens); it must never answer differently
// from i18next itself, in any language, with or without options, before and after a language change.
async function plainI18next(lng: string) {
  const instance = i18next.createInstance();
  await instance.init({
    lng,
    fallbackLng: 'en',
    keySeparator: false,
    nsSeparator: false,
    interpolation: { escapeValue: false },
    resources: Object.fromEntries(Object.entries(resources).map(([k, v]) => [k, { translation: v }])),
  });
  return instance;
}

const keys = Object.keys(resources.en);
const optionsFor = (key: string, i: number) =>
  [undefined, { count: i % 3 }, { name: "O'Brien <b>", count: 2 }, { defaultValue: `fallback ${key}` }][i % 4];

describe('remembered texts', () => {
  it('answer as i18next does, every key of every language, twice, and after a language change', async () => {
    const mine = await createI18n('en');
    for (const lng of ['en', 'es-MX', 'es-ES', 'en'] as const) {
      await mine.changeLanguage(lng);
      const ref = await plainI18next(lng);
      const fixed = mine.getFixedT(lng);
      for (let round = 0; round < 2; round++) {
        keys.forEach((key, i) => {
          const o = optionsFor(key, i);
          expect(mine.t(key, o), `${lng} ${key}`).toBe(ref.t(key, o));
          expect(fixed(key, o), `${lng} ${key} (fixed)`).toBe(ref.t(key, o));
        });
      }
      expect(mine.t('no.such.key', { defaultValue: 'x' })).toBe('x');
    }
  });

  it('translate a text once, however often a render asks for it, and again after a language change', async () => {
    const mine = await createI18n('en');
    const translator = (mine as unknown as { translator: { translate: (...a: unknown[]) => unknown } }).translator;
    let calls = 0;
    const translate = translator.translate.bind(translator);
    translator.translate = (...a: unknown[]) => {
      calls++;
      return translate(...a);
    };
    const key = keys[0]!;
    for (let i = 0; i < 50; i++) mine.t(key);
    expect(calls).toBe(1);
    for (let i = 0; i < 50; i++) mine.t(key, { count: 3 });
    expect(calls).toBe(2);
    // An option that is not a plain value is never remembered.
    mine.t(key, { postProcess: [() => 'x'] } as never);
    mine.t(key, { postProcess: [() => 'x'] } as never);
    expect(calls).toBe(4);
    await mine.changeLanguage('es-MX');
    mine.t(key);
    expect(calls).toBe(5);
  });
});
