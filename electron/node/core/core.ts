import path from 'node:path';
import { SIPExtension } from 'sip.js';
import { parseAccount, type AccountFieldErrors } from '../../common/contract/account';
import type { Connection, ContractHandlers, EventSink } from '../../common/contract/contract';
import { ContractError } from '../../common/contract/errors';
import type { HotkeysStatus } from '../../common/contract/hotkeys';
import type { HotkeyProblem } from '../../common/hotkeys/hotkeys';
import { AgentService, type AgentNotesPort } from '../agent/agent-service';
import type { Logger } from '../log';
import { CallActions } from '../phone/call-actions';
import { CallManager, type OfferGate } from '../phone/call-manager';
import { checkConnection } from '../phone/connection-check';
import { MediaBridge } from '../phone/media-bridge';
import { MuteMonitor } from '../mute/mute-monitor';
import { notesHandlers } from '../notes/notes-handlers';
import { NotesService, type NotesServiceOptions } from '../notes/notes-service';
import { callVolumeControl } from '../audio/call-volume';
import { HeadsetDevices, type HidLibrary } from '../hid/headset-devices';
import type { HeadsetCallState } from '../hid/headset-controller';
import { PhoneService, type PhoneServiceOptions } from '../phone/phone-service';
import { installWebSocketGlobal } from '../phone/sip-websocket';
import { sipPasswordSecret, type SecretsPort } from '../secrets/secrets-port';
import { jsonFileLayer, type LayerSource } from '../settings/layer-source';
import { SettingsService } from '../settings/settings-service';

export interface CoreOptions {
  shell: 'electron' | 'browser';
  version: string;
  /** Per-user data directory (settings, notes database, browser-host secrets). */
  dataDir: string;
  secrets: SecretsPort;
  log: Logger;
  /** IT policy source; the shells pass the platform's (registry, managed preferences, /etc/diadema/policy.json). */
  policy?: LayerSource;
  profile?: LayerSource;
  phone?: Partial<PhoneServiceOptions>;
  /** Agent-state gate for new calls (after-call work, not ready); absent = always offer. */
  gate?: OfferGate;
  /** Notes store: the bundled worker's URL (tests), the sync endpoint's TLS trust, retry pacing. */
  notes?: Partial<Pick<NotesServiceOptions, 'workerUrl' | 'sync' | 'retryMs' | 'clock'>>;
  /** node-hid (or a fake); absent = no headset support (tests, platforms without descriptors). */
  hid?: HidLibrary;
}

export interface Core {
  handlers: ContractHandlers;
  /** Each renderer connection (window, browser tab) registers; events fan out to all of them. */
  connect(sink: EventSink): Connection & { close(): void };
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Shell hooks for the phone service. */
  networkChanged(): void;
  resumed(): void;
  /** The Electron shell reports its system-wide shortcuts; problems not reported before become notices. */
  reportHotkeys(status: HotkeysStatus, newProblems: HotkeyProblem[]): void;
  readonly phone: PhoneService;
  readonly settings: SettingsService;
  readonly calls: CallManager;
  /** Answer / hang up / hold / mute without a call id: what headset buttons and keyboard shortcuts trigger. */
  readonly actions: CallActions;
  readonly mute: MuteMonitor;
  readonly headset: HeadsetDevices | undefined;
  readonly agent: AgentService;
  readonly notes: NotesService;
}

/** The composition root: every service of the main process is created and wired here, and only here. */
export function createCore(o: CoreOptions): Core {
  installWebSocketGlobal();
  const sinks = new Set<EventSink>();
  const emit: EventSink = (name, payload) => { for (const s of sinks) s(name, payload); };
  const userFile = path.join(o.dataDir, 'settings.json');
  const settings = new SettingsService({
    userFile, user: jsonFileLayer('user', userFile, { quarantineDamaged: true }),
    profile: o.profile, policy: o.policy, log: o.log,
  });
  const bridge = new MediaBridge(o.log);
  let domain: string | undefined;
  // Agent state and after-call work: the call manager's offer gate. The note's state is read and finished through
  // the notes handlers; ACW start/end times go to the notes service (`agentNotesAcw`, wired with the store).
  const agentNotesAcw: { port?: Pick<AgentNotesPort, 'acwStarted' | 'acwEnded'> } = {};
  const agentNotes: AgentNotesPort = {
    acwStarted: (callId, at) => agentNotesAcw.port?.acwStarted(callId, at),
    acwEnded: (callId, at) => agentNotesAcw.port?.acwEnded(callId, at),
    note: async (callId) => {
      const { note } = await handlers['notes.get']({ callId });
      return note ? { disposition: note.disposition, final: note.status === 'final' } : null;
    },
    finish: (callId, disposition) => handlers['notes.finish']({ callId, disposition }),
  };
  const agent = new AgentService({ log: o.log, settings: () => settings.values(), notes: agentNotes });
  const calls: CallManager = new CallManager({
    log: o.log, bridge, userAgent: () => phone.userAgent(), domain: () => domain, settings: () => settings.values(),
    gate: o.gate ?? agent.gate,
  });
  const phone = new PhoneService({
    log: o.log, userAgentString: `Diadema/${o.version}`,
    userAgentDelegate: () => ({ onInvite: calls.onInvite }),
    extraUserAgentOptions: () => ({ sessionDescriptionHandlerFactory: calls.sdhFactory, sipExtensionReplaces: SIPExtension.Supported }),
    liveCalls: () => calls.snapshot().calls.some((c) => c.state !== 'ended'),
    ...o.phone,
  });
  phone.onChange((s) => emit('registration', s));
  agent.onRegistration(phone.snapshot().state);
  phone.onChange((s) => agent.onRegistration(s.state));
  // Calls, their timelines and notes in SQLite (the notes service listens to the calls itself).
  const notes = new NotesService({
    file: path.join(o.dataDir, 'notes.sqlite'), log: o.log,
    settings: () => ({ requiredFields: settings.get('notes.requiredFields'), editWindowMin: settings.get('notes.editWindowMin'), syncUrl: settings.get('notes.syncUrl') }),
    ...o.notes,
  });
  calls.onEvent(notes.onCallEvent);
  notes.onStatus((s) => emit('notes.status', s));
  agentNotesAcw.port = notes;
  calls.onEvent((e) => agent.onCallEvent(e));
  agent.onChange((v) => emit('agent', v));
  // Agent-state changes go on the timeline of the call they concern (after-call work) or of the calls under way.
  agent.onTransition((t) => {
    const data = { from: t.from, to: t.to, cause: t.cause, ...(t.reason ? { reason: t.reason } : {}) };
    const ids = t.callId ? [t.callId] : calls.snapshot().calls.filter((c) => c.state !== 'ended').map((c) => c.id);
    for (const id of ids) notes.timeline(id, 'agent', data, t.at);
  });
  settings.onChange((v) => emit('settings', v));
  const mute = new MuteMonitor({
    settings: () => ({ longMuteSec: settings.get('mute.longMuteSec'), reminderEverySec: settings.get('mute.reminderEverySec') }),
    reapply: () => calls.reapply(),
  });
  calls.onEvent((e) => mute.onCallEvent(e));
  mute.onChange((s) => emit('mute', s));
  calls.onChange((s) => emit('calls', s));

  // Headset buttons and keyboard shortcuts are requests to the call manager; the call state drives the headset's lights.
  const actions = new CallActions(calls);
  const quietly = (p: Promise<unknown>) => void p.catch(() => undefined);
  const stepVolume = callVolumeControl(settings, o.log);
  const headset = o.hid ? new HeadsetDevices({
    hid: o.hid, log: o.log,
    port: {
      answer: () => quietly(actions.answer()),
      hangUp: () => quietly(actions.hangUp()),
      reject: () => quietly(actions.reject()),
      hold: (on) => quietly(actions.hold(on)),
      setMute: (m) => { actions.setMute(m, 'headset'); },
      changeVolume: (step) => { void stepVolume(step).catch(() => undefined); },
    },
  }) : undefined;
  const headsetState = (): HeadsetCallState => {
    const snap = calls.snapshot();
    const phase = snap.calls.some((c) => c.state === 'active') ? 'active' : snap.calls.some((c) => c.state === 'held') ? 'held'
      : snap.calls.some((c) => c.state === 'ringing') ? 'ringing' : 'idle';
    return { phase, muted: snap.muted };
  };
  if (headset) {
    calls.onChange(() => void headset.setCallState(headsetState()));
    headset.onChange((v) => {
      emit('headset', v);
      for (const c of calls.snapshot().calls) if (c.state !== 'ended') notes.timeline(c.id, 'device', { connected: v.connected, ...(v.product ? { product: v.product } : {}) });
    });
    headset.onButton((e) => emit('headset.button', e));
  }
  calls.onNotice((n) => emit('call.notice', n));
  let hotkeys: HotkeysStatus = { global: false, registered: [], unavailable: [] };

  const accountForm = () => ({
    server: settings.get('account.server'), user: settings.get('account.user'),
    authUser: settings.get('account.authUser'), displayName: settings.get('account.displayName'),
  });
  const applyAccount = async () => {
    const parsed = parseAccount(accountForm());
    const password = (await o.secrets.get(sipPasswordSecret)) ?? '';
    domain = parsed.ok ? parsed.account.domain : undefined;
    await phone.configure(parsed.ok ? parsed.account : undefined, password);
    return { parsed, password };
  };

  const handlers: ContractHandlers = {
    'app.info': async () => ({ shell: o.shell, version: o.version, secretsStorage: o.secrets.kind }),
    'settings.get': async () => settings.view(),
    'settings.set': async ({ key, value }) => settings.set({ [key]: value }),
    'account.get': async () => ({ ...accountForm(), hasPassword: Boolean(await o.secrets.get(sipPasswordSecret)) }),
    'account.save': async (form) => {
      const parsed = parseAccount(form);
      if (!parsed.ok) return { ok: false, errors: parsed.errors as Record<string, NonNullable<AccountFieldErrors[keyof AccountFieldErrors]>>, hasPassword: Boolean(await o.secrets.get(sipPasswordSecret)) };
      await settings.set({
        'account.server': form.server.trim(), 'account.user': form.user.trim(),
        'account.authUser': form.authUser.trim(), 'account.displayName': form.displayName.trim(),
      });
      if (form.password) await o.secrets.set(sipPasswordSecret, form.password);
      const { password } = await applyAccount();
      return { ok: true, hasPassword: password.length > 0 };
    },
    'account.testConnection': async () => {
      const password = (await o.secrets.get(sipPasswordSecret)) ?? '';
      const result = await checkConnection({ ...accountForm(), password }, { log: o.log, onStep: (s) => emit('connection.step', s), userAgentString: `Diadema/${o.version}` });
      return { registered: result.registered, steps: result.steps };
    },
    'phone.register': async () => {
      const { parsed, password } = await applyAccount();
      if (!parsed.ok || !password) throw new ContractError('invalid-account');
      return phone.register();
    },
    'phone.unregister': async () => phone.unregister(),
    'phone.registration': async () => phone.snapshot(),
    'calls.get': async () => calls.snapshot(),
    'agent.get': async () => agent.view(),
    'agent.set': async (args) => agent.set(args),
    'call.dial': async ({ target }) => ({ callId: await calls.dial(target) }),
    'call.answer': async ({ callId }) => { await calls.answer(callId); return {}; },
    'call.reject': async ({ callId }) => { await calls.reject(callId); return {}; },
    'call.hangup': async ({ callId }) => { await calls.hangup(callId); return {}; },
    'call.hold': async ({ callId, on }) => {
      const ok = await calls.hold(callId, on);
      return { held: ok ? on : !on };
    },
    'call.mute': async ({ muted }) => ({ muted: calls.setMute(muted, 'ui') }),
    'call.dtmf': async ({ callId, digits }) => { await calls.dtmf(callId, digits); return {}; },
    'call.transferBlind': async ({ callId, target }) => { await calls.transferBlind(callId, target); return {}; },
    'call.transferAttended': async ({ callId, consultCallId }) => { await calls.transferAttended(callId, consultCallId); return {}; },
    'call.consultSupervisor': async ({ callId }) => ({ callId: await calls.consultSupervisor(callId) }),
    'call.action': async ({ action }) => {
      const done = (callId: string | undefined) => ({ done: callId !== undefined, ...(callId ? { callId } : {}) });
      switch (action) {
        case 'answer': return done(await actions.answer());
        case 'hangup': return done(await actions.hangUp());
        case 'toggleMute': return { done: true, muted: actions.toggleMute('hotkey') };
        case 'toggleHold': {
          const r = await actions.toggleHold();
          const held = r.callId ? calls.snapshot().calls.find((c) => c.id === r.callId)?.held : undefined;
          return { ...done(r.callId), ...(held !== undefined ? { held } : {}) };
        }
      }
    },
    'hotkeys.status': async () => hotkeys,
    'media.attach': async (_args, from) => {
      if (!from) throw new ContractError('forbidden');
      bridge.attach(from);
      return { calls: calls.callIdsWithMedia() };
    },
    'media.respond': async (r, from) => { bridge.respond(from, r); return {}; },
    'media.stats': async ({ callId, sample }) => { calls.recordQuality(callId, sample); return {}; },
    'mute.report': async (r) => { mute.report(r); return {}; },
    'mute.status': async () => mute.snapshot(),
    'headset.get': async () => headset?.view() ?? { connected: false, status: { usable: true }, buttons: [], lights: [], unsupported: true },
    'headset.testLights': async ({ lights }) => ({ ok: (await headset?.testLights(lights ?? undefined)) ?? false }),
    ...notesHandlers(notes),
  };
  let connectionSeq = 0;

  return {
    handlers, phone, settings, calls, actions, mute, headset, agent, notes,
    reportHotkeys(status, newProblems) {
      hotkeys = status;
      emit('hotkeys', status);
      for (const p of newProblems) emit('call.notice', { code: 'hotkey-unavailable', detail: `${p.accelerator} (${p.reason})` });
    },
    connect(sink) {
      const id = `c${++connectionSeq}`;
      sinks.add(sink);
      return { id, send: sink, close: () => { sinks.delete(sink); bridge.detach(id); } };
    },
    async start() {
      await settings.load();
      await notes.start();
      const { parsed, password } = await applyAccount();
      if (parsed.ok && password) void phone.register();
      if (settings.get('headset.enabled')) headset?.start();
    },
    async stop() { agent.dispose(); await headset?.stop(); await calls.dispose(); await phone.dispose(); await notes.stop(); },
    networkChanged: () => phone.networkChanged(),
    resumed: () => phone.resumed(),
  };
}
