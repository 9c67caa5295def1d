import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AgentView } from '@common/contract/agent';
import type { AppInfo } from '@common/contract/app';
import type { CallNotice, CallsSnapshot } from '@common/contract/calls';
import type { MuteStatus } from '@common/contract/mute';
import type { ProfileStatus, TeamProfileView } from '@common/contract/profile';
import type { RegistrationSnapshot, StepReport } from '@common/contract/registration';
import type { SettingsView } from '@common/contract/settings';
import { ignorePromise } from '@common/ignore-promise';
import type { Bridge, BridgeStatus } from '../bridge/create-bridge';
import { createNoteDraft, type NoteDraft } from './note-draft';
import { profileNoticeFor, type ProfileNotice } from './profile-notice';

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
  /** The team profile in force on this PC and its last check, as the core reports it. */
  profile: ProfileStatus | undefined;
  /** What the agent is told about the team profile, until dismissed. */
  profileNotice: ProfileNotice | undefined;
  /** The team lead's side (`profile.draft`): null where it is not offered (no signing key, forbidden). */
  teamProfile: TeamProfileView | null | undefined;
}

export type AppStore = StoreApi<AppState> & {
  bridge: Bridge;
  dismissNotice(id: number): void;
  note: NoteDraft;
  /** Takes a profile status from the core (event or `profile.check` answer), raising a notice when it calls for one. */
  takeProfile(status: ProfileStatus): void;
  dismissProfileNotice(): void;
  /** Asks the core for the team lead's view again (after a publish: what is now published, the next version). */
  reloadTeamProfile(): Promise<void>;
};

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
    profile: undefined,
    profileNotice: undefined,
    teamProfile: undefined,
  }));
  const takeProfile = (profile: ProfileStatus) =>
    store.setState((s) => {
      const notice = profileNoticeFor(s.profile, profile);
      return notice ? { profile, profileNotice: notice } : { profile };
    });
  // Asked apart from the rest: a core without the profile service must not keep the phone from loading.
  const loadProfile = async () => {
    const [status, team] = await Promise.allSettled([
      bridge.client['profile.status']({}),
      bridge.client['profile.draft']({}),
    ]);
    if (status.status === 'fulfilled') {
      // At start only a failing check is news; the version in force was announced when it was applied.
      const s = status.value;
      store.setState({
        profile: s,
        ...(s.lastCheck?.outcome === 'refused' || s.lastCheck?.outcome === 'unreachable'
          ? { profileNotice: profileNoticeFor(undefined, s) }
          : {}),
      });
    }
    store.setState({ teamProfile: team.status === 'fulfilled' && team.value.available ? team.value : null });
  };
  // The team lead's screen follows the signing key: configured or removed, ask the core again.
  const loadTeamProfile = () =>
    bridge.client['profile.draft']({}).then(
      (v) => store.setState({ teamProfile: v.available ? v : null }),
      () => store.setState({ teamProfile: null }),
    );
  const askTeamProfile = () => ignorePromise(loadTeamProfile());
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
  const loadAll = () => {
    ignorePromise(load());
    ignorePromise(loadProfile());
  };
  bridge.on('registration', (registration) => store.setState({ registration }));
  bridge.on('notes.current', ({ callId }) => store.setState({ currentNote: callId }));
  bridge.on('settings', (settings) => {
    const keyOf = (v: SettingsView | undefined) => v?.settings['profile.signingKey']?.value;
    const before = store.getState().settings;
    store.setState({ settings });
    if (before && keyOf(before) !== keyOf(settings)) askTeamProfile();
  });
  bridge.on('calls', (calls) => store.setState({ calls }));
  bridge.on('mute', (mute) => store.setState({ mute }));
  bridge.on('agent', (agent) => store.setState({ agent }));
  bridge.on('profile', takeProfile);
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
    if (status === 'connected') loadAll();
  });
  if (bridge.status() === 'connected') loadAll();
  return Object.assign(store, {
    bridge,
    note: createNoteDraft(bridge.client),
    dismissNotice: (id: number) => store.setState((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
    takeProfile,
    dismissProfileNotice: () => store.setState({ profileNotice: undefined }),
    reloadTeamProfile: loadTeamProfile,
  });
}
