import { z } from 'zod';

/**
 * The resolved settings as a renderer sees them: every value with the layer it came from (default, team default,
 * the agent's own, team-enforced, IT policy) and whether it is locked (team-enforced or IT policy), plus the problems met while reading the layers (a damaged file, a value a layer may not carry).
 */
export const settingLayer = z.enum(['default', 'team', 'user', 'team-locked', 'policy']);
export const resolvedSettings = z.record(
  z.string(),
  z.object({ value: z.unknown(), layer: settingLayer, locked: z.boolean() }),
);
export const settingsIssue = z.object({ layer: z.string(), key: z.string(), code: z.string(), detail: z.string() });
export type SettingsIssue = z.infer<typeof settingsIssue>;
export const settingsView = z.object({
  settings: resolvedSettings,
  issues: z.array(settingsIssue),
});
export type SettingsView = z.infer<typeof settingsView>;

export const settingsCalls = {
  'settings.get': { args: z.object({}).strict(), result: settingsView },
  /** Writes the agent's own layer; unknown keys, invalid values and policy-locked keys are refused. */
  'settings.set': { args: z.object({ key: z.string().max(128), value: z.unknown() }).strict(), result: settingsView },
} as const;

export const settingsEvents = {
  settings: settingsView,
} as const;
