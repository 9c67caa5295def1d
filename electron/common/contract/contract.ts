import type { z } from 'zod';
import { accountCalls, accountEvents } from './account';
import { agentCalls, agentEvents } from './agent';
import { appCalls } from './app';
import { callCalls, callEvents } from './calls';
import { headsetCalls, headsetEvents } from './headset';
import { hotkeyCalls, hotkeyEvents } from './hotkeys';
import { muteCalls, muteEvents } from './mute';
import { notesCalls, notesEvents } from './notes';
import { profileCalls, profileEvents } from './profile';
import { registrationCalls, registrationEvents } from './registration';
import { settingsCalls, settingsEvents } from './settings';

/**
 * The one contract between the core and a renderer, whichever shell carries it (Electron IPC or the browser
 * host's WebSocket). Each domain declares its calls, events and schemas in its own file; this one assembles them.
 * Every call is validated on arrival by the side that executes it; every event by the side that receives it.
 */
export const calls = {
  ...appCalls,
  ...settingsCalls,
  ...accountCalls,
  ...registrationCalls,
  ...callCalls,
  ...agentCalls,
  ...hotkeyCalls,
  ...notesCalls,
  ...muteCalls,
  ...headsetCalls,
  ...profileCalls,
} as const;

export const events = {
  ...registrationEvents,
  ...settingsEvents,
  ...accountEvents,
  ...callEvents,
  ...agentEvents,
  ...hotkeyEvents,
  ...notesEvents,
  ...muteEvents,
  ...headsetEvents,
  ...profileEvents,
} as const;

export type CallName = keyof typeof calls;
export type EventName = keyof typeof events;
export type CallArgs<N extends CallName> = z.input<(typeof calls)[N]['args']>;
export type CallResult<N extends CallName> = z.infer<(typeof calls)[N]['result']>;
export type EventPayload<N extends EventName> = z.infer<(typeof events)[N]>;
export const callNames = Object.keys(calls) as CallName[];
export const isCallName = (n: unknown): n is CallName =>
  typeof n === 'string' && Object.prototype.hasOwnProperty.call(calls, n);
export const isEventName = (n: unknown): n is EventName =>
  typeof n === 'string' && Object.prototype.hasOwnProperty.call(events, n);

/**
 * Who is calling: one renderer connection (a browser-host WebSocket or an Electron webContents). The core uses it
 * to send media requests to the one renderer that hosts the calls' media, not to every window.
 */
export interface Connection {
  readonly id: string;
  send: EventSink;
}
/** What the core implements and what a shell dispatches to. */
export type ContractHandlers = {
  [N in CallName]: (args: z.infer<(typeof calls)[N]['args']>, from?: Connection) => Promise<CallResult<N>>;
};
/** What a renderer sees: the same calls, plus a typed event subscription. */
export type ContractClient = { [N in CallName]: (args: CallArgs<N>) => Promise<CallResult<N>> };
export type EventSink = <N extends EventName>(name: N, payload: EventPayload<N>) => void;
