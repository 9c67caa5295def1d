import { z } from 'zod';
import { contractError } from './errors';

/**
 * How the browser host carries the contract over its loopback WebSocket. The page learns the per-launch token
 * from its URL fragment (never sent to a server, never logged) and must present it in `hello` before anything
 * else is accepted.
 */
export const clientMessage = z.discriminatedUnion('t', [
  z.object({ t: z.literal('hello'), token: z.string().min(16).max(128) }),
  z.object({ t: z.literal('call'), id: z.number().int().nonnegative(), name: z.string().max(64), args: z.unknown() }),
]);
export type ClientMessage = z.infer<typeof clientMessage>;

// A plain union: two members share the discriminator value `result` (success and failure).
export const hostMessage = z.union([
  z.object({ t: z.literal('ready') }),
  z.object({ t: z.literal('result'), id: z.number(), ok: z.literal(true), value: z.unknown() }),
  z.object({ t: z.literal('result'), id: z.number(), ok: z.literal(false), error: contractError }),
  z.object({ t: z.literal('event'), name: z.string(), payload: z.unknown() }),
]);
export type HostMessage = z.infer<typeof hostMessage>;

/** WebSocket path the browser host serves the contract on. */
export const contractPath = '/contract';
/** Close codes the host uses; the renderer shows a reason for each. */
export const closeCodes = { badToken: 4401, protocol: 4400, replaced: 4409 } as const;
