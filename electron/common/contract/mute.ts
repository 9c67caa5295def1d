import { z } from 'zod';

/** What the renderer measured about the outgoing audio, sent after every mute change and every second in a call. */
export const muteReport = z.object({
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
}).strict();
export type MuteReport = z.infer<typeof muteReport>;

export const muteSource = z.enum(['ui', 'headset', 'hotkey', 'call-start', 'transfer', 'hold', 'policy', 'verification']);

export const muteStatus = z.object({
  muted: z.boolean(),
  source: muteSource,
  since: z.number(),
  inCall: z.boolean(),
  /** `ok`: what leaves the PC agrees with the state; `mismatch`: it does not (an error the agent sees). */
  verification: z.enum(['unknown', 'ok', 'mismatch']),
  mismatch: z.enum(['track-enabled-while-muted', 'audio-leaking-while-muted', 'track-disabled-while-unmuted', 'silent-while-unmuted']).optional(),
  reapplied: z.number().int().nonnegative(),
  talkingWhileMuted: z.boolean(),
  longMute: z.object({ elapsedSec: z.number(), level: z.number().int().positive() }).optional(),
  analysisFailed: z.boolean(),
});
export type MuteStatus = z.infer<typeof muteStatus>;
