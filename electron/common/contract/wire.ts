import { z } from 'zod';
import { contractError } from './errors';

/**
 * How the browser host carries the contract over its loopback WebSocket. The page finds a one-time launch token in
 * its URL fragment, trades it once (POST /session) for a session secret that only the host and the page hold, and
 * must present that secret in `hello` before anything else is accepted. The launch token itself never opens the
 * contract, so a token read later from another user's view of the command line is worthless.
 */
// Values that may be `undefined` are optional keys: JSON drops an undefined member, and zod 4's `z.unknown()` alone
// requires the key, so a call without arguments or a result without a value would be refused after the round trip.
export const clientMessage = z.discriminatedUnion('t', [
  z.object({ t: z.literal('hello'), token: z.string().min(16).max(128) }),
  z.object({
    t: z.literal('call'),
    id: z.number().int().nonnegative(),
    name: z.string().max(64),
    args: z.unknown().optional(),
  }),
]);
export type ClientMessage = z.infer<typeof clientMessage>;

// A plain union: two members share the discriminator value `result` (success and failure).
export const hostMessage = z.union([
  z.object({ t: z.literal('ready') }),
  z.object({ t: z.literal('result'), id: z.number(), ok: z.literal(true), value: z.unknown().optional() }),
  z.object({ t: z.literal('result'), id: z.number(), ok: z.literal(false), error: contractError }),
  z.object({ t: z.literal('event'), name: z.string(), payload: z.unknown().optional() }),
]);
export type HostMessage = z.infer<typeof hostMessage>;

/**
 * An event frame, told apart without walking the union (which tries, and fails, the other three shapes first):
 * exactly what `hostMessage` accepts as an event, for the frames a ring brings. The payload is the event's own
 * schema's to judge (`parseEvent`).
 */
export function isEventFrame(m: unknown): m is Extract<HostMessage, { t: 'event' }> {
  return (
    typeof m === 'object' &&
    m !== null &&
    (m as { t?: unknown }).t === 'event' &&
    typeof (m as { name?: unknown }).name === 'string'
  );
}

/** WebSocket path the browser host serves the contract on. */
export const contractPath = '/contract';
/** Close codes the host uses; the renderer shows a reason for each. */
export const closeCodes = { badToken: 4401, protocol: 4400, replaced: 4409 } as const;
