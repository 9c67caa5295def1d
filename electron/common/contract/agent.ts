import { z } from 'zod';

/**
 * Agent state: Available / Not ready (with a reason) / After-call work / Break. The core owns the state;
 * the renderer shows it and asks for changes. While the agent is not Available, new calls are not presented.
 */
export const agentStateName = z.enum(['available', 'not-ready', 'acw', 'break']);
export type AgentStateName = z.infer<typeof agentStateName>;

/** Reasons the agent may pick for Not ready (translated in the UI). */
export const notReadyReason = z.enum(['meeting', 'training', 'personal', 'technical']);
export type NotReadyReason = z.infer<typeof notReadyReason>;
/** `degraded` is set by the core alone, while the registration is not `registered`. */
export const agentReason = z.enum([...notReadyReason.options, 'degraded']);
export type AgentReason = z.infer<typeof agentReason>;

export const acwMode = z.enum(['optional', 'mandatory-manual', 'mandatory-timed', 'timed-no-early-exit']);
export type AcwMode = z.infer<typeof acwMode>;

export const acwView = z.object({
  callId: z.string().max(64),
  mode: acwMode,
  startedAt: z.number(),
  /** End of the time box (absent: no time box). */
  endsAt: z.number().optional(),
  /** May the agent end after-call work now (press Ready)? */
  canEnd: z.boolean(),
  /** Why not, when `canEnd` is false. */
  blockedBy: z.enum(['time-box']).optional(),
  /** Ending needs a finished note (disposition chosen, required fields filled): mandatory modes. */
  needsFinishedNote: z.boolean(),
});
export type AcwView = z.infer<typeof acwView>;

export const agentView = z.object({
  state: agentStateName,
  reason: agentReason.optional(),
  since: z.number(),
  acw: acwView.optional(),
  /** Registration is down: the agent will be Not ready (degraded) until it comes back. */
  degraded: z.boolean(),
  /**
   * Talking: an answered call is up (since when the first of them was answered). The state stays what the agent
   * chose, so Available during a call still means "offered the next call"; this says what they are doing now.
   */
  onCall: z.object({ since: z.number() }).optional(),
});
export type AgentView = z.infer<typeof agentView>;

export const agentSetArgs = z.discriminatedUnion('state', [
  z.object({ state: z.literal('available') }).strict(),
  z.object({ state: z.literal('break') }).strict(),
  z.object({ state: z.literal('not-ready'), reason: notReadyReason }).strict(),
]);
export type AgentSetArgs = z.infer<typeof agentSetArgs>;

export const agentCalls = {
  'agent.get': { args: z.object({}).strict(), result: agentView },
  /** Change state; `available` during after-call work is *Ready* (refused while the time box forbids it). */
  'agent.set': { args: agentSetArgs, result: agentView },
} as const;

export const agentEvents = {
  agent: agentView,
} as const;
