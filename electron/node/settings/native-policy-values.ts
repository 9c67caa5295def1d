import { z } from 'zod';
import { isSettingKey, settingKeys, settingsSchema, type SettingKey } from '@common/settings/schema';
import type { ValueProblem } from './layer-source';

/**
 * The registry and managed preferences hold only strings, numbers and booleans. This is how each policy key is
 * stored there, and how a stored value becomes a setting value; the resolver then validates it like any layer.
 *  - boolean: REG_DWORD 0/1 (what the ADMX writes), a plist <true/>/<false/>
 *  - number: REG_QWORD (the ADMX's longDecimal) or REG_SZ digits, a plist <integer>
 *  - string: REG_SZ, a plist <string>
 *  - list: REG_MULTI_SZ (one item a line, what the ADMX's multiText writes) or a JSON array as text; a plist
 *    <string> holding either
 */
export type NativeKind = 'boolean' | 'number' | 'string' | 'list';
export type NativeValue = string | number | boolean;

export function nativeKind(key: SettingKey): NativeKind {
  const s = settingsSchema[key].schema as z.ZodType;
  if (s instanceof z.ZodBoolean) return 'boolean';
  if (s instanceof z.ZodNumber) return 'number';
  if (s instanceof z.ZodLiteral && [...s.values].every((v) => typeof v === 'number')) return 'number';
  if (s instanceof z.ZodString || s instanceof z.ZodEnum) return 'string';
  return 'list';
}

export const nativePolicyKeys = settingKeys.filter((k) => settingsSchema[k].policy);

/**
 * Turns what a native store returned into layer values. Keys the store did not hold are absent; a value that
 * cannot be decoded is left out with a reason for IT; a decoded value that breaks the schema is the resolver's
 * to report. Unknown keys are passed on so that the resolver reports them too.
 */
export function decodeNativePolicy(raw: Readonly<Record<string, NativeValue | undefined>>): {
  values: Record<string, unknown>;
  valueProblems: ValueProblem[];
} {
  const values: Record<string, unknown> = {};
  const valueProblems: ValueProblem[] = [];
  for (const [key, v] of Object.entries(raw)) {
    if (v === undefined) continue;
    if (!isSettingKey(key)) {
      values[key] = v;
      continue;
    }
    const kind = nativeKind(key);
    if (kind === 'number' && typeof v === 'string') {
      if (/^\s*-?\d+\s*$/.test(v)) values[key] = Number(v);
      else valueProblems.push({ key, detail: `not a whole number: "${v.slice(0, 64)}"` });
    } else if (kind === 'list' && typeof v === 'string') {
      const text = v.trim();
      if (text.startsWith('[') || text.startsWith('{')) {
        try {
          values[key] = JSON.parse(text) as unknown;
        } catch (e) {
          valueProblems.push({ key, detail: `not a JSON list: ${(e as Error).message}` });
        }
      } else {
        values[key] = text
          .split(/\r?\n/)
          .map((l) => l.trim())
          .filter((l) => l !== '');
      }
    } else {
      values[key] = v;
    }
  }
  return { values, valueProblems };
}
