import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AgentView } from '@common/contract/agent';
import type { AppInfo } from '@common/contract/app';
import type { CallNotice, CallsSnapshot } from '@common/contract/calls';
import type { MuteStatus } from '@common/contract/mute';
import type { RegistrationSnapshot, StepReport } from '@common/contract/registration';
import type { SettingsView } from '@common/contract/settings';
import { ignorePromise } from '@common/ignore-promise';
import type { Bridge, BridgeStatus } from '../bridge/create-bridge';
import { createNoteDraft, type NoteDraft } from './note-draft';

export interface AppState {
  bridge: BridgeStatus;
  info: AppInfo | undefined;
  registration: RegistrationSnapshot;
  settings: SettingsView | undefined;
  calls: CallsSnapshot;
  mute: MuteStatus | undefined;
  /** When the core last refused a headset mute press for want of a call (shown by the mute bar, not as a notice). */
  muteOnHookAt: number | undefined;
  /** The call whose note the agent writes now, as the core decides it (null: none). */
  currentNote: string | null;
  /** Agent state (Available / Not ready / after-call work / Break), as the core reports it. */
  agent: AgentView | undefined;
  /** `id` tells notices apart (two may arrive in the same millisecond). */
  notices: Array<CallNotice & { at: number; id: number }>;
  test: { running: boolean; steps: StepReport[]; registered?: boolean };
}

export type AppStore = StoreApi<AppState> & { bridge: Bridge; dismissNotice(id: number): void; note: NoteDraft };

/**
 * The renderer's state: a view of what the core reports, fed by events. The renderer never decides a call,
 * registration or mute state on its own; it shows the core's.
 */
export function createAppStore(bridge: Bridge): AppStore {
  const store = createStore<AppState>(() => ({
    bridge: bridge.status(),
    info: undefined,
    registration: { state: 'unregistered' },
    settings: undefined,
    calls: { calls: [] },
    mute: undefined,
    muteOnHookAt: undefined,
    currentNote: null,
    agent: undefined,
    notices: [],
    test: { running: false, steps: [] },
  }));
  const load = async () => {
    const [info, registration, settings, calls, mute] = await Promise.all([
      bridge.client['app.info']({}),
      bridge.client['phone.registration']({}),
      bridge.client['settings.get']({}),
      bridge.client['calls.get']({}),
      bridge.client['mute.status']({}),
    ]);
    store.setState({ info, registration, settings, calls, mute });
    store.setState({ agent: await bridge.client['agent.get']({}) });
    store.setState({ currentNote: (await bridge.client['notes.current']({})).callId });
  };
  bridge.on('registration', (registration) => store.setState({ registration }));
  bridge.on('notes.current', ({ callId }) => store.setState({ currentNote: callId }));
  bridge.on('settings', (settings) => store.setState({ settings }));
  bridge.on('calls', (calls) => store.setState({ calls }));
  bridge.on('mute', (mute) => store.setState({ mute }));
  bridge.on('agent', (agent) => store.setState({ agent }));
  let noticeId = 0;
  bridge.on('call.notice', (n) => {
    if (n.code === 'mute-on-hook') store.setState({ muteOnHookAt: Date.now() });
    else store.setState((s) => ({ notices: [...s.notices.slice(-4), { ...n, at: Date.now(), id: ++noticeId }] }));
  });
  bridge.on('connection.step', (step) =>
    store.setState((s) => ({ test: { ...s.test, steps: [...s.test.steps, step] } })),
  );
  bridge.onStatus((status) => {
    store.setState({ bridge: status });
    if (status === 'connected') ignorePromise(load());
  });
  if (bridge.status() === 'connected') ignorePromise(load());
  return Object.assign(store, {
    bridge,
    note: createNoteDraft(bridge.client),
    dismissNotice: (id: number) => store.setState((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
  });
}
