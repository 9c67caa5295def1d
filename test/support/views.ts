import type { AcwView, AgentView } from '@common/contract/agent';
import type { CallView, CallsSnapshot } from '@common/contract/calls';
import type { MuteStatus } from '@common/contract/mute';
import type { CallSummary, NoteView } from '@common/contract/notes';
import type { ProfileStatus } from '@common/contract/profile';
import type { SettingsView } from '@common/contract/settings';

/**
 * Small builders for the views the core publishes, so a test states only what matters to it: each gives a plain,
 * quiet default (an active inbound call from number 1, an available agent, a muted call verified as silent) and
 * takes the fields the test cares about as overrides.
 */

export const callView = (id = 'c1', over: Partial<CallView> = {}): CallView => ({
  id,
  direction: 'inbound',
  state: 'active',
  remote: { name: '', number: '1' },
  screenPop: [],
  startedAt: 0,
  held: false,
  earlyMedia: false,
  ...over,
});

export const callsSnapshot = (...calls: CallView[]): CallsSnapshot => ({ calls });

export const agentView = (over: Partial<AgentView> = {}): AgentView => ({
  state: 'available',
  since: 0,
  degraded: false,
  ...over,
});

/** An agent in after-call work on `callId` since it started (optional mode, may end now, unless `acw` says otherwise). */
export const inAfterCallWork = (callId: string, acw: Partial<AcwView> = {}): AgentView => {
  const startedAt = acw.startedAt ?? 0;
  return agentView({
    state: 'acw',
    since: startedAt,
    acw: { callId, mode: 'optional', startedAt, canEnd: true, needsFinishedNote: false, ...acw },
  });
};

export const muteStatus = (over: Partial<MuteStatus> = {}): MuteStatus => ({
  muted: true,
  source: 'ui',
  since: 0,
  inCall: true,
  verification: 'ok',
  reapplied: 0,
  talkingWhileMuted: false,
  analysisFailed: false,
  ...over,
});

/** A row of the call history: an inbound call from number 1, never answered, no disposition. */
export const callSummary = (callId: string, over: Partial<CallSummary> = {}): CallSummary => ({
  callId,
  direction: 'inbound',
  remoteName: '',
  remoteNumber: '1',
  ringAt: 0,
  handleMs: 0,
  holdMs: 0,
  acwMs: 0,
  disposition: null,
  ...over,
});

/** A saved note on the `iaa` template: an empty draft unless the test fills it in. */
export const noteView = (callId: string, over: Partial<NoteView> = {}): NoteView => ({
  callId,
  templateId: 'iaa',
  fields: {},
  text: '',
  disposition: null,
  status: 'draft',
  updatedAt: 1,
  ...over,
});

/** Settings as `settings.get` answers them: every value set at the profile layer, none locked, no issues. */
export const settingsView = (values: Record<string, unknown> = {}): SettingsView => ({
  settings: Object.fromEntries(
    Object.entries(values).map(([k, value]) => [k, { value, layer: 'team' as const, locked: false }]),
  ),
  issues: [],
});

/** A profile status as `profile.status` answers it: by default no team profile configured, none applied. */
export const profileStatus = (over: Partial<ProfileStatus> = {}): ProfileStatus => ({
  configured: false,
  applied: null,
  appliedAt: null,
  changes: [],
  pending: [],
  lastCheck: null,
  ...over,
});
