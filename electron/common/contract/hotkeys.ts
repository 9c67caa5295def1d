import { z } from 'zod';
import { hotkeyActions } from '../hotkeys/hotkeys';

/**
 * The system-wide keyboard shortcuts as the shell managed to register them (Electron only; the browser host has
 * none and reports `global: false`). A shortcut another program holds is listed with reason `taken`: it still works
 * while Diadema's window has the focus.
 */
const action = z.enum(hotkeyActions);
export const hotkeysStatus = z.object({
  global: z.boolean(),
  registered: z.array(z.object({ action, accelerator: z.string().max(64) })).max(8),
  unavailable: z
    .array(
      z.object({
        action,
        accelerator: z.string().max(64),
        reason: z.enum(['taken', 'duplicate', 'no-modifier', 'invalid']),
      }),
    )
    .max(8),
});
export type HotkeysStatus = z.infer<typeof hotkeysStatus>;

export const hotkeyCalls = {
  'hotkeys.status': { args: z.object({}).strict(), result: hotkeysStatus },
} as const;
export const hotkeyEvents = { hotkeys: hotkeysStatus } as const;
