import { isSettingKey, settingKeys, settingsSchema, type SettingKey, type Settings } from './schema';

/**
 * Lowest first. A value from a later layer wins. `team` holds the team profile's defaults (the agent may change
 * them), `team-locked` its enforced values, `policy` IT's; the last two also lock the value.
 */
export const layerOrder = ['default', 'team', 'user', 'team-locked', 'policy'] as const;
export type Layer = (typeof layerOrder)[number];
export type SettableLayer = Exclude<Layer, 'default'>;
const lockingLayers: ReadonlySet<Layer> = new Set(['team-locked', 'policy']);

/** May this layer carry this setting at all? (Credentials never travel in profiles; updates are IT's alone.) */
export function layerMayCarry(layer: SettableLayer, key: SettingKey): boolean {
  const def = settingsSchema[key];
  if (layer === 'team' || layer === 'team-locked') return def.profile;
  return layer === 'policy' ? def.policy : def.user;
}

/** A layer as stored or received: untrusted key → value pairs, validated here and never trusted blindly. */
export type LayerValues = Readonly<Record<string, unknown>>;

export interface ResolvedSetting<K extends SettingKey = SettingKey> {
  value: Settings[K];
  layer: Layer;
  locked: boolean;
}
export type ResolvedSettings = { [K in SettingKey]: ResolvedSetting<K> };

/** A value a layer carried that could not be used; the layer below wins for that key and nothing else is lost. */
export interface LayerIssue {
  layer: SettableLayer;
  key: string;
  code: 'unknown-key' | 'invalid-value' | 'not-allowed-in-layer';
  detail: string;
}

export interface Resolution {
  settings: ResolvedSettings;
  issues: LayerIssue[];
}

export function resolveSettings(layers: Partial<Record<SettableLayer, LayerValues>>): Resolution {
  const issues: LayerIssue[] = [];
  const out = {} as Record<SettingKey, ResolvedSetting>;
  for (const key of settingKeys) {
    out[key] = { value: settingsSchema[key].default, layer: 'default', locked: false };
  }
  for (const layer of ['team', 'user', 'team-locked', 'policy'] as const) {
    const values = layers[layer];
    if (!values) continue;
    for (const [key, raw] of Object.entries(values)) {
      if (!isSettingKey(key)) {
        issues.push({ layer, key, code: 'unknown-key', detail: 'no such setting' });
        continue;
      }
      const def = settingsSchema[key];
      if (!layerMayCarry(layer, key)) {
        issues.push({ layer, key, code: 'not-allowed-in-layer', detail: `${key} cannot be set by ${layer}` });
        continue;
      }
      // Layers apply in order, so a locked value is only ever replaced by a higher locking layer (policy over
      // team-enforced); the user layer never overrides either.
      if (out[key].locked && !lockingLayers.has(layer)) continue;
      const parsed = def.schema.safeParse(raw);
      if (!parsed.success) {
        issues.push({
          layer,
          key,
          code: 'invalid-value',
          detail: parsed.error.issues.map((i) => i.message).join('; '),
        });
        continue;
      }
      out[key] = { value: parsed.data as Settings[typeof key], layer, locked: lockingLayers.has(layer) };
    }
  }
  return { settings: out as ResolvedSettings, issues };
}

/** The plain values, for code that does not care where a value came from. */
export function settingValues(resolved: ResolvedSettings): Settings {
  const out = {} as Record<SettingKey, unknown>;
  for (const key of settingKeys) out[key] = resolved[key].value;
  return out as Settings;
}
