import { z } from 'zod';
import { accountForm, accountFieldError } from './account';
import { agentCalls, agentEvents } from './agent';
import { callCalls, callEvents } from './calls';
import { hotkeyCalls, hotkeyEvents } from './hotkeys';
import { muteReport, muteStatus } from './mute';
import { notesCalls, notesEvents } from './notes';
import { registrationSnapshot, stepReport } from './registration';

/**
 * The one contract between the core and a renderer, whichever shell carries it (Electron IPC or the browser
 * host's WebSocket). Every call is validated on arrival by the side that executes it; every event by the side
 * that receives it.
 */
const empty = z.object({}).strict();
const headsetView = z.object({
  connected: z.boolean(), product: z.string().max(128).optional(), path: z.string().max(256).optional(),
  status: z.union([z.object({ usable: z.literal(true) }), z.object({ usable: z.literal(false), reason: z.enum(['write-failed', 'garbage-reports']), detail: z.string().max(300) })]),
  buttons: z.array(z.string().max(32)), lights: z.array(z.string().max(32)),
  /** No headset support in this process (node-hid could not load). */
  unsupported: z.boolean().optional(),
  /** Devices that look like headsets but cannot be used, and why (shown on the headset check screen). */
  problems: z.array(z.object({ path: z.string().max(256), product: z.string().max(128).optional(), reason: z.enum(['descriptor', 'no-access']), detail: z.string().max(300) })).max(16).optional(),
});
const layer = z.enum(['default', 'profile', 'user', 'policy']);
const resolvedSettings = z.record(z.string(), z.object({ value: z.unknown(), layer, locked: z.boolean() }));
const settingsView = z.object({
  settings: resolvedSettings,
  issues: z.array(z.object({ layer: z.string(), key: z.string(), code: z.string(), detail: z.string() })),
});

export const calls = {
  'app.info': {
    args: empty,
    result: z.object({
      shell: z.enum(['electron', 'browser']),
      version: z.string(),
      secretsStorage: z.enum(['os-keychain', 'user-file']),
    }),
  },
  'settings.get': { args: empty, result: settingsView },
  'settings.set': { args: z.object({ key: z.string().max(128), value: z.unknown() }).strict(), result: settingsView },
  'account.save': {
    args: accountForm.strict(),
    result: z.object({ ok: z.boolean(), errors: z.record(z.string(), accountFieldError).optional(), hasPassword: z.boolean() }),
  },
  'account.get': {
    args: empty,
    result: z.object({ server: z.string(), user: z.string(), authUser: z.string(), displayName: z.string(), hasPassword: z.boolean() }),
  },
  'account.testConnection': {
    args: empty,
    result: z.object({ registered: z.boolean(), steps: z.array(stepReport) }),
  },
  'phone.register': { args: empty, result: registrationSnapshot },
  'phone.unregister': { args: empty, result: registrationSnapshot },
  'phone.registration': { args: empty, result: registrationSnapshot },
  ...callCalls,
  ...agentCalls,
  ...hotkeyCalls,
  ...notesCalls,
  'mute.report': { args: muteReport, result: z.object({}) },
  'mute.status': { args: empty, result: muteStatus },
  'headset.get': { args: empty, result: headsetView },
  'headset.testLights': { args: z.object({ lights: z.array(z.enum(['offHook', 'ring', 'mute', 'microphone', 'hold', 'onLine', 'ringer'])).max(7).nullable() }).strict(), result: z.object({ ok: z.boolean() }) },
} as const;

export const events = {
  registration: registrationSnapshot,
  settings: settingsView,
  'connection.step': stepReport,
  ...callEvents,
  ...agentEvents,
  ...hotkeyEvents,
  ...notesEvents,
  mute: muteStatus,
  headset: headsetView,
  'headset.button': z.object({ usage: z.string().max(32), value: z.number() }),
} as const;

export type CallName = keyof typeof calls;
export type EventName = keyof typeof events;
export type CallArgs<N extends CallName> = z.input<(typeof calls)[N]['args']>;
export type CallResult<N extends CallName> = z.infer<(typeof calls)[N]['result']>;
export type EventPayload<N extends EventName> = z.infer<(typeof events)[N]>;
export const callNames = Object.keys(calls) as CallName[];
export const eventNames = Object.keys(events) as EventName[];
export const isCallName = (n: unknown): n is CallName => typeof n === 'string' && Object.prototype.hasOwnProperty.call(calls, n);
export const isEventName = (n: unknown): n is EventName => typeof n === 'string' && Object.prototype.hasOwnProperty.call(events, n);

/**
 * Who is calling: one renderer connection (a browser-host WebSocket or an Electron webContents). The core uses it
 * to send media requests to the one renderer that hosts the calls' media, not to every window.
 */
export interface Connection { readonly id: string; send: EventSink }
/** What the core implements and what a shell dispatches to. */
export type ContractHandlers = { [N in CallName]: (args: z.infer<(typeof calls)[N]['args']>, from?: Connection) => Promise<CallResult<N>> };
/** What a renderer sees: the same calls, plus a typed event subscription. */
export type ContractClient = { [N in CallName]: (args: CallArgs<N>) => Promise<CallResult<N>> };
export type EventSink = <N extends EventName>(name: N, payload: EventPayload<N>) => void;
