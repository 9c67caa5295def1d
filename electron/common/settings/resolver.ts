import { isSettingKey, settingKeys, settingsSchema, type SettingKey, type Settings } from './schema';

/** Lowest first. A value from a later layer wins; `policy` also locks the value. */
export const layerOrder = ['default', 'profile', 'user', 'policy'] as const;
export type Layer = (typeof layerOrder)[number];

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
  layer: Exclude<Layer, 'default'>;
  key: string;
  code: 'unknown-key' | 'invalid-value' | 'not-allowed-in-layer';
  detail: string;
}

export interface Resolution {
  settings: ResolvedSettings;
  issues: LayerIssue[];
}

export function resolveSettings(layers: Partial<Record<Exclude<Layer, 'default'>, LayerValues>>): Resolution {
  const issues: LayerIssue[] = [];
  const out = {} as Record<SettingKey, ResolvedSetting>;
  for (const key of settingKeys) {
    out[key] = { value: settingsSchema[key].default, layer: 'default', locked: false };
  }
  for (const layer of ['profile', 'user', 'policy'] as const) {
    const values = layers[layer];
    if (!values) continue;
    for (const [key, raw] of Object.entries(values)) {
      if (!isSettingKey(key)) {
        issues.push({ layer, key, code: 'unknown-key', detail: 'no such setting' });
        continue;
      }
      const def = settingsSchema[key];
      if (
        (layer === 'profile' && !def.profile) ||
        (layer === 'policy' && !def.policy) ||
        (layer === 'user' && !def.user)
      ) {
        issues.push({ layer, key, code: 'not-allowed-in-layer', detail: `${key} cannot be set by ${layer}` });
        continue;
      }
      // A locked value stays locked: the user layer cannot override policy, whatever order callers apply.
      if (out[key].locked) continue;
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
      out[key] = { value: parsed.data as Settings[typeof key], layer, locked: layer === 'policy' };
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
