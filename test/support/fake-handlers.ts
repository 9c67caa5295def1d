import type { ContractHandlers } from '@common/contract/contract';
import { ContractError } from '@common/contract/errors';
import { agentView, callSummary, muteStatus, profileStatus } from './views';

/** A core stand-in for shell and renderer tests: every call answers something plausible unless overridden. */
export function fakeHandlers(overrides: Partial<ContractHandlers> = {}): ContractHandlers {
  const base: ContractHandlers = {
    'app.info': async () => ({ shell: 'browser', version: '0.0.0-test', secretsStorage: 'user-file' }),
    'settings.get': async () => ({ settings: {}, issues: [] }),
    'settings.set': async () => ({ settings: {}, issues: [] }),
    'account.get': async () => ({ server: '', user: '', authUser: '', displayName: '', hasPassword: false }),
    'account.save': async () => ({ ok: true, hasPassword: true }),
    'account.testConnection': async () => ({ registered: false, steps: [] }),
    'phone.register': async () => ({ state: 'registering' }),
    'phone.unregister': async () => ({ state: 'unregistered' }),
    'phone.registration': async () => ({ state: 'unregistered' }),
    'calls.get': async () => ({ calls: [] }),
    'agent.get': async () => agentView(),
    'agent.set': async (args) => ({
      state: args.state,
      since: 0,
      degraded: false,
      ...(args.state === 'not-ready' ? { reason: args.reason } : {}),
    }),
    'call.dial': async () => ({ callId: 'call-1' }),
    'call.answer': async () => ({}),
    'call.reject': async () => ({}),
    'call.hangup': async () => ({}),
    'call.hold': async ({ on }) => ({ held: on }),
    'call.mute': async ({ muted }) => ({ muted }),
    'call.dtmf': async () => ({}),
    'call.transferBlind': async () => ({}),
    'call.transferAttended': async () => ({}),
    'call.consultSupervisor': async () => ({ callId: 'call-2' }),
    'call.action': async ({ action }) => (action === 'toggleMute' ? { done: true, muted: true } : { done: false }),
    'hotkeys.status': async () => ({ global: false, registered: [], unavailable: [] }),
    'media.attach': async () => ({ calls: [] }),
    'media.respond': async () => ({}),
    'media.stats': async () => ({}),
    'mute.report': async () => ({}),
    'headset.get': async () => ({ connected: false, status: { usable: true }, buttons: [], lights: [] }),
    'headset.testLights': async () => ({ ok: false }),
    'mute.status': async () =>
      muteStatus({ muted: false, source: 'call-start', inCall: false, verification: 'unknown' }),
    'notes.get': async () => ({ note: null, editable: true }),
    'notes.save': async () => ({ savedAt: 0, durable: true }),
    'notes.finish': async () => ({ ok: true, missing: [] }),
    'notes.history': async () => ({ calls: [], total: 0 }),
    'notes.detail': async ({ callId }) => ({
      call: callSummary(callId, { remoteNumber: '' }),
      timeline: [],
      note: null,
      editable: false,
    }),
    'notes.drafts': async () => ({ drafts: [] }),
    'notes.export': async () => ({ data: '' }),
    'notes.status': async () => ({ store: 'ok', outbox: { pending: 0, endpoint: false } }),
    'notes.current': async () => ({ callId: null }),
    'profile.status': async () => profileStatus(),
    'profile.check': async () => profileStatus(),
    'profile.draft': async () => {
      throw new ContractError('forbidden');
    },
    'profile.preview': async () => ({ changes: [], problems: [] }),
    'profile.publish': async () => {
      throw new ContractError('forbidden');
    },
  };
  return { ...base, ...overrides };
}
