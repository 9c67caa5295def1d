import { ignorePromise } from '@common/ignore-promise';
import { GlobalHotkeys, type GlobalShortcutPort, type HotkeyValues } from '@common/hotkeys/hotkeys';
import type { Core } from '../core/core';
import type { Logger } from '../log';

/**
 * Keeps the system-wide call hotkeys in step with the core's settings: applies them now and on every settings
 * change, fires `call.action` when one is pressed, logs each shortcut another program holds once and reports the
 * status to the renderer (`core.shell.reportHotkeys`). The shell gives the OS registry (Electron's globalShortcut).
 * Returns the function that releases everything (on quit).
 */
export function startGlobalHotkeys(
  core: Pick<Core, 'handlers' | 'shell'>,
  port: GlobalShortcutPort,
  log: Logger,
): () => void {
  const { settings } = core.shell;
  const hotkeys = new GlobalHotkeys(port, (action) =>
    ignorePromise(core.handlers['call.action']({ action }), (err) =>
      log.warn('hotkey action failed', { action, detail: String(err) }),
    ),
  );
  const values = (): HotkeyValues => ({
    'hotkeys.answer': settings.get('hotkeys.answer'),
    'hotkeys.hangup': settings.get('hotkeys.hangup'),
    'hotkeys.mute': settings.get('hotkeys.mute'),
    'hotkeys.hold': settings.get('hotkeys.hold'),
    'hotkeys.global': settings.get('hotkeys.global'),
  });
  const apply = () => {
    const { status, newProblems } = hotkeys.apply(values());
    for (const p of newProblems)
      log.warn('global hotkey unavailable; it works only while the window has the focus', { ...p });
    core.shell.reportHotkeys(status, newProblems);
  };
  apply();
  const off = settings.onChange(apply);
  return () => {
    off();
    hotkeys.dispose();
  };
}
