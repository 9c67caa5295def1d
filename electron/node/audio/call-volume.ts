import type { Logger } from '../log';
import type { SettingsService } from '../settings/settings-service';

/** One headset volume press moves the call volume by this many percent. */
export const callVolumeStep = 10;

export const nextCallVolume = (current: number, step: 1 | -1): number =>
  Math.min(100, Math.max(0, Math.round(current / callVolumeStep) * callVolumeStep + step * callVolumeStep));

/**
 * Headset volume buttons change the call volume the agent hears. The value lives in the agent's settings, so the
 * renderer applies it to every call's audio and it survives a restart; IT may lock it by policy, and then a press
 * changes nothing (it still shows on the headset check screen). Presses are applied one after another, so a
 * quick double press moves two steps.
 */
export function callVolumeControl(settings: SettingsService, log: Logger): (step: 1 | -1) => Promise<number> {
  let queue: Promise<unknown> = Promise.resolve();
  const apply = async (step: 1 | -1): Promise<number> => {
    const current = settings.get('audio.callVolume');
    if (settings.view().settings['audio.callVolume']?.locked) {
      log.info('call volume is locked by policy; headset volume press ignored', { step });
      return current;
    }
    const next = nextCallVolume(current, step);
    if (next !== current) await settings.set({ 'audio.callVolume': next });
    return next;
  };
  return (step) => {
    const done = queue.then(() => apply(step));
    queue = done.catch((err: unknown) => log.warn('call volume not saved', { err: String(err) }));
    return done;
  };
}
