import type { ProfileDraft } from '../contract/profile';
import { layerMayCarry } from '../settings/resolver';
import { settingKeys, settingsSchema, type SettingKey } from '../settings/schema';

/** The settings a team profile may carry, in schema order. */
export const profileKeys: readonly SettingKey[] = settingKeys.filter((k) => layerMayCarry('team', k));

/** Each profile setting's one-line description (what `diadema profile init` writes beside the values). */
export function profileDescriptions(): Record<string, string> {
  return Object.fromEntries(profileKeys.map((k) => [k, settingsSchema[k].description]));
}

/**
 * A draft to start from: every setting a profile may carry, as a default at its built-in value, nothing enforced.
 * The team lead deletes what the team should not get, and moves what agents must not change into `enforced`.
 */
export function starterDraft(o: { team: string; author: string; version?: number }): ProfileDraft {
  return {
    team: o.team,
    version: o.version ?? 1,
    author: o.author,
    defaults: Object.fromEntries(profileKeys.map((k) => [k, settingsSchema[k].default])),
    enforced: {},
  };
}
