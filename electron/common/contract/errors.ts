import { z } from 'zod';

/**
 * Errors that cross the contract carry a code the renderer translates, never English prose to show as is.
 * `params` fill placeholders in the translated message.
 */
export const contractErrorCode = z.enum([
  'invalid-arguments',
  'unknown-call',
  'forbidden',
  'invalid-setting',
  'locked-setting',
  'invalid-account',
  'secrets-unavailable',
  'not-registered',
  'refused',
  'internal',
]);
export type ContractErrorCode = z.infer<typeof contractErrorCode>;
export const contractError = z.object({
  code: contractErrorCode,
  params: z.record(z.string(), z.string()).optional(),
});
export type ContractErrorShape = z.infer<typeof contractError>;

export class ContractError extends Error {
  constructor(
    readonly code: ContractErrorCode,
    readonly params?: Record<string, string>,
  ) {
    super(params ? `${code}: ${JSON.stringify(params)}` : code);
    this.name = 'ContractError';
  }
  toJSON(): ContractErrorShape {
    return this.params ? { code: this.code, params: this.params } : { code: this.code };
  }
}

/**
 * Why the core refused a well-formed request: the arguments were valid, the moment was not. Travels as
 * `{ code: 'refused', params: { reason } }`; the renderer translates each reason.
 */
export const refusalReason = z.enum([
  /** The call does not exist (any more). */
  'no-such-call',
  /** The call is not in a state that allows this (answer a call that is not ringing, hold a call not yet up). */
  'wrong-state',
  /** The number or address cannot be dialled. */
  'invalid-target',
  /** Another call had to go on hold first and the far end refused the hold. */
  'hold-failed',
  /** No supervisor extension is configured. */
  'no-supervisor',
  /** The tones could not be sent on this call. */
  'dtmf-failed',
  /** After-call work is time-boxed and its time is not up. */
  'acw-time-box',
  /** The note of the call still lacks its disposition or a required field. */
  'note-unfinished',
  /** The phone server is being reconnected: the call's audio continues, but nothing can be asked of the far end. */
  'signalling-down',
]);
export type RefusalReason = z.infer<typeof refusalReason>;

export class RefusedError extends ContractError {
  constructor(readonly reason: RefusalReason) {
    super('refused', { reason });
    this.name = 'ContractError';
  }
}

/** The refusal reason of an error from the core, if it is a refusal (also after crossing Electron's bridge). */
export function refusalOf(err: unknown): RefusalReason | undefined {
  if (!(err instanceof ContractError) || err.code !== 'refused') return undefined;
  const r = refusalReason.safeParse(err.params?.reason);
  return r.success ? r.data : undefined;
}

export function toContractError(err: unknown): ContractErrorShape {
  if (err instanceof ContractError) return err.toJSON();
  return { code: 'internal' };
}

/**
 * An error that crossed Electron's context bridge keeps only its message (`code` or `code: {params}`, as
 * ContractError writes it): recover the code and the params from it. Anything else is `internal`.
 */
export function contractErrorFromMessage(message: string): ContractErrorShape {
  const m = /^([a-z-]+)(?:: (\{.*\}))?$/s.exec(message);
  const code = contractErrorCode.safeParse(m?.[1]);
  if (!m || !code.success) return { code: 'internal' };
  let params: unknown;
  try {
    params = m[2] ? JSON.parse(m[2]) : undefined;
  } catch {
    params = undefined;
  }
  const parsed = contractError.shape.params.safeParse(params);
  return parsed.success && parsed.data ? { code: code.data, params: parsed.data } : { code: code.data };
}
