import { z } from 'zod';

/**
 * Errors that cross the contract carry a code the renderer translates, never English prose to show as is.
 * `params` fill placeholders in the translated message.
 */
export const contractErrorCode = z.enum([
  'invalid-arguments', 'unknown-call', 'forbidden', 'invalid-setting', 'locked-setting', 'invalid-account',
  'secrets-unavailable', 'not-registered', 'internal',
]);
export type ContractErrorCode = z.infer<typeof contractErrorCode>;
export const contractError = z.object({
  code: contractErrorCode,
  params: z.record(z.string(), z.string()).optional(),
});
export type ContractErrorShape = z.infer<typeof contractError>;

export class ContractError extends Error {
  constructor(readonly code: ContractErrorCode, readonly params?: Record<string, string>) {
    super(params ? `${code}: ${JSON.stringify(params)}` : code);
    this.name = 'ContractError';
  }
  toJSON(): ContractErrorShape { return this.params ? { code: this.code, params: this.params } : { code: this.code }; }
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
  try { params = m[2] ? JSON.parse(m[2]) : undefined; } catch { params = undefined; }
  const parsed = contractError.shape.params.safeParse(params);
  return parsed.success && parsed.data ? { code: code.data, params: parsed.data } : { code: code.data };
}
