import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallArgs } from '@common/contract/contract';
import { en } from '../../../renderer/src/i18n/en';
import { currentPlatform } from '../../../renderer/src/ui/use-hotkeys';
import { mountApp } from '../../support/render-ui';
import { callView, callsSnapshot, settingsView } from '../../support/views';

async function mount(settings: Record<string, unknown> = {}) {
  const actions: Array<CallArgs<'call.action'>['action']> = [];
  const { el, bridge } = await mountApp({
    settings,
    handlers: {
      'call.action': async ({ action }) => {
        actions.push(action);
        return { done: true };
      },
    },
  });
  return { el, bridge, actions };
}
const q = (el: Element, id: string) => el.querySelector(`[data-testid="${id}"]`);
// CommandOrControl: Control here (happy-dom is not a Mac), Command on macOS.
const mac = currentPlatform() === 'mac';
const cmd = mac ? { metaKey: true } : { ctrlKey: true };
async function press(
  target: EventTarget,
  key: string,
  code: string,
  mods: Partial<Pick<KeyboardEvent, 'ctrlKey' | 'shiftKey' | 'altKey' | 'metaKey'>> = {},
) {
  await act(async () => {
    target.dispatchEvent(new KeyboardEvent('keydown', { key, code, bubbles: true, cancelable: true, ...mods }));
    await new Promise((r) => setTimeout(r, 0));
  });
}
const ringing = callsSnapshot(callView('c1', { state: 'ringing' }));

afterEach(() => {
  document.body.innerHTML = '';
});

describe('call hotkeys in the window', () => {
  it('the default shortcuts call call.action; the old hard-coded Ctrl+Shift+M is now the mute setting', async () => {
    const { actions } = await mount();
    await press(document.body, 'M', 'KeyM', { ...cmd, shiftKey: true });
    await press(document.body, 'A', 'KeyA', { ...cmd, shiftKey: true });
    await press(document.body, 'H', 'KeyH', { ...cmd, shiftKey: true });
    await press(document.body, 'K', 'KeyK', { ...cmd, shiftKey: true });
    expect(actions).toEqual(['toggleMute', 'answer', 'hangup', 'toggleHold']);
    // Wrong modifiers, or a held key repeating, do nothing.
    await press(document.body, 'm', 'KeyM', cmd);
    await press(document.body, 'M', 'KeyM', { ...cmd, shiftKey: true, altKey: true });
    await act(async () => {
      document.body.dispatchEvent(
        new KeyboardEvent('keydown', { key: 'M', code: 'KeyM', shiftKey: true, repeat: true, bubbles: true, ...cmd }),
      );
    });
    expect(actions).toHaveLength(4);
  });

  it('uses the configured shortcuts, follows a settings change, and an empty one does nothing', async () => {
    const { actions, bridge } = await mount({ 'hotkeys.answer': '', 'hotkeys.hangup': 'F9', 'hotkeys.hold': 'Alt+H' });
    await press(document.body, 'A', 'KeyA', { ...cmd, shiftKey: true });
    expect(actions).toEqual([]);
    await press(document.body, 'F9', 'F9');
    await press(document.body, 'h', 'KeyH', { altKey: true });
    expect(actions).toEqual(['hangup', 'toggleHold']);
    await act(async () => {
      bridge.emit('settings', settingsView({ 'hotkeys.answer': 'F8', 'hotkeys.hangup': '', 'hotkeys.hold': 'Alt+H' }));
    });
    await press(document.body, 'F9', 'F9');
    await press(document.body, 'F8', 'F8');
    expect(actions).toEqual(['hangup', 'toggleHold', 'answer']);
  });

  it('typing in the dial box or a note never fires a shortcut without Ctrl/Alt/Cmd; one with a modifier still works', async () => {
    const { el, actions } = await mount({ 'hotkeys.mute': 'M', 'hotkeys.answer': 'Shift+A', 'hotkeys.hangup': 'F9' });
    const dial = q(el, 'dial-input') as HTMLInputElement;
    const note = document.createElement('textarea');
    const editable = document.createElement('div');
    editable.contentEditable = 'true';
    el.append(note, editable);
    for (const field of [dial, note, editable]) {
      await press(field, 'm', 'KeyM');
      await press(field, 'A', 'KeyA', { shiftKey: true });
      await press(field, 'F9', 'F9');
    }
    expect(actions).toEqual([]);
    await press(dial, 'K', 'KeyK', { ...cmd, shiftKey: true });
    await press(note, 'K', 'KeyK', { ...cmd, shiftKey: true });
    expect(actions).toEqual(['toggleHold', 'toggleHold']);
    // Outside a text field the bare shortcut works.
    await press(q(el, 'mute-toggle')!, 'm', 'KeyM');
    expect(actions.at(-1)).toBe('toggleMute');
  });
});

describe('shortcuts shown', () => {
  it('next to the buttons they trigger and in the Keyboard shortcuts list, with what the shell could not register', async () => {
    const { el, bridge } = await mount({ 'hotkeys.hold': '', 'hotkeys.hangup': 'Ctrl+Alt+F9' });
    const mute = q(el, 'mute-toggle')!;
    expect(mute.getAttribute('aria-keyshortcuts')).toBe(mac ? 'Shift+Meta+M' : 'Control+Shift+M');
    expect(mute.getAttribute('title')).toBe(
      en['hotkeys.hint'].replace('{{keys}}', mac ? 'Shift+Cmd+M' : 'Ctrl+Shift+M'),
    );
    await act(async () => {
      bridge.emit('calls', ringing);
    });
    expect(q(el, 'call-answer')?.getAttribute('aria-keyshortcuts')).toBe(mac ? 'Shift+Meta+A' : 'Control+Shift+A');
    const list = q(el, 'shortcuts')!;
    expect(list.querySelector('h2')?.textContent).toBe(en['hotkeys.title']);
    expect(q(list, 'shortcut-toggleMute')?.textContent).toContain(mac ? 'Shift+Cmd+M' : 'Ctrl+Shift+M');
    expect(q(list, 'shortcut-hangup')?.textContent).toContain(mac ? 'Ctrl+Alt+F9' : 'Ctrl+Alt+F9');
    expect(q(list, 'shortcut-toggleHold')?.textContent).toContain(en['hotkeys.off']);
    expect(q(list, 'shortcuts-scope')?.textContent).toBe(en['hotkeys.scope.window']);
    await act(async () => {
      bridge.emit('hotkeys', {
        global: true,
        registered: [{ action: 'answer', accelerator: 'CommandOrControl+Shift+A' }],
        unavailable: [{ action: 'toggleMute', accelerator: 'CommandOrControl+Shift+M', reason: 'taken' }],
      });
    });
    expect(q(list, 'shortcuts-scope')?.textContent).toBe(en['hotkeys.scope.global']);
    expect(q(list, 'shortcut-toggleMute')?.textContent).toContain(en['hotkeys.unavailable.taken']);
    expect(q(list, 'shortcut-toggleMute')?.querySelector('svg.lucide-triangle-alert')).not.toBeNull();
    expect(q(list, 'shortcut-answer')?.querySelector('svg.lucide-triangle-alert')).toBeNull();
    // The shell's notice about it is readable in the notices list.
    await act(async () => {
      bridge.emit('call.notice', { code: 'hotkey-unavailable', detail: 'CommandOrControl+Shift+M (taken)' });
    });
    expect(q(el, 'notices')?.textContent).toContain(en['notice.hotkey-unavailable']);
  });
});
