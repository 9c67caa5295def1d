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
