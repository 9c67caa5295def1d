import type { DraftProblem, ProfileIdentity, ProfileRefusal } from '@common/contract/profile';
import { parseProfilePayload, type ProfilePayload } from '@common/profile/profile-payload';
import { settingsProblems, validateDraft } from '@common/profile/validate-draft';
import { CompactSign, compactVerify } from 'jose';
import { parsePublicKeyLine, type SigningKey, type TrustedKey } from './keys';

/**
 * A team profile as it travels: a JWS in compact serialization (RFC 7515), EdDSA over Ed25519, with the key id
 * (`kid`, the JWK thumbprint of the public key) and a `typ` naming the document kind in the protected header. The
 * payload is the JSON of `ProfilePayload`. Agents accept a document only whole.
 */

/** Nothing larger is read, verified or published. */
export const maxProfileBytes = 256 * 1024;
/** The protected header's `typ`: a JWS signed with the same key for another purpose is not a profile. */
export const profileJwsType = 'diadema-profile+jws';
const algorithm = 'EdDSA';

export type VerifyOutcome =
  | {
      ok: true;
      profile: { identity: ProfileIdentity; defaults: Record<string, unknown>; enforced: Record<string, unknown> };
    }
  | { ok: false; refusal: ProfileRefusal; detail: string; version?: number };

export interface VerifyOptions {
  /** The one-line public keys IT trusts (`profile.trustedKeys`). */
  trustedKeys: readonly string[];
  /** The team this PC follows; absent: any team. */
  team?: string;
  /** The highest version applied so far: only a greater one is accepted. */
  afterVersion?: number;
  now: Date;
}

/** A draft that cannot be signed, with every problem found (key + code + reason). */
export class ProfileDraftError extends Error {
  readonly code = 'invalid-draft';
  constructor(readonly problems: DraftProblem[]) {
    super(`the profile cannot be signed:\n${problems.map((p) => `  ${p.key}: ${p.detail}`).join('\n')}`);
    this.name = 'ProfileDraftError';
  }
}

/**
 * Signs a draft, issued now. Refuses (ProfileDraftError listing each problem) any draft with a problem: nothing
 * partial is ever signed. Fields of the draft other than the profile's own (`$comment`, descriptions) are dropped.
 */
export async function signProfile(draft: unknown, key: SigningKey, now: Date): Promise<string> {
  const problems = validateDraft(draft, { now });
  if (problems.length > 0) throw new ProfileDraftError(problems);
  const d = draft as ProfilePayload;
  const payload: ProfilePayload = {
    team: d.team,
    version: d.version,
    author: d.author,
    issuedAt: now.toISOString(),
    ...(d.expires !== undefined ? { expires: d.expires } : {}),
    defaults: d.defaults,
    enforced: d.enforced,
  };
  const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: algorithm, kid: key.kid, typ: profileJwsType })
    .sign(key.privateKey);
  if (jws.length > maxProfileBytes)
    throw new ProfileDraftError([
      {
        key: 'document',
        code: 'invalid-field',
        detail: `the signed profile would be ${jws.length} bytes; agents accept at most ${maxProfileBytes}`,
      },
    ]);
  return jws;
}

const compactPattern = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/;

/** The JWS's three parts and its protected header, or why the text is not a compact JWS at all. */
function splitCompact(
  signed: string | Uint8Array,
): { ok: true; jws: string; header: Record<string, unknown>; payloadPart: string } | { ok: false; detail: string } {
  let text: string;
  try {
    text = typeof signed === 'string' ? signed : new TextDecoder('utf-8', { fatal: true }).decode(signed);
  } catch {
    return { ok: false, detail: 'not text (invalid UTF-8)' };
  }
  const jws = text.trim();
  const m = compactPattern.exec(jws);
  if (!m) {
    const start = jws.slice(0, 1);
    const what = start === '{' ? 'a plain JSON document' : start === '<' ? 'an HTML or XML page' : 'not a compact JWS';
    return { ok: false, detail: `${what}, not a signed profile (expected header.payload.signature)` };
  }
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(m[1]!, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, detail: 'the JWS header is not JSON' };
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    return { ok: false, detail: 'the JWS header is not a JSON object' };
  return { ok: true, jws, header: header as Record<string, unknown>, payloadPart: m[2]! };
}

/**
 * Decides whether an agent may apply a fetched document, in a fixed order so each refusal names the first fault:
 * size, compact JWS, trusted keys configured, key id trusted, signature, payload shape, team, expiry, version,
 * every setting valid for a profile. Never throws.
 */
export async function verifyProfile(signed: string | Uint8Array, o: VerifyOptions): Promise<VerifyOutcome> {
  const size = typeof signed === 'string' ? Buffer.byteLength(signed, 'utf8') : signed.byteLength;
  if (size > maxProfileBytes)
    return { ok: false, refusal: 'too-large', detail: `${size} bytes; a profile is at most ${maxProfileBytes}` };
  const split = splitCompact(signed);
  if (!split.ok) return { ok: false, refusal: 'unsigned', detail: split.detail };

  const trusted = o.trustedKeys.map(parsePublicKeyLine).filter((k): k is TrustedKey => k !== undefined);
  if (trusted.length === 0)
    return {
      ok: false,
      refusal: 'no-trusted-keys',
      detail:
        o.trustedKeys.length === 0
          ? 'profile.trustedKeys is empty'
          : `none of the ${o.trustedKeys.length} entries of profile.trustedKeys is an ed25519: public key line`,
    };
  const kid = split.header.kid;
  const key = typeof kid === 'string' ? trusted.find((k) => k.kid === kid) : undefined;
  if (!key)
    return {
      ok: false,
      refusal: 'untrusted-key',
      detail:
        typeof kid === 'string'
          ? `signed with key id ${kid.slice(0, 64)}, which is not in profile.trustedKeys`
          : 'the signature names no key id',
    };
  if (split.header.alg !== algorithm)
    return {
      ok: false,
      refusal: 'bad-signature',
      detail: `algorithm ${String(split.header.alg)}; only EdDSA is accepted`,
    };

  let payloadBytes: Uint8Array;
  try {
    ({ payload: payloadBytes } = await compactVerify(split.jws, key.jwk, { algorithms: [algorithm] }));
  } catch (err) {
    return { ok: false, refusal: 'bad-signature', detail: `signature check failed: ${(err as Error).message}` };
  }
  if (split.header.typ !== profileJwsType)
    return {
      ok: false,
      refusal: 'invalid-document',
      detail: `signed, but the header's typ is ${JSON.stringify(split.header.typ)}, not ${profileJwsType}`,
    };

  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payloadBytes));
  } catch (err) {
    return {
      ok: false,
      refusal: 'invalid-document',
      detail: `the signed payload is not JSON: ${(err as Error).message}`,
    };
  }
  const foundVersion =
    typeof json === 'object' && json !== null && typeof (json as { version?: unknown }).version === 'number'
      ? (json as { version: number }).version
      : undefined;
  const parsed = parseProfilePayload(json);
  if (!parsed.ok) return { ok: false, refusal: 'invalid-document', detail: parsed.detail, ...versionOf(foundVersion) };
  const p = parsed.payload;
  if (o.team !== undefined && p.team !== o.team)
    return {
      ok: false,
      refusal: 'wrong-team',
      detail: `for team ${p.team}; this PC follows ${o.team}`,
      version: p.version,
    };
  if (p.expires !== undefined && Date.parse(p.expires) <= o.now.getTime())
    return { ok: false, refusal: 'expired', detail: `expired at ${p.expires}`, version: p.version };
  if (o.afterVersion !== undefined && p.version <= o.afterVersion)
    return {
      ok: false,
      refusal: 'rollback',
      detail: `version ${p.version} is not newer than version ${o.afterVersion} already applied`,
      version: p.version,
    };
  const problems = settingsProblems(p.defaults, p.enforced);
  if (problems.length > 0)
    return {
      ok: false,
      refusal: 'invalid-setting',
      detail: clip(`${problems[0]!.detail}${problems.length > 1 ? ` (and ${problems.length - 1} more problems)` : ''}`),
      version: p.version,
    };
  return {
    ok: true,
    profile: {
      identity: {
        team: p.team,
        version: p.version,
        author: p.author,
        issuedAt: p.issuedAt,
        ...(p.expires !== undefined ? { expires: p.expires } : {}),
        keyId: key.kid,
      },
      defaults: p.defaults,
      enforced: p.enforced,
    },
  };
}

/**
 * The payload of a signed document WITHOUT checking who signed it: for the team lead's own tools (diff against the
 * published version), never for a decision to apply. Undefined when it is not a readable profile JWS.
 */
export function readPayloadUnverified(signed: string | Uint8Array): ProfilePayload | undefined {
  const split = splitCompact(signed);
  if (!split.ok) return undefined;
  try {
    const parsed = parseProfilePayload(JSON.parse(Buffer.from(split.payloadPart, 'base64url').toString('utf8')));
    return parsed.ok ? parsed.payload : undefined;
  } catch {
    return undefined;
  }
}

/** Does this text look like a compact JWS (rather than an unsigned JSON draft)? */
export const looksSigned = (text: string): boolean => compactPattern.test(text.trim());

const versionOf = (v: number | undefined) => (v !== undefined && Number.isSafeInteger(v) ? { version: v } : {});
const clip = (s: string) => (s.length > 500 ? `${s.slice(0, 497)}...` : s);
