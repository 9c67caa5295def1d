import { settingsSchema, type SettingKey, type Settings } from '@common/settings/schema';
import { useApp } from './context';

/** A resolved setting's value as the core reports it, or the schema's default until settings have loaded. */
export function useSetting<K extends SettingKey>(key: K): Settings[K] {
  const v = useApp((s) => s.settings?.settings[key]?.value);
  const parsed = settingsSchema[key].schema.safeParse(v);
  return (parsed.success ? parsed.data : settingsSchema[key].default) as Settings[K];
}
