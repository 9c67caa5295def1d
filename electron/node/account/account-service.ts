import { parseAccount, parseServerUrl, type AccountFieldErrors, type AccountForm, type ParsedAccount } from '@common/contract/account';
import type { CallResult } from '@common/contract/contract';
import type { StepReport } from '@common/contract/registration';
import type { Logger } from '../log';
import { checkConnection } from '../phone/connection-check';
import type { RegistrationService } from '../phone/registration-service';
import { sipPasswordSecret, type SecretsPort } from '../secrets/secrets-port';
import type { SettingsService } from '../settings/settings-service';

export interface AccountServiceOptions {
  settings: Pick<SettingsService, 'get' | 'set'>;
  secrets: SecretsPort;
  phone: Pick<RegistrationService, 'configure'>;
  log: Logger;
  userAgentString: string;
}

type AccountFields = Omit<AccountForm, 'password'>;

/**
 * The SIP account: its fields live in the settings (so profile and policy may set them), its password in the
 * secrets port, never in a file the settings layers read. Applying the account reconfigures the phone service.
 */
export class AccountService {
  private domainName: string | undefined;

  constructor(private readonly o: AccountServiceOptions) {}

  /** The account's domain once a valid account is applied (dial targets without one are completed with it). */
  domain(): string | undefined {
    return this.domainName;
  }

  fields(): AccountFields {
    const s = this.o.settings;
    return {
      server: s.get('account.server'),
      user: s.get('account.user'),
      authUser: s.get('account.authUser'),
      displayName: s.get('account.displayName'),
    };
  }

  async view(): Promise<CallResult<'account.get'>> {
    return { ...this.fields(), hasPassword: Boolean(await this.password()) };
  }

  /** Validates, stores and applies the form; an invalid form changes nothing and says which fields are wrong. */
  async save(form: AccountForm): Promise<CallResult<'account.save'>> {
    const parsed = parseAccount(form);
    if (!parsed.ok) {
      const errors = parsed.errors as Record<string, NonNullable<AccountFieldErrors[keyof AccountFieldErrors]>>;
      return { ok: false, errors, hasPassword: Boolean(await this.password()) };
    }
    await this.o.settings.set({
      'account.server': form.server.trim(),
      'account.user': form.user.trim(),
      'account.authUser': form.authUser.trim(),
      'account.displayName': form.displayName.trim(),
    });
    if (form.password) await this.o.secrets.set(sipPasswordSecret, form.password);
    const { password } = await this.apply();
    return { ok: true, hasPassword: password.length > 0 };
  }

  /** Hands the current account (or none, when it is incomplete) to the phone service. */
  async apply(): Promise<{ account: ParsedAccount | undefined; password: string }> {
    // An ordered server list (policy, team profile) replaces the single server; its first entry is the primary.
    const list = this.o.settings.get('account.servers');
    const fields = this.fields();
    const parsed = parseAccount(list.length > 0 ? { ...fields, server: list[0]! } : fields);
    const password = await this.password();
    const account = parsed.ok ? withServers(parsed.account, list) : undefined;
    this.domainName = account?.domain;
    await this.o.phone.configure(account, password);
    return { account, password };
  }

  /** *Test connection*: a separate, throw-away registration that reports each step as it finishes. */
  async testConnection(onStep: (s: StepReport) => void): Promise<CallResult<'account.testConnection'>> {
    const result = await checkConnection(
      { ...this.fields(), password: await this.password() },
      {
        log: this.o.log,
        onStep,
        userAgentString: this.o.userAgentString,
      },
    );
    return { registered: result.registered, steps: result.steps };
  }

  private async password(): Promise<string> {
    return (await this.o.secrets.get(sipPasswordSecret)) ?? '';
  }
}

/** The account with its normalised, de-duplicated server list (first = the primary); unchanged with fewer than two. */
function withServers(account: ParsedAccount, list: readonly string[]): ParsedAccount {
  const servers = [...new Set(list.map((s) => parseServerUrl(s)?.href).filter((s): s is string => Boolean(s)))];
  return servers.length > 1 ? { ...account, servers } : account;
}
