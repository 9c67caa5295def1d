/**
 * Electron accelerator strings ("CommandOrControl+Shift+M") for the call-control hotkeys: parsed, validated and
 * matched against keyboard events, without Electron or the DOM (the renderer matches in-window presses with it,
 * the shell decides what to register system-wide, the settings schema validates with it).
 */

export type Modifier = 'CommandOrControl' | 'Control' | 'Alt' | 'Shift' | 'Super';
export type Platform = 'mac' | 'other';

export interface Accelerator {
  /** Canonical modifiers, in a fixed order (CommandOrControl, Control, Alt, Shift, Super). */
  modifiers: Modifier[];
  /** Canonical key name as Electron spells it: 'A'…'Z', '0'…'9', 'F1'…'F24', 'Space', 'Up', ',', … */
  key: string;
}

const modifierOrder: Modifier[] = ['CommandOrControl', 'Control', 'Alt', 'Shift', 'Super'];
const modifierNames: Record<string, Modifier> = {
  CommandOrControl: 'CommandOrControl',
  Control: 'Control',
  Ctrl: 'Control',
  Alt: 'Alt',
  Shift: 'Shift',
  Super: 'Super',
  Meta: 'Super',
};

/** Named keys: accelerator name → [KeyboardEvent.key values, KeyboardEvent.code values]. */
const namedKeys: Record<string, [string[], string[]]> = {
  Space: [[' '], ['Space']],
  Tab: [['Tab'], ['Tab']],
  Enter: [['Enter'], ['Enter', 'NumpadEnter']],
  Escape: [['Escape', 'Esc'], ['Escape']],
  Backspace: [['Backspace'], ['Backspace']],
  Delete: [['Delete', 'Del'], ['Delete']],
  Insert: [['Insert'], ['Insert']],
  Home: [['Home'], ['Home']],
  End: [['End'], ['End']],
  PageUp: [['PageUp'], ['PageUp']],
  PageDown: [['PageDown'], ['PageDown']],
  Up: [['ArrowUp', 'Up'], ['ArrowUp']],
  Down: [['ArrowDown', 'Down'], ['ArrowDown']],
  Left: [['ArrowLeft', 'Left'], ['ArrowLeft']],
  Right: [['ArrowRight', 'Right'], ['ArrowRight']],
  Plus: [['+'], ['Equal', 'NumpadAdd']],
};
const keyAliases: Record<string, string> = { Return: 'Enter', Esc: 'Escape' };
/** Punctuation keys (US layout) and their physical codes. */
const punctuation: Record<string, string> = {
  ',': 'Comma',
  '.': 'Period',
  '/': 'Slash',
  ';': 'Semicolon',
  "'": 'Quote',
  '[': 'BracketLeft',
  ']': 'BracketRight',
  '\\': 'Backslash',
  '-': 'Minus',
  '=': 'Equal',
  '`': 'Backquote',
};

const canonicalKey = (raw: string): string | undefined => {
  if (/^[A-Za-z0-9]$/.test(raw)) return raw.toUpperCase();
  if (/^F([1-9]|1[0-9]|2[0-4])$/.test(raw)) return raw;
  const alias = keyAliases[raw] ?? raw;
  if (Object.prototype.hasOwnProperty.call(namedKeys, alias)) return alias;
  if (Object.prototype.hasOwnProperty.call(punctuation, raw)) return raw;
  return undefined;
};

export type AcceleratorError =
  'empty-part' | 'unknown-modifier' | 'unknown-key' | 'no-key' | 'duplicate-modifier' | 'too-long';

/** Parse an accelerator; the empty string is "off" (null). Errors say what is wrong, for the settings screen. */
export function parseAccelerator(
  text: string,
): { ok: true; accelerator: Accelerator | null } | { ok: false; error: AcceleratorError } {
  if (text === '') return { ok: true, accelerator: null };
  if (text.length > 64) return { ok: false, error: 'too-long' };
  // '+' is a separator; the plus key itself is spelt 'Plus'.
  const parts = text.split('+');
  if (parts.some((p) => p === '')) return { ok: false, error: 'empty-part' };
  const keyPart = parts.pop()!;
  const modifiers = new Set<Modifier>();
  for (const p of parts) {
    const m = Object.prototype.hasOwnProperty.call(modifierNames, p) ? modifierNames[p] : undefined;
    if (!m) return { ok: false, error: 'unknown-modifier' };
    if (modifiers.has(m)) return { ok: false, error: 'duplicate-modifier' };
    modifiers.add(m);
  }
  if (Object.prototype.hasOwnProperty.call(modifierNames, keyPart)) return { ok: false, error: 'no-key' };
  const key = canonicalKey(keyPart);
  if (!key) return { ok: false, error: 'unknown-key' };
  return { ok: true, accelerator: { modifiers: modifierOrder.filter((m) => modifiers.has(m)), key } };
}

/** The canonical spelling: two spellings of the same shortcut ("Ctrl+m", "Control+M") give the same string. */
export function formatAccelerator(a: Accelerator): string {
  return [...a.modifiers, a.key].join('+');
}

/** A shortcut that cannot be typed as text: it holds Control, Alt, Command/Super, or is a function key. */
export function hasCommandModifier(a: Accelerator): boolean {
  return a.modifiers.some((m) => m !== 'Shift');
}
export const isFunctionKey = (a: Accelerator): boolean => /^F\d+$/.test(a.key);

/** The subset of a KeyboardEvent the matcher needs (works with DOM events and plain objects in tests). */
export interface KeyPress {
  key: string;
  code: string;
  ctrlKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  metaKey: boolean;
}

const wants = (a: Accelerator, platform: Platform) => {
  const has = (m: Modifier) => a.modifiers.includes(m);
  const cmdOrCtrl = has('CommandOrControl');
  return {
    ctrl: has('Control') || (cmdOrCtrl && platform !== 'mac'),
    meta: has('Super') || (cmdOrCtrl && platform === 'mac'),
    alt: has('Alt'),
    shift: has('Shift'),
  };
};

const keyMatches = (key: string, e: KeyPress): boolean => {
  if (/^[A-Z]$/.test(key)) {
    // The character typed, when it is a plain letter; the physical key when a modifier turned it into another
    // character (Alt+M on macOS types 'µ').
    if (/^[A-Za-z]$/.test(e.key)) return e.key.toUpperCase() === key;
    return e.code === `Key${key}`;
  }
  if (/^[0-9]$/.test(key)) {
    if (/^[0-9]$/.test(e.key)) return e.key === key;
    return e.code === `Digit${key}` || e.code === `Numpad${key}`;
  }
  if (/^F\d+$/.test(key)) return e.key === key;
  const named = namedKeys[key];
  if (named) return named[0].includes(e.key) || named[1].includes(e.code);
  const code = punctuation[key];
  return e.key === key || (code !== undefined && e.code === code && !/^[ -~]$/.test(e.key));
};

/** Does this key press trigger the accelerator on this platform? Modifiers must match exactly (no extra ones). */
export function matchesAccelerator(a: Accelerator, e: KeyPress, platform: Platform): boolean {
  const w = wants(a, platform);
  if (e.ctrlKey !== w.ctrl || e.metaKey !== w.meta || e.altKey !== w.alt) return false;
  // Shift must match too, except where the key is a shifted character itself ('+' typed as Shift+=).
  if (e.shiftKey !== w.shift && !(a.key === 'Plus' && e.key === '+')) return false;
  return keyMatches(a.key, e);
}

/** The value for aria-keyshortcuts (WAI-ARIA spelling: Control, Alt, Shift, Meta; key names as the DOM's). */
export function ariaKeyShortcut(a: Accelerator, platform: Platform): string {
  const w = wants(a, platform);
  const mods = [w.ctrl && 'Control', w.alt && 'Alt', w.shift && 'Shift', w.meta && 'Meta'].filter(Boolean) as string[];
  const named = namedKeys[a.key];
  const key = a.key === 'Space' ? 'Space' : named ? named[0][0]! : a.key;
  return [...mods, key].join('+');
}

/** How the shortcut is shown to the agent on this platform ("Ctrl+Shift+M", "⌘⇧M" is not used: words read better). */
export function displayAccelerator(a: Accelerator, platform: Platform): string {
  const w = wants(a, platform);
  const mods = [
    w.ctrl && 'Ctrl',
    w.alt && (platform === 'mac' ? 'Option' : 'Alt'),
    w.shift && 'Shift',
    w.meta && (platform === 'mac' ? 'Cmd' : 'Super'),
  ].filter(Boolean) as string[];
  return [...mods, a.key].join('+');
}

/** Settings-schema check: a valid accelerator or the empty string. */
export const isAcceleratorOrEmpty = (text: string): boolean => parseAccelerator(text).ok;
