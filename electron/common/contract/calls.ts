import { z } from 'zod';
import { screenPopField } from './screen-pop';
import { SCREEN_POP_FIELDS_MAX } from './screen-pop-record';

/** What the agent sees of each call. Built by the core; every text field is already plain text, length-limited. */
export const callState = z.enum(['ringing', 'dialing', 'early', 'active', 'held', 'ended']);
export type CallStateName = z.infer<typeof callState>;

export const endReason = z.enum([
  'local-hangup',
  'remote-hangup',
  'rejected',
  'cancelled',
  'remote-cancelled',
  'busy',
  'failed',
  'transferred',
  'not-ready',
  /** The phone server stayed unreachable longer than a call can wait for it: ended on this side. */
  'signalling-lost',
  /** Rang unanswered for `calls.maxRingSec`: the phone stopped it (480), so a vanished caller never rings forever. */
  'unanswered',
]);
export type EndReason = z.infer<typeof endReason>;

export const quality = z.object({
  jitterMs: z.number(),
  lossPct: z.number(),
  rttMs: z.number(),
  mos: z.number(),
  inboundBytes: z.number(),
  outboundBytes: z.number(),
  inboundLevel: z.number(),
  outboundLevel: z.number(),
});
export type QualitySample = z.infer<typeof quality>;

export const callView = z.object({
  id: z.string().max(64),
  direction: z.enum(['inbound', 'outbound']),
  state: callState,
  remote: z.object({ name: z.string().max(128), number: z.string().max(128) }),
  /** Data the IVR already collected, from the configured headers, as text; label and CRM link as the team set them. */
  screenPop: z.array(screenPopField).max(SCREEN_POP_FIELDS_MAX),
  startedAt: z.number(),
  answeredAt: z.number().optional(),
  endedAt: z.number().optional(),
  endReason: endReason.optional(),
  endDetail: z.string().max(200).optional(),
  held: z.boolean(),
  /** When the far end accepted the hold now in force (absent when not held). */
  heldAt: z.number().optional(),
  /** On hold past `calls.longHoldSec`: the reminder to go back to the customer, `level` rising with each repeat. */
  longHold: z.object({ elapsedSec: z.number(), level: z.number().int().positive() }).optional(),
  /** The far end is playing early media (183) or ringback. */
  earlyMedia: z.boolean(),
  autoAnswerAt: z.number().optional(),
  /** Set on a consult call: the call it consults about. */
  consultFor: z.string().max(64).optional(),
  quality: quality.optional(),
});
export type CallView = z.infer<typeof callView>;

/** The calls only: the mute state travels in its own event (`mute`, contract/mute.ts). */
export const callsSnapshot = z.object({ calls: z.array(callView) });
export type CallsSnapshot = z.infer<typeof callsSnapshot>;

/** Something the agent must be told about a call action that failed; the renderer translates `code`. */
export const callNotice = z.object({
  callId: z.string().max(64).optional(),
  code: z.enum([
    'invalid-number',
    'no-such-call',
    'hold-failed',
    'resume-failed',
    'transfer-failed',
    'transfer-done',
    'dial-failed',
    'not-registered',
    'no-supervisor',
    'media-failed',
    'dtmf-failed',
    'call-rejected-not-ready',
    'hotkey-unavailable',
    'mute-on-hook',
    'signalling-down',
    'signalling-lost',
  ]),
  detail: z.string().max(200).optional(),
});
export type CallNotice = z.infer<typeof callNotice>;

// Dial strings: digits, *, #, +, and SIP user parts or full SIP addresses. Everything else is refused.
const dialTarget = z.string().trim().min(1).max(128);
export const callId = z.string().min(1).max(64);

/** Media requests from the core's proxy session-description handler to the renderer's WebRTC handler. */
/**
 * `prepare` (while an inbound call rings): open the microphone with the sender silent, create the peer connection,
 * apply the remote offer and have the answer ready, so that answering only applies it; `close` releases it all.
 */
export const mediaOp = z.enum(['prepare', 'getDescription', 'setDescription', 'rollback', 'sendDtmf', 'close']);
export const mediaOptions = z
  .object({
    hold: z.boolean().optional(),
    iceRestart: z.boolean().optional(),
  })
  .strict();
export const mediaRequest = z.object({
  reqId: z.number().int().nonnegative(),
  callId,
  op: mediaOp,
  sdp: z.string().max(65536).optional(),
  tones: z.string().max(64).optional(),
  options: mediaOptions.optional(),
});
export type MediaRequest = z.infer<typeof mediaRequest>;
export const mediaResponse = z
  .object({
    reqId: z.number().int().nonnegative(),
    ok: z.boolean(),
    body: z.string().max(65536).optional(),
    contentType: z.string().max(64).optional(),
    error: z.string().max(300).optional(),
  })
  .strict();
export type MediaResponse = z.infer<typeof mediaResponse>;

export const mediaStats = z.object({ callId, sample: quality }).strict();

export const callCalls = {
  'call.dial': { args: z.object({ target: dialTarget }).strict(), result: z.object({ callId: z.string() }) },
  'call.answer': { args: z.object({ callId }).strict(), result: z.object({}) },
  'call.reject': { args: z.object({ callId }).strict(), result: z.object({}) },
  'call.hangup': { args: z.object({ callId }).strict(), result: z.object({}) },
  'call.hold': { args: z.object({ callId, on: z.boolean() }).strict(), result: z.object({ held: z.boolean() }) },
  'call.mute': { args: z.object({ muted: z.boolean() }).strict(), result: z.object({ muted: z.boolean() }) },
  'call.dtmf': {
    args: z.object({ callId, digits: z.string().regex(/^[0-9*#A-Da-d]{1,32}$/) }).strict(),
    result: z.object({}),
  },
  'call.transferBlind': { args: z.object({ callId, target: dialTarget }).strict(), result: z.object({}) },
  'call.transferAttended': { args: z.object({ callId, consultCallId: callId }).strict(), result: z.object({}) },
  'call.consultSupervisor': { args: z.object({ callId }).strict(), result: z.object({ callId: z.string() }) },
  /**
   * The id-less actions on whichever call they concern (keyboard shortcuts; the mute bar's "hold instead": hold
   * the call in conversation and unmute); `done` is false when there was none.
   */
  'call.action': {
    args: z.object({ action: z.enum(['answer', 'hangup', 'toggleMute', 'toggleHold', 'holdInsteadOfMute']) }).strict(),
    result: z.object({
      done: z.boolean(),
      callId: z.string().optional(),
      muted: z.boolean().optional(),
      held: z.boolean().optional(),
    }),
  },
  'calls.get': { args: z.object({}).strict(), result: callsSnapshot },
  'media.attach': { args: z.object({}).strict(), result: z.object({ calls: z.array(z.string()) }) },
  'media.respond': { args: mediaResponse, result: z.object({}) },
  'media.stats': { args: mediaStats, result: z.object({}) },
} as const;

export const callEvents = {
  calls: callsSnapshot,
  'call.notice': callNotice,
  'media.request': mediaRequest,
} as const;
