import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { screenPopRecord } from '../../../../electron/common/contract/screen-pop';
import { parseScreenPopRecords } from '../../../../electron/common/contract/screen-pop-record';
import { seededRandom } from '../../../support/seeded-random';

// The store's worker reads stored screen-pop records without zod; the contract's schema says what a record is.
// Both must give one answer for any stored text: the same records, or none.
const bySchema = (json: string): unknown => {
  try {
    const r = z.array(screenPopRecord).max(32).safeParse(JSON.parse(json));
    return r.success ? r.data : [];
  } catch {
    return [];
  }
};

const texts = ['', 'Cuenta', 'Núñez ✓', 'x'.repeat(64), 'x'.repeat(65), 'a\nb', 'a\u202eb', 'a\u2028b', '\u0000', 'ok'];
const values = ['', '12345', 'x'.repeat(512), 'x'.repeat(513), '<img src=x>', 'línea\nnueva'];
const headers = ['X-Account', '', 'h'.repeat(64), 'h'.repeat(65), 'X Bad'];

function randomRecord(rand: () => number): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const r: Record<string, unknown> = {};
  if (rand() > 0.05) r.header = rand() > 0.05 ? pick(headers) : 7;
  if (rand() > 0.05) r.value = rand() > 0.05 ? pick(values) : null;
  if (rand() > 0.4) {
    const label: Record<string, unknown> = {};
    for (const lang of ['en', 'es-MX', 'es-ES', 'fr', '__proto__']) {
      if (rand() > (lang.length === 2 && lang !== 'en' ? 0.97 : 0.5)) label[lang] = rand() > 0.1 ? pick(texts) : 3;
    }
    r.label = rand() > 0.05 ? label : pick([null, [], 'en']);
  }
  if (rand() > 0.8) r.link = 'https://crm.example/{value}';
  if (rand() > 0.9) r.extra = { any: 'thing' };
  return rand() > 0.03 ? r : pick([null, 1, 'x', []]);
}

describe('stored screen-pop records, read without zod', () => {
  it('agree with the contract schema on 5 000 generated lists, good and damaged', () => {
    const rand = seededRandom(2026);
    let kept = 0;
    for (let i = 0; i < 5000; i++) {
      const n = Math.floor(rand() * (rand() > 0.95 ? 40 : 4));
      const list = Array.from({ length: n }, () => randomRecord(rand));
      const json = JSON.stringify(list);
      const mine = parseScreenPopRecords(json);
      expect(mine, json).toEqual(bySchema(json));
      if (mine.length > 0) kept++;
    }
    // Both outcomes are exercised: lists kept and lists refused.
    expect(kept).toBeGreaterThan(200);
    expect(kept).toBeLessThan(4500);
  });

  it('give none for damaged text, never an error', () => {
    for (const json of ['', '[]', '[', 'null', '{"header":"X","value":"1"}', '"[]"', '[{"header":"X","value":"1"}']) {
      expect(parseScreenPopRecords(json)).toEqual([]);
    }
    expect(parseScreenPopRecords(undefined)).toEqual([]);
  });

  it('keep the record and drop what a record does not hold (the link, unknown keys)', () => {
    const json = JSON.stringify([
      { header: 'X-Account', value: '42', label: { 'es-MX': 'Cuenta' }, link: 'https://a/{value}' },
    ]);
    expect(parseScreenPopRecords(json)).toEqual([{ header: 'X-Account', value: '42', label: { 'es-MX': 'Cuenta' } }]);
  });
});
