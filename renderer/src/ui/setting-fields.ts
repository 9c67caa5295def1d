import type { Layer as SettingLayer } from '@common/settings/resolver';
import { screenPopProblems, type ScreenPopProblem } from '@common/contract/screen-pop';
import { settingKeys, settingsSchema, type SettingKey } from '@common/settings/schema';

/**
 * How a setting is edited, read from its schema (through its JSON Schema, the same reading the IT artefacts use),
 * so no setting has a hand-written editor: a new key in the schema gets a field of the right kind.
 */
export type FieldKind =
  | { kind: 'boolean' }
  | { kind: 'choice'; options: ReadonlyArray<string | number> }
  | { kind: 'int'; min?: number; max?: number }
  | { kind: 'text'; maxLength?: number }
  /** A list of strings, one per line. */
  | { kind: 'lines' }
  /** Anything else (a list of objects): JSON, checked as it is typed. */
  | { kind: 'json' }
  /** A device remembered by id and label: chosen in the audio devices panel, never typed. */
  | { kind: 'device' };

interface Js {
  type?: string;
  enum?: Array<string | number>;
  const?: string | number;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  items?: Js;
  anyOf?: Js[];
}

const kinds = new Map<SettingKey, FieldKind>();

export function fieldKind(key: SettingKey): FieldKind {
  let k = kinds.get(key);
  if (!k) {
    k = kindOf(settingsSchema[key].schema.toJSONSchema() as Js);
    kinds.set(key, k);
  }
  return k;
}

function kindOf(js: Js): FieldKind {
  if (js.anyOf) return { kind: 'device' };
  if (js.enum) return { kind: 'choice', options: js.enum };
  if (js.const !== undefined) return { kind: 'choice', options: [js.const] };
  if (js.type === 'boolean') return { kind: 'boolean' };
  if (js.type === 'integer' || js.type === 'number') return { kind: 'int', min: js.minimum, max: js.maximum };
  if (js.type === 'string') return { kind: 'text', maxLength: js.maxLength };
  if (js.type === 'array' && js.items?.type === 'string' && !js.items.enum) return { kind: 'lines' };
  return { kind: 'json' };
}

/** What an editor holds: the agent's input as typed (so an invalid value is kept, never reset). */
export type FieldInput = boolean | string;

export function toInput(key: SettingKey, value: unknown): FieldInput {
  const k = fieldKind(key);
  switch (k.kind) {
    case 'boolean':
      return Boolean(value);
    case 'lines':
      return Array.isArray(value) ? value.map(String).join('\n') : '';
    case 'json':
      return JSON.stringify(value ?? null, null, 2);
    case 'device':
      return (value as { label?: string } | null)?.label ?? '';
    default:
      return value === undefined || value === null ? '' : String(value);
  }
}

/** Why an input is not a value for its setting; the UI translates `code` (`settings.error.<code>`). */
export interface FieldProblem {
  code:
    | 'json'
    | 'number'
    | 'type'
    | 'min'
    | 'max'
    | 'too-long'
    | 'too-many'
    | 'format'
    | 'choice'
    | 'invalid'
    | `screen-pop-${ScreenPopProblem}`;
  /** The bound broken (min, max, length, count). */
  limit?: number;
  /** For a list typed one per line: the line (from 1) at fault. */
  line?: number;
}

export type FieldParse = { ok: true; value: unknown } | { ok: false; problem: FieldProblem };

/** The input as the setting's value, checked against the schema exactly as the core will check it. */
export function fromInput(key: SettingKey, input: FieldInput): FieldParse {
  const k = fieldKind(key);
  let value: unknown;
  if (k.kind === 'boolean') value = Boolean(input);
  else {
    const text = String(input);
    if (k.kind === 'int') {
      if (!/^\s*-?\d+\s*$/.test(text)) return { ok: false, problem: { code: 'number' } };
      value = Number(text);
    } else if (k.kind === 'choice') {
      value = k.options.find((o) => String(o) === text) ?? text;
    } else if (k.kind === 'lines') {
      value = text
        .split('\n')
        .map((l) => l.replace(/\r$/, ''))
        .filter((l) => l.trim() !== '');
    } else if (k.kind === 'json') {
      try {
        value = JSON.parse(text);
      } catch {
        return { ok: false, problem: { code: 'json' } };
      }
    } else value = text;
  }
  const parsed = settingsSchema[key].schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, problem: problemOf(parsed.error.issues[0] as Issue | undefined, k) };
}

/** The part of a schema issue read here (the UI does not import zod itself). */
interface Issue {
  code: string;
  origin?: string;
  minimum?: unknown;
  maximum?: unknown;
  path: PropertyKey[];
  /** A refinement's own word on what is wrong (screen-pop fields: which rule a CRM link breaks). */
  params?: { problem?: unknown };
}

function problemOf(issue: Issue | undefined, k: FieldKind): FieldProblem {
  if (!issue) return { code: 'invalid' };
  const first = issue.path[0];
  const line = k.kind === 'lines' && typeof first === 'number' ? { line: first + 1 } : {};
  const bound = (n: unknown) => (typeof n === 'number' || typeof n === 'bigint' ? { limit: Number(n) } : {});
  switch (issue.code) {
    case 'too_small':
      return issue.origin === 'number'
        ? { code: 'min', ...bound(issue.minimum), ...line }
        : { code: 'invalid', ...line };
    case 'too_big':
      if (issue.origin === 'number') return { code: 'max', ...bound(issue.maximum), ...line };
      if (issue.origin === 'array') return { code: 'too-many', ...bound(issue.maximum), ...line };
      return { code: 'too-long', ...bound(issue.maximum), ...line };
    case 'custom': {
      const problem = screenPopProblems.find((p) => p === issue.params?.problem);
      return problem ? { code: `screen-pop-${problem}`, ...line } : { code: 'format', ...line };
    }
    case 'invalid_format':
      return { code: 'format', ...line };
    case 'invalid_value':
      return { code: 'choice', ...line };
    case 'invalid_type':
      return { code: 'type', ...line };
    default:
      return { code: 'invalid', ...line };
  }
}

/** The sections of the settings view, in order (a key's section is the part before its first dot). */
export const settingSections = [
  'account',
  'ui',
  'audio',
  'calls',
  'headset',
  'hotkeys',
  'mute',
  'acw',
  'notes',
  'updates',
  'profile',
] as const;
export type SettingSection = (typeof settingSections)[number];

export function sectionOf(key: SettingKey): string {
  return key.slice(0, key.indexOf('.'));
}

/** Keys by section in schema order; a section the list above does not know comes last, never dropped. */
export function keysBySection(keys: readonly SettingKey[] = settingKeys): Array<[string, SettingKey[]]> {
  const groups = new Map<string, SettingKey[]>(settingSections.map((s) => [s, []]));
  for (const key of keys) {
    const s = sectionOf(key);
    groups.set(s, [...(groups.get(s) ?? []), key]);
  }
  return [...groups].filter(([, ks]) => ks.length > 0);
}

/** Where a value comes from, as the agent reads it: the layer, except that anything the agent cannot set is IT's. */
export type SettingSource = 'default' | 'team' | 'you' | 'team-locked' | 'it-locked';

export function sourceOf(key: SettingKey, layer: SettingLayer | undefined, locked: boolean): SettingSource {
  if (layer === 'policy' || !settingsSchema[key].user) return 'it-locked';
  if (layer === 'team-locked' || locked) return 'team-locked';
  if (layer === 'user') return 'you';
  return layer === 'team' ? 'team' : 'default';
}

/** Who keeps the agent from changing a value, if anyone (as the core's `locked-setting` names it). */
export function lockOf(source: SettingSource): 'team' | 'it' | undefined {
  if (source === 'it-locked') return 'it';
  return source === 'team-locked' ? 'team' : undefined;
}
