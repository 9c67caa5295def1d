import { globalShortcut } from 'electron';
import { GlobalHotkeys, type HotkeyValues } from '../common/hotkeys/hotkeys';
import type { Core } from '../node/core/core';
import type { Logger } from '../node/log';

/**
 * The call hotkeys registered system-wide with Electron's globalShortcut, so that answer / hang up / mute / hold
 * work while another program has the focus. What to register and what changed is decided in
 * `common/hotkeys/hotkeys.ts` (GlobalHotkeys); this only hands it Electron's registry. A shortcut another program
 * holds is logged once and reported to the renderer (a notice, and the Keyboard shortcuts list).
 * Returns the function that releases everything (on quit).
 */
export function startGlobalHotkeys(core: Core, log: Logger): () => void {
  const hotkeys = new GlobalHotkeys(
    { register: (accelerator, fire) => globalShortcut.register(accelerator, fire), unregister: (accelerator) => globalShortcut.unregister(accelerator) },
    (action) => void core.handlers['call.action']({ action }).catch((err: unknown) => log.warn('hotkey action failed', { action, detail: String(err) })),
  );
  const values = (): HotkeyValues => ({
    'hotkeys.answer': core.settings.get('hotkeys.answer'), 'hotkeys.hangup': core.settings.get('hotkeys.hangup'),
    'hotkeys.mute': core.settings.get('hotkeys.mute'), 'hotkeys.hold': core.settings.get('hotkeys.hold'),
    'hotkeys.global': core.settings.get('hotkeys.global'),
  });
  const apply = () => {
    const { status, newProblems } = hotkeys.apply(values());
    for (const p of newProblems) log.warn('global hotkey unavailable; it works only while the window has the focus', { ...p });
    core.reportHotkeys(status, newProblems);
  };
  apply();
  const off = core.settings.onChange(apply);
  return () => { off(); hotkeys.dispose(); };
}
