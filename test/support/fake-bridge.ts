import type { ContractHandlers, EventName, EventPayload, ContractClient } from '@common/contract/contract';
import type { AgentView } from '@common/contract/agent';
import type { CallsSnapshot } from '@common/contract/calls';
import { ContractError } from '@common/contract/errors';
import type { ProfileDraft, TeamProfileView } from '@common/contract/profile';
import type { SettingsView } from '@common/contract/settings';
import { resolveSettings, type SettableLayer } from '@common/settings/resolver';
import { isSettingKey, settingsSchema } from '@common/settings/schema';
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

export type FakeLayers = Partial<Record<SettableLayer, Record<string, unknown>>>;

/**
 * Settings as the core keeps them, for renderer tests: the layers resolved by the real resolver, and
 * `settings.set` writing the agent's layer with the core's refusals (`invalid-setting`, `locked-setting` naming
 * `team` or `it`). `layers` may be changed by a test to stand for a profile or a policy the renderer has not heard
 * of yet; `attach` makes every accepted save send the `settings` event, as the core does.
 */
export function fakeSettingsCore(initial: FakeLayers = {}) {
  const layers: FakeLayers = { ...initial, user: { ...(initial.user ?? {}) } };
  let bridge: FakeBridge | undefined;
  const view = (): SettingsView => {
    const r = resolveSettings(layers);
    return { settings: r.settings, issues: r.issues };
  };
  const handlers: Partial<ContractHandlers> = {
    'settings.get': async () => view(),
    'settings.set': async ({ key, value }) => {
      if (!isSettingKey(key)) throw new ContractError('invalid-setting', { key });
      const r = view().settings[key]!;
      if (r.layer === 'policy' || !settingsSchema[key].user)
        throw new ContractError('locked-setting', { key, by: 'it' });
      if (r.locked) throw new ContractError('locked-setting', { key, by: 'team' });
      if (!settingsSchema[key].schema.safeParse(value).success) throw new ContractError('invalid-setting', { key });
      layers.user = { ...layers.user, [key]: value };
      const next = view();
      bridge?.emit('settings', next);
      return next;
    },
  };
  return {
    layers,
    view,
    handlers,
    attach(b: FakeBridge) {
      bridge = b;
    },
  };
}

/** The team lead's side as `profile.draft` answers it where a signing key is configured. */
export const teamProfileView = (over: Partial<TeamProfileView> = {}): TeamProfileView => ({
  available: true,
  keyId: 'lead-2026',
  keyProblem: null,
  publishTo: '/srv/profiles/team-a',
  published: null,
  draft: profileDraft(),
  ...over,
});

export const profileDraft = (over: Partial<ProfileDraft> = {}): ProfileDraft => ({
  team: 'team-a',
  version: 1,
  author: 'Lucía Pérez',
  defaults: {},
  enforced: {},
  ...over,
});
