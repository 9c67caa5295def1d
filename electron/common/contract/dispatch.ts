import {
  calls,
  events,
  isCallName,
  isEventName,
  type Connection,
  type ContractHandlers,
  type EventName,
  type EventPayload,
} from './contract';
import { isExactCallsSnapshot } from './calls-guard';
import { toContractError, type ContractErrorShape } from './errors';

export type DispatchOutcome = { ok: true; value: unknown } | { ok: false; error: ContractErrorShape };

/**
 * Validates a call that arrived from a renderer (name, then arguments), runs it, and validates the result on the
 * way out so a core bug cannot leak an unexpected shape. Shared by both shells.
 */
export async function dispatchCall(
  handlers: ContractHandlers,
  name: unknown,
  args: unknown,
  from?: Connection,
): Promise<DispatchOutcome> {
  if (!isCallName(name)) return { ok: false, error: { code: 'unknown-call' } };
  const spec = calls[name];
  const parsed = spec.args.safeParse(args ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      error: {
        code: 'invalid-arguments',
        params: { call: name, issue: parsed.error.issues[0]?.path.join('.') || 'args' },
      },
    };
  }
  try {
    const handler = handlers[name] as (a: unknown, c?: Connection) => Promise<unknown>;
    const value = await handler(parsed.data, from);
    return { ok: true, value: spec.result.parse(value) };
  } catch (err) {
    return { ok: false, error: toContractError(err) };
  }
}

/** Receiving side of an event: unknown names and malformed payloads are dropped, never passed on. */
export function parseEvent(
  name: unknown,
  payload: unknown,
): { name: EventName; payload: EventPayload<EventName> } | undefined {
  if (!isEventName(name)) return undefined;
  // The ring's event: a payload that is exactly a valid snapshot is taken as the schema would return it.
  if (name === 'calls' && isExactCallsSnapshot(payload)) return { name, payload };
  const parsed = events[name].safeParse(payload);
  return parsed.success ? { name, payload: parsed.data as EventPayload<EventName> } : undefined;
}
