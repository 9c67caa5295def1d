/**
 * What a call record keeps of its screen-pop fields, read back from the notes database without zod: the store's
 * worker reads it for every call it lists, and zod would be most of that worker's heap. The record's zod schema
 * (`screenPopRecord` in screen-pop.ts) is built from the same limits; a unit test holds the two to one answer.
 */

export const screenPopLanguages = ['en', 'es-MX', 'es-ES'] as const;
export type ScreenPopLanguage = (typeof screenPopLanguages)[number];

/** One line of visible text: no control, line-separator or bidi-override characters. */
export const oneLinePattern = /^[^\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]+$/;
/** The limits of a screen-pop field, wherever one is checked (settings, a ringing call, the call record). */
export const SCREEN_POP_LABEL_MAX = 64;
export const SCREEN_POP_HEADER_MAX = 64;
/** A value shown to the agent is at most this long (the rest of a huge header is dropped). */
export const SCREEN_POP_VALUE_MAX = 512;
/** Fields a call shows, or a team configures, at most. */
export const SCREEN_POP_FIELDS_MAX = 32;

export interface ScreenPopRecord {
  header: string;
  label?: Partial<Record<ScreenPopLanguage, string>>;
  value: string;
}

const isLabelText = (v: unknown): v is string =>
  typeof v === 'string' && v.length >= 1 && v.length <= SCREEN_POP_LABEL_MAX && oneLinePattern.test(v);

/** A label object has only language keys, each absent or one line of text; undefined when it is not one. */
function readLabel(v: unknown): ScreenPopRecord['label'] | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const out: Partial<Record<ScreenPopLanguage, string>> = {};
  for (const [k, text] of Object.entries(v)) {
    if (!(screenPopLanguages as readonly string[]).includes(k)) return null;
    if (text === undefined) continue;
    if (!isLabelText(text)) return null;
    out[k as ScreenPopLanguage] = text;
  }
  return out;
}

function readRecord(v: unknown): ScreenPopRecord | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const r = v as Record<string, unknown>;
  if (typeof r.header !== 'string' || r.header.length > SCREEN_POP_HEADER_MAX) return null;
  if (typeof r.value !== 'string' || r.value.length > SCREEN_POP_VALUE_MAX) return null;
  const out: ScreenPopRecord = { header: r.header, value: r.value };
  if (r.label !== undefined) {
    const label = readLabel(r.label);
    if (!label) return null;
    out.label = label;
  }
  return out;
}

/** A stored list of records (JSON text), as far as it is well-formed: damaged text gives none, never an error. */
export function parseScreenPopRecords(json: string | undefined): ScreenPopRecord[] {
  if (!json || json === '[]') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed) || parsed.length > SCREEN_POP_FIELDS_MAX) return [];
  const out: ScreenPopRecord[] = [];
  for (const item of parsed) {
    const record = readRecord(item);
    if (!record) return [];
    out.push(record);
  }
  return out;
}
