import type { SettingsView } from '@common/contract/settings';

/**
 * Whether the app should open on first-run setup: no server (neither `account.server` nor `account.servers`) and no
 * user, as the core resolves them (a policy or team profile that sets the server counts as configured). Undefined
 * while the settings are not known, and when the core's view does not carry the account keys at all. Kept apart
 * from the setup itself so the first view can decide without loading the setup's code.
 */
export function needsFirstRun(view: SettingsView | undefined): boolean | undefined {
  if (!view) return undefined;
  const server = view.settings['account.server'];
  const servers = view.settings['account.servers'];
  const user = view.settings['account.user'];
  if (!server || !user) return undefined;
  const empty = (v: unknown) => v === '' || v === null || (Array.isArray(v) && v.length === 0);
  return empty(server.value) && empty(servers?.value ?? []) && empty(user.value);
}
