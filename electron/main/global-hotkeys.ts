import { globalShortcut } from 'electron';
import type { Core } from '../node/core/core';
import { startGlobalHotkeys } from '../node/hotkeys/global-hotkeys';
import type { Logger } from '../node/log';

/**
 * The call hotkeys registered system-wide with Electron's globalShortcut, so that answer / hang up / mute / hold
 * work while another program has the focus. Everything but the registry itself is decided in
 * `node/hotkeys/global-hotkeys.ts` and `common/hotkeys/hotkeys.ts`. Returns the function that releases them.
 */
export function startElectronHotkeys(core: Core, log: Logger): () => void {
  return startGlobalHotkeys(
    core,
    {
      register: (accelerator, fire) => globalShortcut.register(accelerator, fire),
      unregister: (accelerator) => globalShortcut.unregister(accelerator),
    },
    log,
  );
}
