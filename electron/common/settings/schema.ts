import { z } from 'zod';
import { parseAccount } from '../contract/account';
import { screenPopConfig } from '../contract/screen-pop';
import { isAcceleratorOrEmpty } from '../hotkeys/accelerator';

/**
 * Every setting Diadema has, declared once. The resolver, the settings screen, team profiles, IT policy and the
 * generated IT artefacts (native-config/) all read this table. Keys are flat and dotted so that a policy or a
 * profile can address one value without restating its section.
 */
export interface SettingDef<T extends z.ZodType = z.ZodType> {
  schema: T;
  default: z.infer<T>;
  /** May a team profile set it? (Credentials never travel in profiles.) */
  profile: boolean;
  /** May IT lock it by policy? */
  policy: boolean;
  /** May the agent choose it? (Update control is IT's alone.) */
  user: boolean;
  /** One line for IT artefacts and the settings screen tooltip; the UI translates by key. */
  description: string;
}

const def = <T extends z.ZodType>(
  schema: T,
  dflt: z.infer<T>,
  description: string,
  opts: { profile?: boolean; policy?: boolean; user?: boolean } = {},
): SettingDef<T> => ({
  schema,
  default: dflt,
  description,
  profile: opts.profile ?? true,
  policy: opts.policy ?? true,
  user: opts.user ?? true,
});

const deviceChoice = z.object({ id: z.string().max(512), label: z.string().max(512) }).nullable();
const sipCode = <const C extends readonly [number, ...number[]]>(codes: C) => z.literal(codes);
const headerName = z.string().regex(/^[A-Za-z0-9-]{1,64}$/);
// A modifier given twice (Ctrl and Control, Meta and Super are the same modifier), as a lookahead over '+' parts.
const modifierAliases = ['CommandOrControl', 'Control|Ctrl', 'Alt', 'Shift', 'Super|Meta'];
export const noRepeatedModifier = new RegExp(
  `^${modifierAliases.map((m) => `(?!(?:.*\\+)?(?:${m})\\+(?:.*\\+)?(?:${m})\\+)`).join('')}`,
);
// An Electron accelerator (modifiers + one key, e.g. CommandOrControl+Shift+M) or '' for off. The patterns travel
// into the IT artefacts; the refinement (hotkeys/accelerator.ts) is the app's own rule.
const accelerator = z
  .string()
  .max(64)
  .regex(
    /^$|^(?:(?:CommandOrControl|Control|Ctrl|Alt|Shift|Super|Meta)\+){0,5}(?:[A-Za-z0-9]|F(?:[1-9]|1[0-9]|2[0-4])|Space|Tab|Enter|Return|Escape|Esc|Backspace|Delete|Insert|Home|End|PageUp|PageDown|Up|Down|Left|Right|Plus|[,./;'[\]\\`=-])$/,
    'not a keyboard shortcut: modifiers (CommandOrControl, Control, Alt, Shift, Super) and one key, joined by +',
  )
  // The same rule as a pattern, so that the generated JSON Schemas refuse it too (a test keeps both in step).
  .regex(noRepeatedModifier, 'not a keyboard shortcut: a modifier is given twice')
  .refine(isAcceleratorOrEmpty, 'not a keyboard shortcut: a modifier is given twice');

// The SIP server as the account screen accepts it (contract/account.ts): wss://, or ws:// to this machine only.
// The refinement is the app's own parser; the pattern carries the same rule into the JSON Schemas.
const loopback = String.raw`(?:[Ll][Oo][Cc][Aa][Ll][Hh][Oo][Ss][Tt]|127(?:\.\d{1,3}){3}|\[::1\])`;
const serverTail = String.raw`(?::\d{1,5})?(?:/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*)?`;
export const serverPattern = new RegExp(
  String.raw`^$|^[Ww][Ss][Ss]://(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}[A-Za-z0-9])?)` +
    `${serverTail}$|^[Ww][Ss]://${loopback}${serverTail}$`,
);
const isAcceptedServer = (s: string) => {
  if (s === '') return true;
  const parsed = parseAccount({ server: s, user: 'probe', authUser: '', displayName: '' });
  return parsed.ok || parsed.errors.server === undefined;
};
const serverUrl = z
  .string()
  .max(2048)
  .regex(serverPattern, 'not a SIP WebSocket server: wss://host[:port][/path], or ws:// to this machine only')
  .refine(isAcceptedServer, 'not a SIP WebSocket server: wss://host[:port][/path], or ws:// to this machine only');
// An https URL or '' (the built-in choice), for endpoints the app calls with agent data or for updates.
const httpsUrlPattern = /^$|^https:\/\/[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}[A-Za-z0-9])?(?::\d{1,5})?(?:\/[^\s]*)?$/;
const httpsUrl = z.string().max(2048).regex(httpsUrlPattern, 'not an https:// URL');
/** Where a team's signed profile is published: an HTTPS location or a file share (file://); empty: none. */
const profileUrlPattern =
  /^$|^https:\/\/[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}[A-Za-z0-9])?(?::\d{1,5})?(?:\/\S*)?$|^file:\/\/\S+$/;
const profileUrl = z.string().max(2048).regex(profileUrlPattern, 'not an https:// or file:// URL');
/** A team lead's public key as `diadema profile keygen` prints it: one line of text, no spaces inside. */
const trustedKey = z.string().min(16).max(512).regex(/^\S+$/, 'not one line without spaces');

export const settingsSchema = {
  'account.server': def(serverUrl, '', 'SIP WebSocket server URL (wss://, or ws:// on loopback only)'),
  'account.servers': def(
    z.array(serverUrl).max(4),
    [],
    'SIP WebSocket servers in order of preference; when set, used instead of account.server: the next one when the ' +
      'one before cannot be reached or answers 5xx, back to the first when it returns (never during a call)',
  ),
  'account.user': def(z.string().max(256), '', 'SIP address or extension', { profile: false }),
  'account.authUser': def(z.string().max(256), '', 'Authorisation user, when it differs from the user part', {
    profile: false,
  }),
  'account.displayName': def(z.string().max(128), '', 'Display name sent with calls', { profile: false }),
  'ui.language': def(z.enum(['auto', 'es-MX', 'es-ES', 'en']), 'auto', 'User interface language'),
  'audio.microphone': def(deviceChoice, null, 'Microphone, remembered by id and label', {
    profile: false,
    policy: false,
  }),
  'audio.speaker': def(deviceChoice, null, 'Speaker or headset output', { profile: false, policy: false }),
  'audio.ringer': def(deviceChoice, null, 'Device that rings for incoming calls', { profile: false, policy: false }),
  'audio.callVolume': def(
    z.number().int().min(0).max(100),
    80,
    'Call audio volume in percent; the headset volume buttons move it in steps of 10',
  ),
  'audio.ringOnSpeakers': def(z.boolean(), false, 'Ring on the default speakers as well as the ringer device'),
  'calls.rejectCode': def(sipCode([486, 603]), 486, 'SIP response used when the agent rejects a call'),
  'calls.autoAnswer': def(z.boolean(), false, 'Answer incoming calls automatically'),
  'calls.autoAnswerDelaySec': def(z.number().int().min(0).max(60), 0, 'Seconds before auto-answer'),
  'calls.dtmfMethod': def(z.enum(['rfc4733', 'info']), 'rfc4733', 'How key presses are sent during a call'),
  'calls.supervisorExtension': def(z.string().max(64), '', 'Extension reached by Consult supervisor'),
  'calls.screenPopHeaders': def(
    z.array(headerName).max(32),
    ['X-Account-Id', 'X-IVR-Path'],
    'SIP headers shown when a call rings',
  ),
  'calls.screenPop': def(
    screenPopConfig,
    [],
    'Customer data shown when a call rings: each SIP header with its label per language (en, es-MX, es-ES) and ' +
      'an optional https:// link to the CRM with {value} where the URL-encoded value goes; headers listed in ' +
      'calls.screenPopHeaders and not here show under their own name',
  ),
  'calls.maxRingSec': def(
    z.number().int().min(30).max(600),
    180,
    'Seconds an incoming call may ring unanswered before the phone stops it (480 Temporarily Unavailable)',
  ),
  'calls.prepareWhileRinging': def(
    z.boolean(),
    true,
    'Prepare the call audio while a call rings (the microphone opens, silent, before the answer) so answering ' +
      'connects at once; off: the microphone opens only when the agent answers',
  ),
  'calls.longHoldSec': def(
    z.number().int().min(10).max(600),
    45,
    'Seconds a customer waits on hold before the agent is reminded to go back to them',
  ),
  'headset.enabled': def(z.boolean(), true, 'Use USB headset buttons and lights'),
  // Nothing acts on it yet, so IT and team leads are not offered it; kept so stored user choices stay valid.
  'headset.ring': def(z.boolean(), true, 'Ring on the headset', { profile: false, policy: false }),
  'hotkeys.answer': def(
    accelerator,
    'CommandOrControl+Shift+A',
    'Keyboard shortcut that answers the ringing call (empty: none)',
  ),
  'hotkeys.hangup': def(
    accelerator,
    'CommandOrControl+Shift+H',
    'Keyboard shortcut that hangs up the current call (empty: none)',
  ),
  'hotkeys.mute': def(
    accelerator,
    'CommandOrControl+Shift+M',
    'Keyboard shortcut that mutes or unmutes the microphone (empty: none)',
  ),
  'hotkeys.hold': def(
    accelerator,
    'CommandOrControl+Shift+K',
    'Keyboard shortcut that puts the current call on hold or resumes it (empty: none)',
  ),
  'hotkeys.global': def(z.boolean(), true, 'Keyboard shortcuts work while another program has the focus (desktop app)'),
  'mute.onCallStart': def(z.enum(['unmuted', 'muted']), 'unmuted', 'Mute state every call starts in'),
  'mute.longMuteSec': def(z.number().int().min(5).max(600), 20, 'Seconds muted before the agent is reminded'),
  'mute.reminderEverySec': def(
    z.number().int().min(5).max(600),
    15,
    'Interval between escalating long-mute and long-hold reminders',
  ),
  'mute.warningSound': def(z.boolean(), false, "Soft tone in the agent's ear with mute warnings"),
  'mute.vadSensitivity': def(z.enum(['low', 'medium', 'high']), 'medium', 'Talking-while-muted detector sensitivity'),
  'acw.mode': def(
    z.enum(['optional', 'mandatory-manual', 'mandatory-timed', 'timed-no-early-exit']),
    'optional',
    'After-call work mode',
  ),
  'acw.durationSec': def(z.number().int().min(0).max(3600), 60, 'After-call work time box in seconds'),
  'acw.defaultDisposition': def(z.string().max(64), 'resolved', 'Disposition applied when after-call work times out'),
  'acw.notReadyRejectCode': def(sipCode([480, 486, 603]), 486, 'SIP response to calls offered while not ready'),
  'notes.templates': def(
    z
      .array(
        z.object({ id: z.string().max(64), label: z.string().max(128), fields: z.array(z.string().max(64)).max(16) }),
      )
      .max(32),
    [{ id: 'iaa', label: 'identifica / discúlpate / ayuda', fields: ['identify', 'apologise', 'assist'] }],
    'Note templates',
  ),
  'notes.dispositions': def(
    z.array(z.string().min(1).max(64)).max(64),
    ['resolved', 'follow-up', 'escalated', 'no-action'],
    'Dispositions offered in notes',
  ),
  'notes.requiredFields': def(z.array(z.string().max(64)).max(16), [], 'Note fields that must be filled'),
  'notes.editWindowMin': def(z.number().int().min(0).max(10080), 30, 'Minutes a finished note stays editable'),
  'notes.syncUrl': def(z.string().max(2048), '', 'HTTPS endpoint that receives finished calls and notes'),
  'updates.mode': def(
    z.enum(['off', 'notify', 'auto']),
    'off',
    'Application updates: off, notify (offer them to the agent) or auto (install when no call is in progress)',
    { profile: false, user: false },
  ),
  'updates.url': def(httpsUrl, '', 'HTTPS address of the update feed (an internal mirror); empty: the vendor feed', {
    profile: false,
    user: false,
  }),
  'profile.url': def(
    profileUrl,
    '',
    "Where the team's signed profile is published (https:// or file://); empty: none",
    {
      profile: false,
      user: false,
    },
  ),
  'profile.trustedKeys': def(
    z.array(trustedKey).max(16),
    [],
    'Public keys of the team leads whose signed profiles this PC accepts, one per line',
    { profile: false, user: false },
  ),
  'profile.team': def(
    z
      .string()
      .max(64)
      .regex(/^$|^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'not a team id: letters, digits, . _ -'),
    '',
    'Team whose signed profile this PC follows; empty: the team of the first profile accepted',
    { profile: false, user: false },
  ),
  'profile.pollSec': def(
    z.number().int().min(5).max(3600),
    30,
    'Seconds between checks for a new team profile (a check-sync NOTIFY from the SIP server checks at once)',
    { profile: false, user: false },
  ),
  'profile.signingKey': def(
    z.string().max(1024),
    '',
    "Team lead's PC: the private key file `diadema profile keygen` wrote; set, it offers the Team profile screen",
    { profile: false },
  ),
  'profile.publishTo': def(
    z
      .string()
      .max(2048)
      .regex(/^$|^https:\/\/\S+$|^(?![a-z][a-z0-9+.-]*:\/\/)\S.*$/i, 'not a folder or an https:// URL'),
    '',
    "Team lead's PC: the folder or https:// URL the Team profile screen publishes to",
    { profile: false },
  ),
} as const;

export type SettingKey = keyof typeof settingsSchema;
export type Settings = { [K in SettingKey]: z.infer<(typeof settingsSchema)[K]['schema']> };
export const settingKeys = Object.keys(settingsSchema) as SettingKey[];
export const isSettingKey = (k: string): k is SettingKey => Object.prototype.hasOwnProperty.call(settingsSchema, k);
