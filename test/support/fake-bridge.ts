import type { ContractHandlers, EventName, EventPayload, ContractClient } from '@common/contract/contract';
import type { AgentView } from '@common/contract/agent';
import type { CallsSnapshot } from '@common/contract/calls';
import { Emitter } from '@common/emitter';
import { currentNoteOf } from '../../electron/node/notes/current-note';
import type { Bridge, BridgeStatus } from '../../renderer/src/bridge/create-bridge';
import { fakeHandlers } from './fake-handlers';
import { agentView } from './views';

export type FakeBridge = Bridge & {
  /** Sends a core event to the renderer's listeners. */
  emit<N extends EventName>(name: N, payload: EventPayload<N>): void;
  /** The names of the requests made, in order. */
  calls: string[];
};

/**
 * An in-memory bridge for renderer tests: scripted handlers for calls, `emit` for core events. Like the real core,
 * it follows an emitted `calls` or `agent` with `notes.current` when the current note changes (same rule, the
 * core's own `currentNoteOf`), so a test that answers a call sees its note open.
 */
export function fakeBridge(overrides: Partial<ContractHandlers> = {}): FakeBridge {
  const handlers = fakeHandlers(overrides);
  const emitters = new Map<EventName, Emitter<unknown>>();
  const emitter = (name: EventName) => {
    let e = emitters.get(name);
    if (!e) {
      e = new Emitter<unknown>();
      emitters.set(name, e);
    }
    return e;
  };
  const calls: string[] = [];
  let lastCalls: CallsSnapshot = { calls: [] };
  let lastAgent: AgentView = agentView();
  let current: string | null = null;
  const followCurrentNote = () => {
    const next = currentNoteOf(lastCalls, lastAgent).callId;
    if (next === current) return;
    current = next;
    emitters.get('notes.current')?.emit({ callId: next });
  };
  const client = new Proxy(
    {},
    {
      get: (_t, name: string) => async (args: unknown) => {
        calls.push(name);
        return (handlers as unknown as Record<string, (a: unknown) => Promise<unknown>>)[name]!(args);
      },
    },
  ) as ContractClient;
  return {
    client,
    calls,
    on: (name, l) => emitter(name).on(l as (p: unknown) => void),
    emit: (name, payload) => {
      emitters.get(name)?.emit(payload);
      if (name === 'calls') {
        lastCalls = payload as CallsSnapshot;
        followCurrentNote();
      }
      if (name === 'agent') {
        lastAgent = payload as AgentView;
        followCurrentNote();
      }
    },
    status: (): BridgeStatus => 'connected',
    onStatus: () => () => undefined,
  };
}
