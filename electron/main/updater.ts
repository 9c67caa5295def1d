import { app, Notification } from 'electron';
import type { AppUpdater } from 'electron-updater';
import { systemClock, type Clock } from '@common/clock';
import { ignorePromise } from '@common/ignore-promise';
import type { Settings } from '@common/settings/schema';
import type { Logger } from '../node/log';
import {
  UpdateController,
  type ActivitySignal,
  type UpdateSettings,
  type UpdaterPort,
} from '../node/updates/update-policy';

/**
 * The Electron side of update control: electron-updater, loaded on first use, driven by the UpdateController
 * (electron/node/updates/update-policy.ts), which decides everything. Nothing here is tested beyond type-checking:
 * the Electron binary cannot run on the development machines.
 */
export interface UpdaterOptions {
  /** The resolved settings (the core's ShellPort.settings): `updates.*` come from IT policy only. */
  settings: {
    get<K extends 'updates.mode' | 'updates.url'>(key: K): Settings[K];
    onChange(listener: () => void): () => void;
  };
  /** Whether a call is live or after-call work runs (see the README of electron/node/updates). */
  activity: ActivitySignal;
  log: Logger;
  clock?: Clock;
}

export function startUpdater(o: UpdaterOptions): () => void {
  // An unpackaged app (npm start) has no feed and nothing to replace.
  if (!app.isPackaged) return () => undefined;
  const read = (): UpdateSettings => ({ mode: o.settings.get('updates.mode'), url: o.settings.get('updates.url') });

  let loaded: Promise<AppUpdater> | undefined;
  const updater = (): Promise<AppUpdater> => {
    loaded ??= import('electron-updater').then(({ autoUpdater }) => {
      autoUpdater.logger = {
        info: (m: unknown) => o.log.info('updater', { detail: String(m) }),
        warn: (m: unknown) => o.log.warn('updater', { detail: String(m) }),
        error: (m: unknown) => o.log.error('updater', { detail: String(m) }),
        debug: (m: unknown) => o.log.debug('updater', { detail: String(m) }),
      };
      autoUpdater.on('update-downloaded', (info) => controller.downloaded(info.version));
      return autoUpdater;
    });
    return loaded;
  };

  const port: UpdaterPort = {
    configure: (setup) => {
      // Off loads nothing: a machine without update policy never touches the library.
      if (!setup.check && loaded === undefined) return;
      ignorePromise(
        updater().then((u) => {
          u.autoDownload = setup.autoDownload;
          u.autoInstallOnAppQuit = setup.autoInstallOnAppQuit;
          // Without a policy URL the feed written into the app at build time (app-update.yml) stays in force;
          // a mirror once set stays until the app restarts (electron-updater cannot unset a feed).
          if (setup.url) u.setFeedURL({ provider: 'generic', url: setup.url });
        }),
        (err) => o.log.error('updater unavailable', { detail: String(err) }),
      );
    },
    check: async () => {
      await (await updater()).checkForUpdates();
    },
    // Silent (no installer UI on Windows), and the app starts again afterwards.
    install: () => ignorePromise(updater().then((u) => u.quitAndInstall(true, true))),
    notify: (version) => {
      new Notification({
        title: 'Diadema update ready',
        body: `Version ${version} is installed the next time you quit Diadema.`,
      }).show();
    },
  };

  const controller = new UpdateController({
    updater: port,
    activity: o.activity,
    clock: o.clock ?? systemClock,
    log: o.log,
  });
  controller.start(read());
  const stopSettings = o.settings.onChange(() => controller.settingsChanged(read()));
  return () => {
    stopSettings();
    controller.stop();
  };
}
