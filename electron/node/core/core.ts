import path from 'node:path';
import { SIPExtension } from 'sip.js';
import { isInConversation, isLive } from '@common/calls/call-state';
import type { ShellName } from '@common/contract/app';
import type { Connection, ContractHandlers, EventSink } from '@common/contract/contract';
import type { HotkeysStatus } from '@common/contract/hotkeys';
import type { HotkeyProblem } from '@common/hotkeys/hotkeys';
import { systemClock } from '@common/clock';
import { ignorePromise } from '@common/ignore-promise';
import { AccountService } from '../account/account-service';
import { AgentService, type AgentNotesPort } from '../agent/agent-service';
import { callVolumeControl } from '../audio/call-volume';
import { headsetCallState } from '../hid/headset-call-state';
import { HeadsetDevices, type HidLibrary } from '../hid/headset-devices';
import { HotkeyStatus } from '../hotkeys/hotkey-status';
import type { Logger } from '../log';
import { HeadsetMute } from '../mute/headset-mute';
import { MuteMonitor } from '../mute/mute-monitor';
import { MuteState } from '../mute/mute-state';
import { CurrentNoteTracker } from '../notes/current-note';
import { notesHandlers } from '../notes/notes-handlers';
import { NotesService, type NotesServiceOptions } from '../notes/notes-service';
import { CallActions } from '../phone/call-actions';
import { CallManager, type OfferGate } from '../phone/call-manager';
import { HoldReminder } from '../phone/hold-reminder';
import { MediaBridge } from '../phone/media-bridge';
import { ProfileClient, type ProfileClientOptions } from '../profile/profile-client';
import { maxProfileBytes, verifyProfile } from '../profile/signed-profile';
import { TeamLeadService, type TeamLeadServiceOptions } from '../profile/team-lead-service';
import { teamProfileHandlers } from '../profile/team-profile-handlers';
import { RegistrationService, type RegistrationServiceOptions } from '../phone/registration-service';
import { installWebSocketGlobal } from '../phone/sip-websocket';
import type { SecretsPort } from '../secrets/secrets-port';
import { jsonFileLayer, type LayerSource } from '../settings/layer-source';
import { SettingsService } from '../settings/settings-service';
import { AgentActivityTracker } from '../updates/agent-activity';
import type { ActivitySignal } from '../updates/update-policy';
import { accountHandlers } from './handlers/account-handlers';
import { agentHandlers } from './handlers/agent-handlers';
import { appHandlers } from './handlers/app-handlers';
import { callHandlers } from './handlers/call-handlers';
import { headsetHandlers } from './handlers/headset-handlers';
import { mediaHandlers } from './handlers/media-handlers';
import { profileHandlers } from './handlers/profile-handlers';
import { EventHub } from './event-hub';
import { agentOnTimeline, headsetOnTimeline } from './timeline-feeds';

export interface CoreOptions {
  shell: ShellName;
  version: string;
  /** Per-user data directory (settings, notes database, browser-host secrets). */
  dataDir: string;
  secrets: SecretsPort;
  log: Logger;
  /** IT policy source; the shells pass the platform's (registry, managed preferences, /etc/diadema/policy.json). */
  policy?: LayerSource;
  phone?: Partial<RegistrationServiceOptions>;
  /** Agent-state gate for new calls (after-call work, not ready); absent = the agent service decides. */
  gate?: OfferGate;
  /** Notes store: the bundled worker's URL (tests), the sync endpoint's TLS trust, retry pacing. */
  notes?: Partial<Pick<NotesServiceOptions, 'workerUrl' | 'sync' | 'retryMs' | 'clock'>>;
  /** node-hid (or a fake); absent = no headset support (tests, platforms without descriptors). */
  hid?: HidLibrary;
  /** The team profile server's extra trusted CA (PEM; tests, private CAs) and fetch deadline; a clock for tests. */
  profile?: Partial<Pick<ProfileClientOptions, 'ca' | 'fetchDeadlineMs' | 'clock' | 'random'>>;
  /** The team lead's publishing to an https:// `profile.publishTo`: bearer token (shells read it from the
   * environment, never from settings) and an extra CA. */
  teamLead?: Pick<TeamLeadServiceOptions, 'token' | 'ca'>;
}

/** What a shell feeds into the core and reads from it besides the contract. */
export interface ShellPort {
  /** The OS says the network changed / the machine woke up: registrations and NAT bindings are suspect. */
  networkChanged(): void;
  resumed(): void;
  /** The Electron shell reports its system-wide shortcuts; problems not reported before become notices. */
  reportHotkeys(status: HotkeysStatus, newProblems: HotkeyProblem[]): void;
  /** Read and seed settings (the browser host's `--settings FILE`, the hotkeys the shell grabs). */
  readonly settings: Pick<SettingsService, 'load' | 'get' | 'set' | 'onChange'>;
  /** The Electron shell's always-on-top mute bar follows the mute state. */
  readonly mute: Pick<MuteMonitor, 'snapshot' | 'onChange'>;
  /** Whether a call is live or after-call work runs: the update control never restarts the app then. */
  readonly activity: ActivitySignal;
}

export interface Core {
  /** Every contract call; a shell validates sender and arguments, then dispatches here. */
  readonly handlers: ContractHandlers;
  /** Each renderer connection (window, browser tab) registers; events fan out to all of them. */
  connect(sink: EventSink): Connection & { close(): void };
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly shell: ShellPort;
}

/** The services behind the core, for tests that drive or observe one of them directly. */
export interface CoreServices {
  settings: SettingsService;
  phone: RegistrationService;
  calls: CallManager;
  actions: CallActions;
  mute: MuteMonitor;
  muteState: MuteState;
  agent: AgentService;
  notes: NotesService;
  headset: HeadsetDevices | undefined;
  profile: ProfileClient;
}

export function createCore(o: CoreOptions): Core {
  return composeCore(o).core;
}

/**
 * The composition root: every service of the core is created here, in dependency order, and wired to the
 * others; nothing else constructs a service. Read top to bottom: the services, who reacts to what, the contract.
 */
export function composeCore(o: CoreOptions): { core: Core; services: CoreServices } {
  installWebSocketGlobal();
  const userAgentString = `Diadema/${o.version}`;

  // ---- services, each after the ones it needs -------------------------------------------------------------
  const bridge = new MediaBridge(o.log);
  const hub = new EventHub((connectionId) => bridge.detach(connectionId));
  const userFile = path.join(o.dataDir, 'settings.json');
  const settings = new SettingsService({
    userFile,
    user: jsonFileLayer('user', userFile, { quarantineDamaged: true }),
    policy: o.policy,
    log: o.log,
  });
  const notes = new NotesService({
    file: path.join(o.dataDir, 'notes.sqlite'),
    log: o.log,
    settings: () => ({
      requiredFields: settings.get('notes.requiredFields'),
      editWindowMin: settings.get('notes.editWindowMin'),
      syncUrl: settings.get('notes.syncUrl'),
    }),
    ...o.notes,
  });
  const agent = new AgentService({ log: o.log, settings: () => settings.values(), notes: agentNotesPort(notes) });
  const muteState = new MuteState({ onCallStart: () => settings.get('mute.onCallStart') });
  // The one cycle: SIP.js's UserAgent (phone) takes the call manager as its delegate, and the call manager places
  // calls through that UserAgent. The call manager asks for it when it needs it.
  const calls: CallManager = new CallManager({
    log: o.log,
    bridge,
    userAgent: () => phone.userAgent(),
    domain: () => account.domain(),
    settings: () => settings.values(),
    gate: o.gate ?? agent.gate,
    mute: muteState,
  });
  const phone = new RegistrationService({
    log: o.log,
    userAgentString,
    userAgentDelegate: () => ({ onInvite: calls.onInvite }),
    extraUserAgentOptions: () => ({
      sessionDescriptionHandlerFactory: calls.sdhFactory,
      sipExtensionReplaces: SIPExtension.Supported,
    }),
    liveCalls: () => calls.snapshot().calls.some(isLive),
    ...o.phone,
  });
  const account = new AccountService({ settings, secrets: o.secrets, phone, log: o.log, userAgentString });
  const mute = new MuteMonitor({
    settings: () => ({
      longMuteSec: settings.get('mute.longMuteSec'),
      reminderEverySec: settings.get('mute.reminderEverySec'),
    }),
    // A mismatch: send the mute status again, and the renderer applies it to the sender track again.
    reapply: () => hub.emit('mute', mute.snapshot()),
  });
  // A customer on hold too long: the reminder goes on the held call's view, for every screen that shows calls.
  const holdReminder = new HoldReminder({
    settings: () => ({
      longHoldSec: settings.get('calls.longHoldSec'),
      reminderEverySec: settings.get('mute.reminderEverySec'),
    }),
    remind: (callId, longHold) => calls.setLongHold(callId, longHold),
  });
  // Headset buttons and keyboard shortcuts are id-less requests; CallActions finds the call they mean.
  const actions = new CallActions(calls, muteState);
  const headsetMute = new HeadsetMute({
    inConversation: () => calls.snapshot().calls.some(isInConversation),
    mute: muteState,
    notice: (n) => hub.emit('call.notice', n),
  });
  const stepVolume = callVolumeControl(settings, o.log);
  const headset = o.hid
    ? new HeadsetDevices({
        hid: o.hid,
        log: o.log,
        port: {
          answer: () => ignorePromise(actions.answer()),
          hangUp: () => ignorePromise(actions.hangUp()),
          reject: () => ignorePromise(actions.reject()),
          hold: (on) => ignorePromise(actions.hold(on)),
          setMute: (m) => headsetMute.request(m),
          muteRefused: () => headsetMute.refused(),
          changeVolume: (step) => ignorePromise(stepVolume(step)),
        },
      })
    : undefined;
  const hotkeys = new HotkeyStatus(hub.emit);
  const activity = new AgentActivityTracker();
  const currentNote = new CurrentNoteTracker({ calls: () => calls.snapshot(), agent: () => agent.view() });
  const profile = new ProfileClient({
    dataDir: o.dataDir,
    settings,
    calls: { live: () => calls.snapshot().calls.some(isLive), onChange: (fn) => calls.onChange(() => fn()) },
    verify: verifyProfile,
    maxBytes: maxProfileBytes,
    log: o.log,
    clock: systemClock,
    ...o.profile,
  });
  const teamLead = new TeamLeadService({ settings, clock: systemClock, log: o.log, ...o.teamLead });

  // ---- who reacts to what ---------------------------------------------------------------------------------
  const emit = hub.emit;
  settings.onChange((v) => emit('settings', v));
  phone.onChange((s) => emit('registration', s));
  agent.onRegistration(phone.snapshot().state);
  phone.onChange((s) => agent.onRegistration(s.state));
  calls.onEvent(notes.onCallEvent);
  calls.onEvent((e) => agent.onCallEvent(e));
  calls.onEvent((e) => mute.onCallEvent(e));
  calls.onEvent((e) => holdReminder.onCallEvent(e));
  calls.onChange((s) => emit('calls', s));
  calls.onNotice((n) => emit('call.notice', n));
  agent.onChange((v) => emit('agent', v));
  agent.onTransition(agentOnTimeline(notes, () => calls.snapshot()));
  calls.onChange(() => currentNote.update());
  agent.onChange(() => currentNote.update());
  currentNote.onChange((n) => emit('notes.current', n));
  calls.onChange((s) => activity.onCalls(s));
  agent.onChange((v) => activity.onAgent(v));
  mute.onChange((s) => emit('mute', s));
  notes.onStatus((s) => emit('notes.status', s));
  profile.onChange((s) => emit('profile', s));
  // A team profile that changes the account re-registers with it (the client holds such keys back during a call).
  profile.onApplied((keys) => {
    if (keys.some((k) => k.startsWith('account.'))) ignorePromise(account.apply());
  });
  phone.onCheckSync(() => ignorePromise(profile.check('check-sync')));
  phone.onSignalling((change) => calls.signallingChanged(change));
  phone.onChange((snap) => {
    if (snap.state === 'registered') calls.registered();
  });
  if (headset) {
    const lights = () => ignorePromise(headset.setCallState(headsetCallState(calls.snapshot(), muteState.muted)));
    calls.onChange(lights);
    muteState.onChange(lights);
    headset.onChange((v) => emit('headset', v));
    headset.onChange(headsetOnTimeline(notes, () => calls.snapshot()));
    headset.onButton((e) => emit('headset.button', e));
  }

  // ---- the contract ---------------------------------------------------------------------------------------
  const handlers: ContractHandlers = {
    ...appHandlers({ info: { shell: o.shell, version: o.version }, secrets: o.secrets, settings, hotkeys }),
    ...accountHandlers({ account, phone, emit }),
    ...callHandlers({ calls, actions }),
    ...agentHandlers({ agent }),
    ...mediaHandlers({ bridge, calls, mute }),
    ...headsetHandlers({ headset }),
    ...notesHandlers(notes, currentNote),
    ...profileHandlers({ profile }),
    ...teamProfileHandlers({ teamLead }),
  };

  const core: Core = {
    handlers,
    connect: (sink) => hub.connect(sink),
    async start() {
      await settings.load();
      await notes.start();
      // The team profile kept from last time first (no network), so a team-set account applies from the start.
      await profile.restore();
      const { account: valid, password } = await account.apply();
      if (valid && password) ignorePromise(phone.register());
      if (settings.get('headset.enabled')) headset?.start();
      // The last good profile applies before the first check returns; a slow profile server never delays start.
      ignorePromise(profile.start());
    },
    async stop() {
      // Calls end first (BYE / CANCEL / reject reach the far end, and their end is written in the notes), then the
      // un-REGISTER, then the notes are flushed. Every part runs even when one before it failed.
      const failures: unknown[] = [];
      const part = async (fn: () => Promise<void> | void) => {
        try {
          await fn();
        } catch (err) {
          failures.push(err);
        }
      };
      await part(() => profile.stop());
      await part(() => holdReminder.stop());
      await part(() => calls.dispose());
      await part(() => phone.dispose());
      await part(() => agent.dispose());
      await part(() => headset?.stop());
      await part(() => notes.stop());
      await part(() => settings.dispose());
      if (failures.length) throw new AggregateError(failures, 'core stop: some parts failed');
    },
    shell: {
      networkChanged: () => {
        phone.networkChanged();
        ignorePromise(profile.check('network'));
      },
      resumed: () => {
        phone.resumed();
        ignorePromise(profile.check('resume'));
      },
      reportHotkeys: (status, newProblems) => hotkeys.report(status, newProblems),
      settings,
      mute,
      activity,
    },
  };
  return { core, services: { settings, phone, calls, actions, mute, muteState, agent, notes, headset, profile } };
}

/** The agent service reads and finishes the note of a call in after-call work, and stamps its ACW times. */
function agentNotesPort(notes: NotesService): AgentNotesPort {
  return {
    acwStarted: (callId, at) => notes.acwStarted(callId, at),
    acwEnded: (callId, at) => notes.acwEnded(callId, at),
    note: async (callId) => {
      const { note } = await notes.get(callId);
      return note ? { disposition: note.disposition, final: note.status === 'final' } : null;
    },
    finish: (callId, disposition) => notes.finish(callId, disposition),
  };
}
