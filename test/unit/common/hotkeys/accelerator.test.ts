import { describe, expect, it } from 'vitest';
import {
  ariaKeyShortcut,
  displayAccelerator,
  formatAccelerator,
  matchesAccelerator,
  parseAccelerator,
  type Accelerator,
  type KeyPress,
} from '@common/hotkeys/accelerator';
import { settingsSchema } from '@common/settings/schema';

const parse = (t: string): Accelerator => {
  const r = parseAccelerator(t);
  if (!r.ok || !r.accelerator) throw new Error(`did not parse: ${t}`);
  return r.accelerator;
};
const press = (p: Partial<KeyPress>): KeyPress => ({
  key: '',
  code: '',
  ctrlKey: false,
  shiftKey: false,
  altKey: false,
  metaKey: false,
  ...p,
});

describe('accelerator parser', () => {
  it('parses modifiers and one key into a canonical form', () => {
    expect(parse('CommandOrControl+Shift+M')).toEqual({ modifiers: ['CommandOrControl', 'Shift'], key: 'M' });
    expect(parse('Shift+Ctrl+m')).toEqual({ modifiers: ['Control', 'Shift'], key: 'M' });
    expect(parse('Meta+Alt+F9')).toEqual({ modifiers: ['Alt', 'Super'], key: 'F9' });
    expect(parse('Control+Return').key).toBe('Enter');
    expect(parse('F12')).toEqual({ modifiers: [], key: 'F12' });
    expect(formatAccelerator(parse('shift+Ctrl+k'.replace('shift', 'Shift')))).toBe('Control+Shift+K');
    expect(formatAccelerator(parse('Alt+Plus'))).toBe('Alt+Plus');
    expect(parseAccelerator('')).toEqual({ ok: true, accelerator: null });
  });

  it('refuses what is not a shortcut, saying why', () => {
    expect(parseAccelerator('Ctrl+')).toEqual({ ok: false, error: 'empty-part' });
    expect(parseAccelerator('Hyper+M')).toEqual({ ok: false, error: 'unknown-modifier' });
    expect(parseAccelerator('A+B')).toEqual({ ok: false, error: 'unknown-modifier' });
    expect(parseAccelerator('Ctrl+Shift')).toEqual({ ok: false, error: 'no-key' });
    expect(parseAccelerator('Ctrl+F25')).toEqual({ ok: false, error: 'unknown-key' });
    expect(parseAccelerator('Ctrl+é')).toEqual({ ok: false, error: 'unknown-key' });
    expect(parseAccelerator('Ctrl+Control+M')).toEqual({ ok: false, error: 'duplicate-modifier' });
    expect(parseAccelerator('Meta+Super+M')).toEqual({ ok: false, error: 'duplicate-modifier' });
    expect(parseAccelerator(`Ctrl+${'A'.repeat(70)}`)).toEqual({ ok: false, error: 'too-long' });
  });

  it('the settings accept exactly the accelerators the parser accepts', () => {
    const s = settingsSchema['hotkeys.mute'].schema;
    for (const ok of ['', 'CommandOrControl+Shift+M', 'Ctrl+Alt+F9', 'F8', 'Super+Space', 'Alt+,', 'Control+\\']) {
      expect(s.safeParse(ok).success, ok).toBe(true);
      expect(parseAccelerator(ok).ok, ok).toBe(true);
    }
    for (const bad of ['Ctrl+', 'Ctrl+Ctrl+M', 'ctrl+m', 'Ctrl+Shift', 'M+Ctrl', 'Ctrl M', 'Ctrl+F25', ' Ctrl+M']) {
      expect(s.safeParse(bad).success, bad).toBe(false);
    }
    // Defaults do not collide with each other.
    const defaults = (['hotkeys.answer', 'hotkeys.hangup', 'hotkeys.mute', 'hotkeys.hold'] as const).map(
      (k) => settingsSchema[k].default,
    );
    expect(new Set(defaults).size).toBe(4);
  });
});

describe('accelerator matcher', () => {
  const m = parse('CommandOrControl+Shift+M');
  it('CommandOrControl is Control on Windows/Linux and Command (meta) on macOS', () => {
    expect(matchesAccelerator(m, press({ key: 'M', code: 'KeyM', ctrlKey: true, shiftKey: true }), 'other')).toBe(true);
    expect(matchesAccelerator(m, press({ key: 'M', code: 'KeyM', metaKey: true, shiftKey: true }), 'other')).toBe(
      false,
    );
    expect(matchesAccelerator(m, press({ key: 'm', code: 'KeyM', metaKey: true, shiftKey: true }), 'mac')).toBe(true);
    expect(matchesAccelerator(m, press({ key: 'm', code: 'KeyM', ctrlKey: true, shiftKey: true }), 'mac')).toBe(false);
  });
  it('modifiers must match exactly', () => {
    expect(matchesAccelerator(m, press({ key: 'M', code: 'KeyM', ctrlKey: true }), 'other')).toBe(false);
    expect(
      matchesAccelerator(m, press({ key: 'M', code: 'KeyM', ctrlKey: true, shiftKey: true, altKey: true }), 'other'),
    ).toBe(false);
    expect(matchesAccelerator(m, press({ key: 'N', code: 'KeyN', ctrlKey: true, shiftKey: true }), 'other')).toBe(
      false,
    );
  });
  it('letters by the character typed, or by the physical key when a modifier changed the character', () => {
    const altM = parse('Alt+M');
    expect(matchesAccelerator(altM, press({ key: 'µ', code: 'KeyM', altKey: true }), 'mac')).toBe(true);
    // AZERTY: the key labelled A sits where QWERTY has Q; the letter wins.
    const ctrlA = parse('Control+A');
    expect(matchesAccelerator(ctrlA, press({ key: 'a', code: 'KeyQ', ctrlKey: true }), 'other')).toBe(true);
    expect(matchesAccelerator(ctrlA, press({ key: 'q', code: 'KeyA', ctrlKey: true }), 'other')).toBe(false);
  });
  it('named keys, function keys, digits, punctuation and Plus', () => {
    expect(matchesAccelerator(parse('F9'), press({ key: 'F9', code: 'F9' }), 'other')).toBe(true);
    expect(
      matchesAccelerator(parse('Ctrl+Up'), press({ key: 'ArrowUp', code: 'ArrowUp', ctrlKey: true }), 'other'),
    ).toBe(true);
    expect(matchesAccelerator(parse('Ctrl+Space'), press({ key: ' ', code: 'Space', ctrlKey: true }), 'other')).toBe(
      true,
    );
    expect(matchesAccelerator(parse('Alt+1'), press({ key: '¡', code: 'Digit1', altKey: true }), 'mac')).toBe(true);
    expect(matchesAccelerator(parse('Ctrl+,'), press({ key: ',', code: 'Comma', ctrlKey: true }), 'other')).toBe(true);
    expect(
      matchesAccelerator(
        parse('Ctrl+Plus'),
        press({ key: '+', code: 'Equal', ctrlKey: true, shiftKey: true }),
        'other',
      ),
    ).toBe(true);
  });
  it("shown to the agent and to assistive technology in the platform's words", () => {
    expect(displayAccelerator(m, 'other')).toBe('Ctrl+Shift+M');
    expect(displayAccelerator(m, 'mac')).toBe('Shift+Cmd+M');
    expect(ariaKeyShortcut(m, 'other')).toBe('Control+Shift+M');
    expect(ariaKeyShortcut(m, 'mac')).toBe('Shift+Meta+M');
    expect(ariaKeyShortcut(parse('Alt+Up'), 'other')).toBe('Alt+ArrowUp');
  });
});
