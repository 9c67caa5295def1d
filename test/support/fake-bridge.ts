import type { ContractHandlers, EventName, EventPayload, ContractClient } from '../../electron/common/contract/contract';
import { Emitter } from '../../electron/common/emitter';
import type { Bridge, BridgeStatus } from '../../renderer/src/bridge/create-bridge';
import { fakeHandlers } from './fake-handlers';

/** An in-memory bridge for renderer tests: scripted handlers for calls, `emit` for core events. */
export function fakeBridge(overrides: Partial<ContractHandlers> = {}): Bridge & { emit<N extends EventName>(name: N, payload: EventPayload<N>): void; calls: string[] } {
  const handlers = fakeHandlers(overrides);
  const emitters = new Map<EventName, Emitter<unknown>>();
  const emitter = (name: EventName) => { let e = emitters.get(name); if (!e) { e = new Emitter<unknown>(); emitters.set(name, e); } return e; };
  const calls: string[] = [];
  const client = new Proxy({}, {
    get: (_t, name: string) => async (args: unknown) => { calls.push(name); return (handlers as unknown as Record<string, (a: unknown) => Promise<unknown>>)[name]!(args); },
  }) as ContractClient;
  return {
    client, calls,
    on: (name, l) => emitter(name).on(l as (p: unknown) => void),
    emit: (name, payload) => { emitters.get(name)?.emit(payload); },
    status: (): BridgeStatus => 'connected',
    onStatus: () => () => undefined,
  };
}
