import type { ProfileChange } from '../contract/profile';

/** The settings part of a profile (a draft, a signed payload, the one in force). */
export interface ProfileSettingsPart {
  defaults: Readonly<Record<string, unknown>>;
  enforced: Readonly<Record<string, unknown>>;
}

/**
 * What agents see change when `next` replaces `previous` (null: no profile before): each key whose value or mode
 * (default / enforced) differs, and each key the new profile no longer sets (`removed`), sorted by key.
 */
export function diffProfiles(previous: ProfileSettingsPart | null, next: ProfileSettingsPart): ProfileChange[] {
  const keys = new Set([
    ...Object.keys(next.defaults),
    ...Object.keys(next.enforced),
    ...(previous ? [...Object.keys(previous.defaults), ...Object.keys(previous.enforced)] : []),
  ]);
  const changes: ProfileChange[] = [];
  for (const key of [...keys].sort()) {
    const before = previous ? entry(previous, key) : undefined;
    const after = entry(next, key);
    if (!after) {
      if (before) changes.push({ key, mode: 'removed', before: before.value, after: undefined });
      continue;
    }
    if (before && before.mode === after.mode && sameValue(before.value, after.value)) continue;
    changes.push({ key, mode: after.mode, before: before?.value, after: after.value });
  }
  return changes;
}

function entry(p: ProfileSettingsPart, key: string): { mode: 'default' | 'enforced'; value: unknown } | undefined {
  const own = (o: Readonly<Record<string, unknown>>) => Object.prototype.hasOwnProperty.call(o, key);
  if (own(p.enforced)) return { mode: 'enforced', value: p.enforced[key] };
  if (own(p.defaults)) return { mode: 'default', value: p.defaults[key] };
  return undefined;
}

/** Equal as JSON values (object key order does not matter). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  const ka = Object.keys(a),
    kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameValue((a as never)[k], (b as never)[k]))
  );
}
