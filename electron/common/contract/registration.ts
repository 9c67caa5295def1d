import { z } from 'zod';

/** The registration states the agent sees. `failed` always carries a reason the agent can act on. */
export const registrationState = z.enum(['unregistered', 'registering', 'registered', 'reconnecting', 'failed']);
export type RegistrationStateName = z.infer<typeof registrationState>;

export const failureReason = z.enum([
  'credentials', // 401/403 after a challenge: wrong user, auth user or password
  'unreachable', // DNS failure, connection refused, WebSocket upgrade refused
  'tls', // certificate or TLS handshake problem
  'timeout', // connected but the server never answered
  'rejected', // the server refused the REGISTER for another reason (status in detail)
  'config', // the account settings are incomplete or invalid
]);
export type FailureReason = z.infer<typeof failureReason>;

export const registrationSnapshot = z.object({
  state: registrationState,
  reason: failureReason.optional(),
  /** Technical detail for IT (status line, errno); never shown as the main message and never a secret. */
  detail: z.string().max(500).optional(),
  /** When the next automatic attempt happens, while `reconnecting`. */
  retryAt: z.number().optional(),
  aor: z.string().max(300).optional(),
  /**
   * Reconnecting with calls up: their audio continues while the phone server is reconnected; if it is not back by
   * this time (ms since the epoch) the calls are ended on this side.
   */
  callsKeptUntil: z.number().optional(),
  /** The server registered on (or being tried), when the account has one. */
  server: z.string().max(2048).optional(),
  /** Registered on a later server of `account.servers` because the first failed: which one and why. */
  failover: z
    .object({ primary: z.string().max(2048), reason: failureReason, detail: z.string().max(500).optional() })
    .optional(),
});
export type RegistrationSnapshot = z.infer<typeof registrationSnapshot>;

/** The steps of *Test connection* and `diadema doctor`, in order. */
export const connectionStep = z.enum(['config', 'dns', 'connect', 'websocket', 'register', 'challenge', 'registered']);
export type ConnectionStep = z.infer<typeof connectionStep>;
export const stepReport = z.object({
  step: connectionStep,
  status: z.enum(['ok', 'failed', 'skipped']),
  detail: z.string().max(500).optional(),
  ms: z.number().optional(),
});
export type StepReport = z.infer<typeof stepReport>;

export const registrationCalls = {
  'phone.register': { args: z.object({}).strict(), result: registrationSnapshot },
  'phone.unregister': { args: z.object({}).strict(), result: registrationSnapshot },
  'phone.registration': { args: z.object({}).strict(), result: registrationSnapshot },
} as const;

export const registrationEvents = {
  registration: registrationSnapshot,
} as const;
