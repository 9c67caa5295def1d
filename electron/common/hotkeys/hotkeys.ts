import {
  formatAccelerator,
  hasCommandModifier,
  isFunctionKey,
  parseAccelerator,
  type Accelerator,
} from './accelerator';

/** The call actions a hotkey can trigger, and the setting that holds each one's accelerator. */
export const hotkeyActions = ['answer', 'hangup', 'toggleMute', 'toggleHold'] as const;
export type HotkeyAction = (typeof hotkeyActions)[number];
export const hotkeySettingKey = {
  answer: 'hotkeys.answer',
  hangup: 'hotkeys.hangup',
  toggleMute: 'hotkeys.mute',
  toggleHold: 'hotkeys.hold',
} as const satisfies Record<HotkeyAction, string>;
export type HotkeySettingKey = (typeof hotkeySettingKey)[HotkeyAction];
export type HotkeyValues = Record<HotkeySettingKey, string> & { 'hotkeys.global': boolean };

export interface HotkeyBinding {
  action: HotkeyAction;
  accelerator: Accelerator;
  /** canonical spelling */ text: string;
}
export type HotkeyProblemReason = 'taken' | 'duplicate' | 'no-modifier' | 'invalid';
export interface HotkeyProblem {
  action: HotkeyAction;
  accelerator: string;
  reason: HotkeyProblemReason;
}

/**
 * The configured bindings, in action order. An empty setting is off; a shortcut given to two actions belongs to
 * the first (answer, hang up, mute, hold) and the other is reported as a duplicate rather than firing both.
 */
export function hotkeyBindings(values: Record<HotkeySettingKey, string>): {
  bindings: HotkeyBinding[];
  problems: HotkeyProblem[];
} {
  const bindings: HotkeyBinding[] = [];
  const problems: HotkeyProblem[] = [];
  for (const action of hotkeyActions) {
    const raw = values[hotkeySettingKey[action]];
    const parsed = parseAccelerator(raw);
    if (!parsed.ok) {
      problems.push({ action, accelerator: raw, reason: 'invalid' });
      continue;
    }
    if (!parsed.accelerator) continue;
    const text = formatAccelerator(parsed.accelerator);
    if (bindings.some((b) => b.text === text)) {
      problems.push({ action, accelerator: text, reason: 'duplicate' });
      continue;
    }
    bindings.push({ action, accelerator: parsed.accelerator, text });
  }
  return { bindings, problems };
}

/**
 * What to grab system-wide. Only shortcuts that cannot be ordinary typing: with Control, Alt or Command/Super, or a
 * function key (a global Shift+A would steal the capital A from every other program).
 */
export function globalBindings(values: HotkeyValues): { bindings: HotkeyBinding[]; problems: HotkeyProblem[] } {
  if (!values['hotkeys.global']) return { bindings: [], problems: [] };
  const { bindings, problems } = hotkeyBindings(values);
  const ok = bindings.filter((b) => hasCommandModifier(b.accelerator) || isFunctionKey(b.accelerator));
  for (const b of bindings)
    if (!ok.includes(b)) problems.push({ action: b.action, accelerator: b.text, reason: 'no-modifier' });
  return { bindings: ok, problems };
}

/** The difference between what is registered (accelerator → action) and what should be. */
export function planGlobalHotkeys(
  registered: ReadonlyMap<string, HotkeyAction>,
  wanted: readonly HotkeyBinding[],
): {
  unregister: string[];
  register: Array<{ accelerator: string; action: HotkeyAction }>;
} {
  const want = new Map(wanted.map((b) => [b.text, b.action]));
  const unregister = [...registered].filter(([acc, action]) => want.get(acc) !== action).map(([acc]) => acc);
  const register = [...want]
    .filter(([acc, action]) => registered.get(acc) !== action)
    .map(([accelerator, action]) => ({ accelerator, action }));
  return { unregister, register };
}

/** The operating system's shortcut registry as the shell sees it (Electron's globalShortcut, or a fake). */
export interface GlobalShortcutPort {
  /** false when another program holds the shortcut. */
  register(accelerator: string, fire: () => void): boolean;
  unregister(accelerator: string): void;
}
export interface GlobalHotkeyStatus {
  global: boolean;
  registered: Array<{ action: HotkeyAction; accelerator: string }>;
  unavailable: HotkeyProblem[];
}

/**
 * Keeps the system-wide shortcuts in step with the settings: registers what is new, releases what went away, and
 * tries again a shortcut another program held last time. `apply` returns the status and the problems not reported
 * before (each failing shortcut is reported once, until it works or the setting changes).
 */
export class GlobalHotkeys {
  private readonly registered = new Map<string, HotkeyAction>();
  private reported = new Set<string>();
  private status: GlobalHotkeyStatus = { global: false, registered: [], unavailable: [] };

  constructor(
    private readonly port: GlobalShortcutPort,
    private readonly fire: (action: HotkeyAction) => void,
  ) {}

  apply(values: HotkeyValues): { status: GlobalHotkeyStatus; newProblems: HotkeyProblem[] } {
    const { bindings, problems } = globalBindings(values);
    const plan = planGlobalHotkeys(this.registered, bindings);
    for (const acc of plan.unregister) {
      this.port.unregister(acc);
      this.registered.delete(acc);
    }
    for (const { accelerator, action } of plan.register) {
      let ok: boolean;
      try {
        ok = this.port.register(accelerator, () => this.fire(action));
      } catch {
        ok = false;
      }
      if (ok) this.registered.set(accelerator, action);
      else problems.push({ action, accelerator, reason: 'taken' });
    }
    const key = (p: HotkeyProblem) => `${p.action} ${p.accelerator} ${p.reason}`;
    const newProblems = problems.filter((p) => !this.reported.has(key(p)));
    this.reported = new Set(problems.map(key));
    this.status = {
      global: values['hotkeys.global'],
      registered: [...this.registered].map(([accelerator, action]) => ({ action, accelerator })),
      unavailable: problems,
    };
    return { status: this.status, newProblems };
  }

  /** Release everything (on quit). */
  dispose(): void {
    for (const acc of this.registered.keys()) this.port.unregister(acc);
    this.registered.clear();
  }

  snapshot(): GlobalHotkeyStatus {
    return this.status;
  }
}
