import { z } from 'zod';

/** Why the renderer's microphone analysis (talking-while-muted detector) is not running. */
export const analysisError = z.enum(['no-microphone', 'permission', 'unsupported', 'microphone-lost', 'error']);
export type AnalysisError = z.infer<typeof analysisError>;
export const mismatchKind = z.enum([
  'track-enabled-while-muted',
  'audio-leaking-while-muted',
  'track-disabled-while-unmuted',
  'silent-while-unmuted',
]);
export type MismatchKind = z.infer<typeof mismatchKind>;

/** What the renderer measured about the outgoing audio, sent after every mute change and every second in a call. */
export const muteReport = z
  .object({
    callId: z.string().max(64).optional(),
    /** The sender track's `enabled` as the renderer sees it. */
    trackEnabled: z.boolean(),
    /** Outbound audio level from getStats (0..1), what actually leaves towards the far end. */
    outboundLevel: z.number().min(0).max(1),
    /** Raw microphone level from the separate analysis path (0..1), measured even while muted. */
    micLevel: z.number().min(0).max(1),
    /** The voice-activity detector hears speech on the raw microphone. */
    speech: z.boolean(),
    /** The analysis path could not start (no microphone, permission): the agent must be told. */
    analysisFailed: z.boolean().optional(),
    /** Why the analysis path is not running. */
    analysisError: analysisError.optional(),
    /** The mute state the renderer had applied when it measured; a report about an older state is not judged. */
    appliedMuted: z.boolean().optional(),
  })
  .strict();
export type MuteReport = z.infer<typeof muteReport>;

export const muteSource = z.enum([
  'ui',
  'headset',
  'hotkey',
  'call-start',
  'transfer',
  'hold',
  'policy',
  'verification',
]);
export type MuteSource = z.infer<typeof muteSource>;

/** The one place the mute state travels to the renderer: the media host applies `muted`, the mute bar shows it. */
export const muteStatus = z.object({
  muted: z.boolean(),
  source: muteSource,
  since: z.number(),
  inCall: z.boolean(),
  /** `ok`: what leaves the PC agrees with the state; `mismatch`: it does not (an error the agent sees). */
  verification: z.enum(['unknown', 'ok', 'mismatch']),
  mismatch: mismatchKind.optional(),
  /** The last mismatch found in this call and corrected by re-applying the state (kept for the agent to see). */
  lastMismatch: z.object({ kind: mismatchKind, at: z.number() }).optional(),
  reapplied: z.number().int().nonnegative(),
  talkingWhileMuted: z.boolean(),
  longMute: z.object({ elapsedSec: z.number(), level: z.number().int().positive() }).optional(),
  analysisFailed: z.boolean(),
  analysisError: analysisError.optional(),
});
export type MuteStatus = z.infer<typeof muteStatus>;

export const muteCalls = {
  'mute.report': { args: muteReport, result: z.object({}) },
  'mute.status': { args: z.object({}).strict(), result: muteStatus },
} as const;

export const muteEvents = {
  mute: muteStatus,
} as const;
