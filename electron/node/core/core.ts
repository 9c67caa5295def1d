import path from 'node:path';
import { parseAccount, type AccountFieldErrors } from '../../common/contract/account';
import type { ContractHandlers, EventSink } from '../../common/contract/contract';
import { ContractError } from '../../common/contract/errors';
import type { Logger } from '../log';
import { checkConnection } from '../phone/connection-check';
import { PhoneService, type PhoneServiceOptions } from '../phone/phone-service';
import { installWebSocketGlobal } from '../phone/sip-websocket';
import { sipPasswordSecret, type SecretsPort } from '../secrets/secrets-port';
import { jsonFileLayer, type LayerSource } from '../settings/layer-source';
import { SettingsService } from '../settings/settings-service';

export interface CoreOptions {
  shell: 'electron' | 'browser';
  version: string;
  /** Per-user data directory (settings, notes database, browser-host secrets). */
  dataDir: string;
  secrets: SecretsPort;
  log: Logger;
  /** IT policy source; the shells pass the platform's (registry, managed preferences, /etc/diadema/policy.json). */
  policy?: LayerSource;
  profile?: LayerSource;
  phone?: Partial<PhoneServiceOptions>;
}

export interface Core {
  handlers: ContractHandlers;
  /** Each connected renderer subscribes; events fan out to all of them. */
  subscribe(sink: EventSink): () => void;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Shell hooks for the phone service. */
  networkChanged(): void;
  resumed(): void;
  readonly phone: PhoneService;
  readonly settings: SettingsService;
}

/** The composition root: every service of the main process is created and wired here, and only here. */
export function createCore(o: CoreOptions): Core {
  installWebSocketGlobal();
  const sinks = new Set<EventSink>();
  const emit: EventSink = (name, payload) => { for (const s of sinks) s(name, payload); };
  const userFile = path.join(o.dataDir, 'settings.json');
  const settings = new SettingsService({
    userFile, user: jsonFileLayer('user', userFile, { quarantineDamaged: true }),
    profile: o.profile, policy: o.policy, log: o.log,
  });
  const phone = new PhoneService({ log: o.log, userAgentString: `Diadema/${o.version}`, ...o.phone });
  phone.onChange((s) => emit('registration', s));
  settings.onChange((v) => emit('settings', v));

  const accountForm = () => ({
    server: settings.get('account.server'), user: settings.get('account.user'),
    authUser: settings.get('account.authUser'), displayName: settings.get('account.displayName'),
  });
  const applyAccount = async () => {
    const parsed = parseAccount(accountForm());
    const password = (await o.secrets.get(sipPasswordSecret)) ?? '';
    await phone.configure(parsed.ok ? parsed.account : undefined, password);
    return { parsed, password };
  };

  const handlers: ContractHandlers = {
    'app.info': async () => ({ shell: o.shell, version: o.version, secretsStorage: o.secrets.kind }),
    'settings.get': async () => settings.view(),
    'settings.set': async ({ key, value }) => settings.set({ [key]: value }),
    'account.get': async () => ({ ...accountForm(), hasPassword: Boolean(await o.secrets.get(sipPasswordSecret)) }),
    'account.save': async (form) => {
      const parsed = parseAccount(form);
      if (!parsed.ok) return { ok: false, errors: parsed.errors as Record<string, NonNullable<AccountFieldErrors[keyof AccountFieldErrors]>>, hasPassword: Boolean(await o.secrets.get(sipPasswordSecret)) };
      await settings.set({
        'account.server': form.server.trim(), 'account.user': form.user.trim(),
        'account.authUser': form.authUser.trim(), 'account.displayName': form.displayName.trim(),
      });
      if (form.password) await o.secrets.set(sipPasswordSecret, form.password);
      const { password } = await applyAccount();
      return { ok: true, hasPassword: password.length > 0 };
    },
    'account.testConnection': async () => {
      const password = (await o.secrets.get(sipPasswordSecret)) ?? '';
      const result = await checkConnection({ ...accountForm(), password }, { log: o.log, onStep: (s) => emit('connection.step', s), userAgentString: `Diadema/${o.version}` });
      return { registered: result.registered, steps: result.steps };
    },
    'phone.register': async () => {
      const { parsed, password } = await applyAccount();
      if (!parsed.ok || !password) throw new ContractError('invalid-account');
      return phone.register();
    },
    'phone.unregister': async () => phone.unregister(),
    'phone.registration': async () => phone.snapshot(),
  };

  return {
    handlers, phone, settings,
    subscribe(sink) { sinks.add(sink); return () => sinks.delete(sink); },
    async start() {
      await settings.load();
      const { parsed, password } = await applyAccount();
      if (parsed.ok && password) void phone.register();
    },
    async stop() { await phone.dispose(); },
    networkChanged: () => phone.networkChanged(),
    resumed: () => phone.resumed(),
  };
}
