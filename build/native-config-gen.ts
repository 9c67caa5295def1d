import { z } from 'zod';
import { settingKeys, settingsSchema, type SettingKey } from '../electron/common/settings/schema';

/**
 * Generates what IT and team leads receive from the one settings schema: JSON Schemas for the Linux policy file
 * and for team profiles, a Linux policy example, Windows ADMX/ADML templates and a macOS configuration profile.
 * `node build/native-config.mjs --check` fails when the committed files drift from the schema.
 */
const policyKeys = settingKeys.filter((k) => settingsSchema[k].policy);
const profileKeys = settingKeys.filter((k) => settingsSchema[k].profile);

function jsonSchema(keys: SettingKey[], title: string): string {
  const shape = Object.fromEntries(keys.map((k) => [k, settingsSchema[k].schema.describe(settingsSchema[k].description)]));
  const schema = z.toJSONSchema(z.object(shape).partial().strict());
  return `${JSON.stringify({ ...schema, title }, null, 2)}\n`;
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const policyId = (k: string) => k.replace(/\.(\w)/g, (_, c: string) => c.toUpperCase()).replace(/^\w/, (c) => c.toUpperCase());

function admxElement(k: SettingKey): string {
  const s = settingsSchema[k].schema;
  const id = policyId(k);
  if (s instanceof z.ZodBoolean) return `<enabledValue><decimal value="1"/></enabledValue><disabledValue><decimal value="0"/></disabledValue>`;
  if (s instanceof z.ZodEnum) {
    const items = (s.options as string[]).map((o) => `<item displayName="$(string.${id}_${o.replace(/[^A-Za-z0-9]/g, '_')})"><value><string>${xml(o)}</string></value></item>`).join('');
    return `<elements><enum id="${id}" valueName="${k}">${items}</enum></elements>`;
  }
  if (s instanceof z.ZodNumber || s instanceof z.ZodLiteral) return `<elements><decimal id="${id}" valueName="${k}"/></elements>`;
  // Strings as text; lists and objects as JSON text, parsed and validated by the app like any other layer.
  return `<elements><text id="${id}" valueName="${k}"/></elements>`;
}

function admx(): string {
  const policies = policyKeys.map((k) => {
    const id = policyId(k);
    return `    <policy name="${id}" class="Both" displayName="$(string.${id})" explainText="$(string.${id}_Explain)" presentation="$(presentation.${id})" key="SOFTWARE\\Policies\\Diadema" valueName="${k}">
      <parentCategory ref="Diadema"/><supportedOn ref="SUPPORTED_Diadema"/>${admxElement(k)}
    </policy>`;
  }).join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<!-- Generated from electron/common/settings/schema.ts by build/native-config.mjs. Do not edit. -->
<policyDefinitions revision="1.0" schemaVersion="1.0">
  <policyNamespaces><target prefix="diadema" namespace="Diadema.Policies"/></policyNamespaces>
  <resources minRequiredRevision="1.0"/>
  <supportedOn><definitions><definition name="SUPPORTED_Diadema" displayName="$(string.SUPPORTED_Diadema)"/></definitions></supportedOn>
  <categories><category name="Diadema" displayName="$(string.Diadema)"/></categories>
  <policies>
${policies}
  </policies>
</policyDefinitions>
`;
}

function adml(lang: 'en-US' | 'es-ES'): string {
  const strings = policyKeys.flatMap((k) => {
    const id = policyId(k);
    const s = settingsSchema[k].schema;
    const enumStrings = s instanceof z.ZodEnum ? (s.options as string[]).map((o) => `<string id="${id}_${o.replace(/[^A-Za-z0-9]/g, '_')}">${xml(o)}</string>`) : [];
    const explain = lang === 'es-ES' ? `${settingsSchema[k].description} (ajuste ${k}; bloqueado para el agente)` : `${settingsSchema[k].description} (setting ${k}; locked for the agent)`;
    return [`<string id="${id}">${xml(k)}</string>`, `<string id="${id}_Explain">${xml(explain)}</string>`, ...enumStrings];
  });
  const presentations = policyKeys.map((k) => {
    const id = policyId(k);
    const s = settingsSchema[k].schema;
    if (s instanceof z.ZodBoolean) return `<presentation id="${id}"/>`;
    if (s instanceof z.ZodEnum) return `<presentation id="${id}"><dropdownList refId="${id}">${xml(k)}</dropdownList></presentation>`;
    if (s instanceof z.ZodNumber || s instanceof z.ZodLiteral) return `<presentation id="${id}"><decimalTextBox refId="${id}">${xml(k)}</decimalTextBox></presentation>`;
    return `<presentation id="${id}"><textBox refId="${id}"><label>${xml(k)}</label></textBox></presentation>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<!-- Generated from electron/common/settings/schema.ts by build/native-config.mjs. Do not edit. -->
<policyDefinitionResources revision="1.0" schemaVersion="1.0">
  <displayName>Diadema</displayName><description>Diadema</description>
  <resources>
    <stringTable>
      <string id="Diadema">Diadema</string>
      <string id="SUPPORTED_Diadema">Diadema 0.1+</string>
      ${strings.join('\n      ')}
    </stringTable>
    <presentationTable>
      ${presentations.join('\n      ')}
    </presentationTable>
  </resources>
</policyDefinitionResources>
`;
}

function plistValue(v: unknown): string {
  if (typeof v === 'boolean') return v ? '<true/>' : '<false/>';
  if (typeof v === 'number') return `<integer>${v}</integer>`;
  return `<string>${xml(typeof v === 'string' ? v : JSON.stringify(v))}</string>`;
}

function mobileconfig(): string {
  const example: Partial<Record<SettingKey, unknown>> = { 'account.server': 'wss://sip.example.org/ws', 'ui.language': 'es-MX', 'acw.mode': 'mandatory-timed', 'acw.durationSec': 90 };
  const entries = Object.entries(example).map(([k, v]) => `        <key>${k}</key>${plistValue(v)}`).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by build/native-config.mjs: an example managed-preferences profile; keys are the setting keys. -->
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>PayloadContent</key>
  <array>
    <dict>
      <key>PayloadType</key><string>org.diadema.softphone</string>
      <key>PayloadIdentifier</key><string>org.diadema.softphone.policy</string>
      <key>PayloadUUID</key><string>6F1B6C1E-2D7A-4B8E-9D55-3A1C0E7B9F10</string>
      <key>PayloadVersion</key><integer>1</integer>
${entries}
    </dict>
  </array>
  <key>PayloadDisplayName</key><string>Diadema policy</string>
  <key>PayloadIdentifier</key><string>org.diadema.softphone.profile</string>
  <key>PayloadType</key><string>Configuration</string>
  <key>PayloadUUID</key><string>0D0B5A43-8E55-4F0B-9C61-2B7F5E1A3C22</string>
  <key>PayloadVersion</key><integer>1</integer>
</dict>
</plist>
`;
}

export function generateNativeConfig(): Record<string, string> {
  const linuxExample = { 'account.server': 'wss://sip.example.org/ws', 'ui.language': 'es-MX', 'acw.mode': 'mandatory-timed', 'acw.durationSec': 90, 'calls.rejectCode': 603 };
  return {
    'policy.schema.json': jsonSchema(policyKeys, 'Diadema IT policy (/etc/diadema/policy.json, registry, managed preferences)'),
    'profile.schema.json': jsonSchema(profileKeys, 'Diadema team profile'),
    'linux/policy.example.json': `${JSON.stringify(linuxExample, null, 2)}\n`,
    'windows/diadema.admx': admx(),
    'windows/en-US/diadema.adml': adml('en-US'),
    'windows/es-ES/diadema.adml': adml('es-ES'),
    'macos/org.diadema.softphone.mobileconfig': mobileconfig(),
  };
}
