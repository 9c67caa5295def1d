import type { AppInfo } from '@common/contract/app';
import type { ContractHandlers } from '@common/contract/contract';
import type { HotkeyStatus } from '../../hotkeys/hotkey-status';
import type { SecretsPort } from '../../secrets/secrets-port';
import type { SettingsService } from '../../settings/settings-service';

type AppIdentity = Omit<AppInfo, 'secretsStorage'>;

/** What this app is, its settings, and the shortcuts the shell could grab. */
export function appHandlers(d: {
  info: AppIdentity;
  secrets: Pick<SecretsPort, 'kind'>;
  settings: Pick<SettingsService, 'view' | 'set'>;
  hotkeys: Pick<HotkeyStatus, 'get'>;
}): Pick<ContractHandlers, 'app.info' | 'settings.get' | 'settings.set' | 'hotkeys.status'> {
  return {
    'app.info': async () => ({ ...d.info, secretsStorage: d.secrets.kind }),
    'settings.get': async () => d.settings.view(),
    'settings.set': async ({ key, value }) => d.settings.set({ [key]: value }),
    'hotkeys.status': async () => d.hotkeys.get(),
  };
}
