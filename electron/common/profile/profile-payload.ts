import { z } from 'zod';

/**
 * What a team lead signs: the draft's fields plus the moment of signing. The signed payload of the JWS is exactly
 * this JSON object; an agent reads nothing else from the document.
 */
export interface ProfilePayload {
  team: string;
  version: number;
  author: string;
  /** ISO 8601, when the document was signed. */
  issuedAt: string;
  /** ISO 8601; past it, agents refuse the document. */
  expires?: string;
  defaults: Record<string, unknown>;
  enforced: Record<string, unknown>;
}

/** A team id: it names the published file (`<team>.jws`), so it stays a safe file name. Same rule as `profile.team`. */
export const teamIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** A date-time as `Date` reads it, written the ISO way (a bare `2026-12-31` is midnight UTC). */
export const isoDatePattern = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
export const isIsoDate = (s: string): boolean => isoDatePattern.test(s) && !Number.isNaN(Date.parse(s));

const settingsRecord = z.record(z.string().max(128), z.unknown());
const isoDate = z.string().max(40).refine(isIsoDate, 'not an ISO 8601 date');

/** The payload's shape (the settings in it are checked against the settings schema separately, value by value). */
export const profilePayloadSchema = z.object({
  team: z.string().regex(teamIdPattern, 'not a team id: letters, digits, . _ - (at most 64)'),
  version: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  author: z.string().max(128),
  issuedAt: isoDate,
  expires: isoDate.optional(),
  defaults: settingsRecord,
  enforced: settingsRecord,
});

/** The payload read back, or the first thing wrong with it (English, for IT). */
export function parseProfilePayload(
  value: unknown,
): { ok: true; payload: ProfilePayload } | { ok: false; detail: string } {
  const parsed = profilePayloadSchema.safeParse(value);
  if (parsed.success) return { ok: true, payload: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'document';
  return { ok: false, detail: `${where}: ${issue?.message ?? 'not a profile document'}` };
}
