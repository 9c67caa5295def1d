import type { ContractHandlers, EventName, EventPayload, ContractClient } from '../../electron/common/contract/contract';
import type { Bridge, BridgeStatus } from '../../renderer/src/bridge/create-bridge';
import { fakeHandlers } from './fake-handlers';

/** An in-memory bridge for renderer tests: scripted handlers for calls, `emit` for core events. */
export function fakeBridge(overrides: Partial<ContractHandlers> = {}): Bridge & { emit<N extends EventName>(name: N, payload: EventPayload<N>): void; calls: string[] } {
  const handlers = fakeHandlers(overrides);
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const calls: string[] = [];
  const client = new Proxy({}, {
    get: (_t, name: string) => async (args: unknown) => { calls.push(name); return (handlers as unknown as Record<string, (a: unknown) => Promise<unknown>>)[name]!(args); },
  }) as ContractClient;
  return {
    client, calls,
    on(name, l) { const s = listeners.get(name) ?? new Set(); listeners.set(name, s); s.add(l as (p: unknown) => void); return () => s.delete(l as (p: unknown) => void); },
    emit(name, payload) { for (const l of listeners.get(name) ?? []) l(payload); },
    status: (): BridgeStatus => 'connected',
    onStatus: () => () => undefined,
  };
}
