import { z } from 'zod';
import { stepReport } from './registration';

/** Field-level validation codes; the renderer translates them (i18n keys `account.error.<code>`). */
export const accountFieldError = z.enum([
  'required',
  'bad-url',
  'bad-scheme',
  'insecure-remote',
  'bad-user',
  'too-long',
  'bad-characters',
]);
export type AccountFieldError = z.infer<typeof accountFieldError>;

export const accountForm = z.object({
  server: z.string().max(2048),
  user: z.string().max(256),
  authUser: z.string().max(256),
  displayName: z.string().max(128),
  /** Absent: keep the stored password. Never logged, never written to settings. */
  password: z.string().max(256).optional(),
});
export type AccountForm = z.infer<typeof accountForm>;
export type AccountFieldErrors = Partial<Record<keyof AccountForm, AccountFieldError>>;

/** The stored account as the settings screen shows it; the password itself never leaves the core. */
export const accountView = z.object({
  server: z.string(),
  user: z.string(),
  authUser: z.string(),
  displayName: z.string(),
  hasPassword: z.boolean(),
});
export type AccountView = z.infer<typeof accountView>;
export const accountSaveResult = z.object({
  ok: z.boolean(),
  errors: z.record(z.string(), accountFieldError).optional(),
  hasPassword: z.boolean(),
});
export type AccountSaveResult = z.infer<typeof accountSaveResult>;
export const connectionTestResult = z.object({ registered: z.boolean(), steps: z.array(stepReport) });
export type ConnectionTestResult = z.infer<typeof connectionTestResult>;

export const accountCalls = {
  'account.save': { args: accountForm.strict(), result: accountSaveResult },
  'account.get': { args: z.object({}).strict(), result: accountView },
  /** *Test connection*: each step is also sent as a `connection.step` event while it runs. */
  'account.testConnection': { args: z.object({}).strict(), result: connectionTestResult },
} as const;

export const accountEvents = {
  'connection.step': stepReport,
} as const;

export interface ParsedAccount {
  /** WebSocket URL as given, normalised. */
  server: string;
  host: string;
  secure: boolean;
  /**
   * Every server in order of preference, `server` first (`account.servers`); absent or one entry: `server` only.
   * The phone fails over along this list and back to the first.
   */
  servers?: readonly string[];
  /** `sip:user@domain` */
  aor: string;
  userPart: string;
  domain: string;
  authUser: string;
  displayName: string;
}

const loopbackHost = (host: string) =>
  host === 'localhost' || host === '[::1]' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);

// User part of a SIP URI: unreserved and a few user-unreserved marks (RFC 3261 §25.1), no escapes needed here.
const userPartRe = /^[A-Za-z0-9\-_.!~*'()&=+$,;?/]{1,128}$/;
const domainRe =
  /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*)(?::\d{1,5})?$/;
// Control characters and quotes would let a display name break out of its SIP header.
const controlOrQuote = /[\u0000-\u001f\u007f"\\]/;

interface ServerUrl {
  href: string;
  hostname: string;
  secure: boolean;
}

// The WHATWG URL class is not part of the pure runtime this folder targets, and a WebSocket URL is simple enough
// to check exactly: scheme, host (name, IPv4 or bracketed IPv6), optional port, optional path.
const serverUrlRe =
  /^(wss?):\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}[A-Za-z0-9])?)(?::(\d{1,5}))?(\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*)?$/i;
export function parseServerUrl(text: string): ServerUrl | undefined {
  const m = serverUrlRe.exec(text);
  if (!m) return undefined;
  const [, scheme, host, port, path] = m as unknown as [string, string, string, string | undefined, string | undefined];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return undefined;
  const hostname = host.toLowerCase();
  return {
    href: `${scheme.toLowerCase()}://${hostname}${port ? `:${port}` : ''}${path ?? ''}`,
    hostname,
    secure: scheme.toLowerCase() === 'wss',
  };
}

/**
 * Validates the account fields the way the agent typed them. `--user` / the SIP address field takes either a full
 * SIP address (`sip:1001@example.org`, `1001@example.org`) or an extension, whose domain is the server's host.
 */
export function parseAccount(
  form: Omit<AccountForm, 'password'>,
): { ok: true; account: ParsedAccount } | { ok: false; errors: AccountFieldErrors } {
  const errors: AccountFieldErrors = {};
  const serverText = form.server.trim();
  let url: ServerUrl | undefined;
  if (!serverText) errors.server = 'required';
  else {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(serverText)?.[1]?.toLowerCase();
    url = parseServerUrl(serverText);
    if (scheme && scheme !== 'ws' && scheme !== 'wss') errors.server = 'bad-scheme';
    else if (!url) errors.server = 'bad-url';
    else if (!url.secure && !loopbackHost(url.hostname)) errors.server = 'insecure-remote';
  }
  const userText = form.user.trim().replace(/^sips?:/i, '');
  let userPart = '';
  let domain = '';
  if (!userText) errors.user = 'required';
  else {
    const at = userText.lastIndexOf('@');
    userPart = at >= 0 ? userText.slice(0, at) : userText;
    domain = at >= 0 ? userText.slice(at + 1) : (url?.hostname ?? '');
    if (!userPartRe.test(userPart) || (at >= 0 && !domainRe.test(domain))) errors.user = 'bad-user';
  }
  const authUser = form.authUser.trim();
  if (authUser && !userPartRe.test(authUser)) errors.authUser = 'bad-user';
  const displayName = form.displayName.trim();
  if (controlOrQuote.test(displayName)) errors.displayName = 'bad-characters';
  if (Object.keys(errors).length > 0 || !url) return { ok: false, errors };
  return {
    ok: true,
    account: {
      server: url.href,
      host: url.hostname,
      secure: url.secure,
      aor: `sip:${userPart}@${domain}`,
      userPart,
      domain,
      authUser: authUser || userPart,
      displayName,
    },
  };
}

/**
 * The account on another of its servers (failover): the same identity, that server's URL, host and security. The
 * domain stays the account's own, so the address of record does not change with the server.
 */
export function onServer(account: ParsedAccount, server: string): ParsedAccount {
  const url = parseServerUrl(server);
  if (!url) return account;
  return { ...account, server: url.href, host: url.hostname, secure: url.secure };
}
