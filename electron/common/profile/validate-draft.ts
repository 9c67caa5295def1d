import type { DraftProblem } from '../contract/profile';
import { layerMayCarry } from '../settings/resolver';
import { isSettingKey, settingsSchema } from '../settings/schema';
import { isIsoDate, teamIdPattern } from './profile-payload';

/**
 * Everything wrong with the settings a profile carries, checked against the one settings schema: keys it does not
 * know, keys a profile may not carry (credentials, IT-only settings), values the key's schema refuses, and a key
 * set both as a default and as enforced. The same check runs when a team lead signs and when an agent verifies.
 */
export function settingsProblems(
  defaults: Readonly<Record<string, unknown>>,
  enforced: Readonly<Record<string, unknown>>,
): DraftProblem[] {
  const problems: DraftProblem[] = [];
  const check = (mode: 'defaults' | 'enforced', values: Readonly<Record<string, unknown>>) => {
    for (const [key, value] of Object.entries(values)) {
      if (!isSettingKey(key)) {
        problems.push({ key, code: 'unknown-key', detail: `${key} (in ${mode}) is not a Diadema setting` });
        continue;
      }
      if (!layerMayCarry('team', key)) {
        problems.push({
          key,
          code: 'not-allowed-in-profile',
          detail: `${key} (in ${mode}) may not be set by a team profile: credentials, devices and IT's settings never travel in profiles`,
        });
        continue;
      }
      const parsed = settingsSchema[key].schema.safeParse(value);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const at = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
        problems.push({
          key,
          code: 'invalid-value',
          detail: clip(`${key} (in ${mode}): ${issue?.message ?? 'invalid value'}${at}; got ${preview(value)}`),
        });
      }
    }
  };
  check('defaults', defaults);
  check('enforced', enforced);
  for (const key of Object.keys(defaults)) {
    if (Object.prototype.hasOwnProperty.call(enforced, key))
      problems.push({ key, code: 'both-modes', detail: `${key} is both a default and enforced: choose one` });
  }
  return problems;
}

/**
 * Everything wrong with a draft a team lead wants to sign (the plain JSON `diadema profile init` writes, or the
 * Team profile form's). Takes anything, because the draft comes from a file a person edited. Fields starting with
 * `$` (descriptions, comments) are ignored. `now` also refuses an expiry already past (nobody could apply it).
 */
export function validateDraft(draft: unknown, o: { now?: Date } = {}): DraftProblem[] {
  if (typeof draft !== 'object' || draft === null || Array.isArray(draft))
    return [{ key: 'document', code: 'invalid-field', detail: 'a profile is a JSON object' }];
  const d = draft as Record<string, unknown>;
  const problems: DraftProblem[] = [];
  const field = (key: string, detail: string) => problems.push({ key, code: 'invalid-field', detail });

  if (typeof d.team !== 'string' || !teamIdPattern.test(d.team))
    field(
      'team',
      `team must be a team id: letters, digits, . _ - (1 to 64, starting with a letter or digit); got ${preview(d.team)}`,
    );
  if (typeof d.version !== 'number' || !Number.isSafeInteger(d.version) || d.version < 1)
    field('version', `version must be a whole number of 1 or more; got ${preview(d.version)}`);
  if (typeof d.author !== 'string' || d.author.length > 128 || hasControl(d.author))
    field('author', `author must be a name of at most 128 characters on one line; got ${preview(d.author)}`);
  if (d.expires !== undefined) {
    if (typeof d.expires !== 'string' || d.expires.length > 40 || !isIsoDate(d.expires))
      field('expires', `expires must be an ISO 8601 date such as 2027-01-31T00:00:00Z; got ${preview(d.expires)}`);
    else if (o.now && Date.parse(d.expires) <= o.now.getTime())
      field('expires', `expires ${d.expires} is already past: agents would refuse the profile`);
  }
  const record = (name: 'defaults' | 'enforced'): Record<string, unknown> => {
    const v = d[name];
    if (v === undefined) return {};
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
    field(name, `${name} must be an object of setting → value; got ${preview(v)}`);
    return {};
  };
  if (d.defaults === undefined) field('defaults', 'defaults is missing (use {} for none)');
  if (d.enforced === undefined) field('enforced', 'enforced is missing (use {} for none)');
  problems.push(...settingsProblems(record('defaults'), record('enforced')));
  for (const key of Object.keys(d)) {
    if (!key.startsWith('$') && !knownFields.has(key))
      field(key, `${key} is not a field of a profile (team, version, author, expires, defaults, enforced)`);
  }
  return problems;
}

const knownFields = new Set(['team', 'version', 'author', 'expires', 'defaults', 'enforced']);

const hasControl = (s: string) => /[\u0000-\u001f\u007f]/.test(s);

const clip = (s: string) => (s.length > 500 ? `${s.slice(0, 497)}...` : s);

/** A short rendering of a value for a message (never the whole of a large one). */
function preview(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
