import { z } from 'zod';

/**
 * Team profiles as the renderer sees them: the agent's side (which signed profile is in force, what the last check
 * found) and the team lead's side (edit, preview, sign and publish, on the PC where a signing key is configured).
 */

/**
 * Why a fetched profile was not applied. The agent sees one short translated notice; IT reads the code and the
 * `detail` (doctor, log, Settings → Team profile).
 */
export const profileRefusal = z.enum([
  /** The document is not a JWS at all (an unsigned JSON file, HTML from a captive portal, …). */
  'unsigned',
  /** Signed, but by a key that is not in `profile.trustedKeys`. */
  'untrusted-key',
  /** The signature does not match the document (a changed byte). */
  'bad-signature',
  /** Signed for another team than the one this PC follows. */
  'wrong-team',
  /** Not newer than the profile already applied (a replayed older version). */
  'rollback',
  /** Past its expiry date. */
  'expired',
  /** Larger than 256 KiB. */
  'too-large',
  /** The signed payload is not a profile document (not JSON, a field missing or malformed). */
  'invalid-document',
  /** A value the settings schema refuses, or a key a team profile may not carry (`account.user`). */
  'invalid-setting',
  /** No trusted key is configured, so nothing can be accepted. */
  'no-trusted-keys',
]);
export type ProfileRefusal = z.infer<typeof profileRefusal>;

/** Why a profile could not be fetched at all (the last good one stays in force). */
export const profileFetchProblem = z.enum([
  /** DNS, connection refused, file share missing. */
  'unreachable',
  /** Certificate or TLS handshake problem. */
  'tls',
  /** Redirected to a plain http:// (or other non-https) location. */
  'insecure-redirect',
  /** The server answered with a status other than 200 / 304 (404, 500 …). */
  'http-status',
  /** The server did not send the whole document in time (slow or trickling). */
  'timeout',
]);
export type ProfileFetchProblem = z.infer<typeof profileFetchProblem>;

/** One applied profile: who signed what, when. */
export const profileIdentity = z.object({
  team: z.string().max(64),
  version: z.number().int().nonnegative(),
  author: z.string().max(128),
  issuedAt: z.string().max(40),
  expires: z.string().max(40).optional(),
  keyId: z.string().max(128),
});
export type ProfileIdentity = z.infer<typeof profileIdentity>;

export const profileChange = z.object({
  key: z.string().max(128),
  /** How the setting is set after the change (`removed`: the profile no longer sets it). */
  mode: z.enum(['default', 'enforced', 'removed']),
  // Optional: a key the profile did not set before (or no longer sets) has no value there, and JSON drops the key.
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});
export type ProfileChange = z.infer<typeof profileChange>;

export const profileStatus = z.object({
  /** IT configured `profile.url` (and trusted keys): this PC follows a team profile. */
  configured: z.boolean(),
  /** The profile in force (kept on disk, signed), or null when none was ever accepted. */
  applied: profileIdentity.nullable(),
  /** When the profile in force was applied on this PC (ms since the epoch). */
  appliedAt: z.number().nullable(),
  /** What changed for this agent when the profile in force was applied (the notice's list). */
  changes: z.array(profileChange).max(512),
  /** Keys whose new team values wait for the call in progress to end (account, audio). */
  pending: z.array(z.string().max(128)).max(512),
  lastCheck: z
    .object({
      at: z.number(),
      /** What started the check. */
      trigger: z.enum(['start', 'poll', 'check-sync', 'network', 'resume', 'manual']),
      outcome: z.enum(['applied', 'unchanged', 'refused', 'unreachable']),
      refusal: profileRefusal.optional(),
      problem: profileFetchProblem.optional(),
      /** Exact technical reason for IT (never shown as the agent's main message, never a secret). */
      detail: z.string().max(500).optional(),
      /** Version found, when the document could be read that far. */
      version: z.number().int().optional(),
    })
    .nullable(),
});
export type ProfileStatus = z.infer<typeof profileStatus>;

/** The unsigned form a team lead edits (same as `diadema profile init` writes). */
export const profileDraft = z.object({
  team: z.string().min(1).max(64),
  version: z.number().int().positive(),
  author: z.string().max(128),
  expires: z.string().max(40).optional(),
  defaults: z.record(z.string().max(128), z.unknown()),
  enforced: z.record(z.string().max(128), z.unknown()),
});
export type ProfileDraft = z.infer<typeof profileDraft>;

/** A value the draft may not carry, or that the settings schema refuses. */
export const draftProblem = z.object({
  key: z.string().max(128),
  code: z.enum(['unknown-key', 'not-allowed-in-profile', 'invalid-value', 'both-modes', 'invalid-field']),
  detail: z.string().max(500),
});
export type DraftProblem = z.infer<typeof draftProblem>;

export const teamProfileView = z.object({
  /** A signing key is configured on this PC (`profile.signingKey`): the team lead's screen is offered. */
  available: z.boolean(),
  /** The key id the signature will carry, when the key could be read. */
  keyId: z.string().max(128).nullable(),
  /** Why the key could not be used (missing file, wrong permissions, not an Ed25519 key). */
  keyProblem: z.string().max(500).nullable(),
  /** Where publishing goes (`profile.publishTo`: a folder or an https:// URL). */
  publishTo: z.string().max(2048),
  /** The last published profile (read back from `publishTo`), to diff against; null when none. */
  published: profileDraft.nullable(),
  /** A draft to start from: the published one with the version raised, or a fresh one. */
  draft: profileDraft,
});
export type TeamProfileView = z.infer<typeof teamProfileView>;

export const profilePreview = z.object({
  /** What agents would see change against the published version. */
  changes: z.array(profileChange).max(512),
  problems: z.array(draftProblem).max(512),
});
export type ProfilePreview = z.infer<typeof profilePreview>;

export const profileCalls = {
  /** The agent's side: the profile in force and the last check. */
  'profile.status': { args: z.object({}).strict(), result: profileStatus },
  /** Check the published profile now (the agent's "check for team profile" button). */
  'profile.check': { args: z.object({}).strict(), result: profileStatus },
  /** The team lead's side; refused with `forbidden` where no signing key is configured. */
  'profile.draft': { args: z.object({}).strict(), result: teamProfileView },
  'profile.preview': { args: z.object({ draft: profileDraft }).strict(), result: profilePreview },
  /**
   * Validates, signs and publishes atomically. A draft with problems is refused with `invalid-setting` naming the
   * first key; nothing is written.
   */
  'profile.publish': {
    args: z.object({ draft: profileDraft }).strict(),
    result: z.object({ version: z.number().int(), publishedTo: z.string().max(2048), keyId: z.string().max(128) }),
  },
} as const;

export const profileEvents = {
  profile: profileStatus,
} as const;
