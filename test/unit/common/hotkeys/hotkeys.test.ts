import { describe, expect, it } from 'vitest';
import {
  GlobalHotkeys,
  globalBindings,
  hotkeyBindings,
  planGlobalHotkeys,
  type GlobalShortcutPort,
  type HotkeyAction,
  type HotkeyValues,
} from '@common/hotkeys/hotkeys';

const values = (p: Partial<HotkeyValues> = {}): HotkeyValues => ({
  'hotkeys.answer': 'CommandOrControl+Shift+A',
  'hotkeys.hangup': 'CommandOrControl+Shift+H',
  'hotkeys.mute': 'CommandOrControl+Shift+M',
  'hotkeys.hold': 'CommandOrControl+Shift+K',
  'hotkeys.global': true,
  ...p,
});

/** The OS registry: accelerators held by other programs cannot be taken. */
class FakeRegistry implements GlobalShortcutPort {
  readonly held = new Map<string, () => void>();
  readonly log: string[] = [];
  constructor(readonly takenByOthers = new Set<string>()) {}
  register(acc: string, fire: () => void): boolean {
    this.log.push(`+${acc}`);
    if (this.takenByOthers.has(acc) || this.held.has(acc)) return false;
    this.held.set(acc, fire);
    return true;
  }
  unregister(acc: string): void {
    this.log.push(`-${acc}`);
    this.held.delete(acc);
  }
  press(acc: string): void {
    this.held.get(acc)?.();
  }
}

describe('hotkey bindings', () => {
  it('skips empty ones and gives a shortcut used twice to the first action', () => {
    const r = hotkeyBindings(values({ 'hotkeys.answer': '', 'hotkeys.hold': 'Shift+Ctrl+M' }));
    expect(r.bindings.map((b) => [b.action, b.text])).toEqual([
      ['hangup', 'CommandOrControl+Shift+H'],
      ['toggleMute', 'CommandOrControl+Shift+M'],
      ['toggleHold', 'Control+Shift+M'],
    ]);
    const dup = hotkeyBindings(values({ 'hotkeys.hold': 'CommandOrControl+Shift+M' }));
    expect(dup.problems).toEqual([
      { action: 'toggleHold', accelerator: 'CommandOrControl+Shift+M', reason: 'duplicate' },
    ]);
    expect(dup.bindings.map((b) => b.action)).toEqual(['answer', 'hangup', 'toggleMute']);
  });

  it('never grabs ordinary typing system-wide; nothing at all when global is off', () => {
    const r = globalBindings(values({ 'hotkeys.answer': 'Shift+A', 'hotkeys.hangup': 'F9', 'hotkeys.mute': 'M' }));
    expect(r.bindings.map((b) => b.text)).toEqual(['F9', 'CommandOrControl+Shift+K']);
    expect(r.problems.map((p) => [p.action, p.reason])).toEqual([
      ['answer', 'no-modifier'],
      ['toggleMute', 'no-modifier'],
    ]);
    expect(globalBindings(values({ 'hotkeys.global': false }))).toEqual({ bindings: [], problems: [] });
  });

  it('plans only the difference', () => {
    const registered = new Map<string, HotkeyAction>([
      ['CommandOrControl+Shift+A', 'answer'],
      ['CommandOrControl+Shift+M', 'toggleMute'],
      ['F9', 'toggleHold'],
    ]);
    const plan = planGlobalHotkeys(
      registered,
      globalBindings(values({ 'hotkeys.mute': 'F9', 'hotkeys.hold': '' })).bindings,
    );
    expect(plan.unregister.sort()).toEqual(['CommandOrControl+Shift+M', 'F9']);
    expect(plan.register).toEqual([
      { accelerator: 'CommandOrControl+Shift+H', action: 'hangup' },
      { accelerator: 'F9', action: 'toggleMute' },
    ]);
  });
});

describe('GlobalHotkeys', () => {
  it('registers, fires the action, re-registers on change, releases everything on dispose', () => {
    const os = new FakeRegistry();
    const fired: HotkeyAction[] = [];
    const g = new GlobalHotkeys(os, (a) => fired.push(a));
    const first = g.apply(values());
    expect(first.newProblems).toEqual([]);
    expect([...os.held.keys()].sort()).toEqual([
      'CommandOrControl+Shift+A',
      'CommandOrControl+Shift+H',
      'CommandOrControl+Shift+K',
      'CommandOrControl+Shift+M',
    ]);
    os.press('CommandOrControl+Shift+M');
    expect(fired).toEqual(['toggleMute']);
    os.log.length = 0;
    g.apply(values({ 'hotkeys.mute': 'Ctrl+Alt+M' }));
    expect(os.log).toEqual(['-CommandOrControl+Shift+M', '+Control+Alt+M']);
    os.press('Control+Alt+M');
    os.press('CommandOrControl+Shift+M');
    expect(fired).toEqual(['toggleMute', 'toggleMute']);
    g.apply(values({ 'hotkeys.global': false }));
    expect(os.held.size).toBe(0);
    expect(g.snapshot()).toEqual({ global: false, registered: [], unavailable: [] });
    g.apply(values());
    g.dispose();
    expect(os.held.size).toBe(0);
  });

  it('a shortcut another program holds is reported once, retried on the next change, and cleared when it works', () => {
    const os = new FakeRegistry(new Set(['CommandOrControl+Shift+H']));
    const g = new GlobalHotkeys(os, () => undefined);
    const a = g.apply(values());
    expect(a.newProblems).toEqual([{ action: 'hangup', accelerator: 'CommandOrControl+Shift+H', reason: 'taken' }]);
    expect(a.status.unavailable).toEqual(a.newProblems);
    expect(a.status.registered.map((r) => r.action).sort()).toEqual(['answer', 'toggleHold', 'toggleMute']);
    os.log.length = 0;
    const b = g.apply(values({ 'hotkeys.answer': 'F8' }));
    expect(os.log).toEqual(['-CommandOrControl+Shift+A', '+F8', '+CommandOrControl+Shift+H']);
    expect(b.newProblems).toEqual([]);
    expect(b.status.unavailable.map((p) => p.action)).toEqual(['hangup']);
    os.takenByOthers.clear();
    const c = g.apply(values({ 'hotkeys.answer': 'F8' }));
    expect(c.status.unavailable).toEqual([]);
    expect(c.status.registered.map((r) => r.action).sort()).toEqual(['answer', 'hangup', 'toggleHold', 'toggleMute']);
    // Taken again later: a new report.
    g.apply(values({ 'hotkeys.answer': 'F8', 'hotkeys.hangup': '' }));
    os.takenByOthers.add('CommandOrControl+Shift+H');
    expect(g.apply(values({ 'hotkeys.answer': 'F8' })).newProblems.map((p) => p.reason)).toEqual(['taken']);
  });

  it('a registry that throws (malformed for this platform) counts as unavailable', () => {
    const g = new GlobalHotkeys(
      {
        register: () => {
          throw new Error('bad');
        },
        unregister: () => undefined,
      },
      () => undefined,
    );
    expect(g.apply(values({ 'hotkeys.hangup': '', 'hotkeys.mute': '', 'hotkeys.hold': '' })).newProblems).toEqual([
      { action: 'answer', accelerator: 'CommandOrControl+Shift+A', reason: 'taken' },
    ]);
  });
});
