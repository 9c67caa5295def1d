import { z } from 'zod';
import { policyLocations } from '../electron/common/settings/policy-locations';
import { choiceLabels, itPhrases, spanishDescriptions, type ItLanguage } from '../electron/common/settings/it-texts';
import { settingKeys, settingsSchema, type SettingKey } from '../electron/common/settings/schema';

/**
 * Generates what IT and team leads receive from the one settings schema: JSON Schemas for the Linux policy file
 * and for team profiles, a Linux policy example, Windows ADMX/ADML templates and a macOS configuration profile.
 * `node build/native-config.mjs --check` fails when the committed files drift from the schema.
 */
const policyKeys = settingKeys.filter((k) => settingsSchema[k].policy);
const profileKeys = settingKeys.filter((k) => settingsSchema[k].profile);

function jsonSchema(keys: SettingKey[], title: string): string {
  const shape = Object.fromEntries(
    keys.map((k) => [k, settingsSchema[k].schema.describe(settingsSchema[k].description)]),
  );
  const schema = z.toJSONSchema(z.object(shape).partial().strict());
  return `${JSON.stringify({ ...schema, title }, null, 2)}\n`;
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const policyId = (k: string) =>
  k.replace(/\.(\w)/g, (_, c: string) => c.toUpperCase()).replace(/^\w/, (c) => c.toUpperCase());
const choiceId = (k: string, v: string | number) => `${policyId(k)}_${String(v).replace(/[^A-Za-z0-9]/g, '_')}`;

/** A JSON Schema of one setting, as zod writes it: what the ADMX fields and their limits are derived from. */
interface Js {
  type?: string;
  enum?: (string | number)[];
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  maxItems?: number;
  items?: Js;
}
/** How one setting is entered in Group Policy, and so how it is stored (see electron/node/settings/native-policy-values.ts). */
type Field =
  | { kind: 'boolean' }
  | { kind: 'enum'; values: (string | number)[] }
  | { kind: 'number'; min: number; max: number }
  | { kind: 'text'; maxLength: number }
  | { kind: 'lines'; maxItems: number; itemMaxLength: number }
  | { kind: 'json'; maxLength: number };

// Windows' own limit for a text box when nothing narrower is known; a longer JSON list belongs in a team profile.
const jsonTextLimit = 4096;

function fieldOf(k: SettingKey): Field {
  const js = z.toJSONSchema(settingsSchema[k].schema) as Js;
  if (js.type === 'boolean') return { kind: 'boolean' };
  if (js.enum) return { kind: 'enum', values: js.enum };
  if (js.type === 'integer' || js.type === 'number') {
    if (js.minimum === undefined || js.maximum === undefined || js.minimum < 0)
      throw new Error(`${k}: a number policy needs a non-negative range`);
    return { kind: 'number', min: js.minimum, max: js.maximum };
  }
  if (js.type === 'string') return { kind: 'text', maxLength: js.maxLength ?? 1023 };
  if (js.type === 'array' && js.items?.type === 'string') {
    return { kind: 'lines', maxItems: js.maxItems ?? 64, itemMaxLength: js.items.maxLength ?? 64 };
  }
  return { kind: 'json', maxLength: jsonTextLimit };
}

function admxElement(k: SettingKey, f: Field): string {
  const id = policyId(k);
  switch (f.kind) {
    // The one policy without an element: the policy's own value, REG_DWORD 1 or 0.
    case 'boolean':
      return '<enabledValue><decimal value="1"/></enabledValue><disabledValue><decimal value="0"/></disabledValue>';
    case 'enum': {
      const items = f.values
        .map(
          (v) =>
            `<item displayName="$(string.${choiceId(k, v)})"><value>${
              typeof v === 'number' ? `<longDecimal value="${v}"/>` : `<string>${xml(v)}</string>`
            }</value></item>`,
        )
        .join('');
      return `<elements><enum id="${id}" valueName="${k}" required="true">${items}</enum></elements>`;
    }
    // REG_QWORD (longDecimal), the number type the policy reader reads.
    case 'number':
      return `<elements><longDecimal id="${id}" valueName="${k}" required="true" minValue="${f.min}" maxValue="${f.max}"/></elements>`;
    case 'text':
      return `<elements><text id="${id}" valueName="${k}" maxLength="${f.maxLength}"/></elements>`;
    // REG_MULTI_SZ, one item a string.
    case 'lines':
      return `<elements><multiText id="${id}" valueName="${k}" maxStrings="${f.maxItems}" maxLength="${f.maxItems * (f.itemMaxLength + 1)}"/></elements>`;
    case 'json':
      return `<elements><text id="${id}" valueName="${k}" maxLength="${f.maxLength}"/></elements>`;
  }
}

function admx(): string {
  const policies = policyKeys
    .map((k) => {
      const id = policyId(k);
      const f = fieldOf(k);
      // Only a policy without elements names its value itself; an element names it, never both.
      const valueName = f.kind === 'boolean' ? ` valueName="${k}"` : '';
      return `    <policy name="${id}" class="Both" displayName="$(string.${id})" explainText="$(string.${id}_Explain)" presentation="$(presentation.${id})" key="${policyLocations.windowsRegistryKey}"${valueName}>
      <parentCategory ref="Diadema"/><supportedOn ref="SUPPORTED_Diadema"/>${admxElement(k, f)}
    </policy>`;
    })
    .join('\n');
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

const description = (k: SettingKey, lang: ItLanguage) =>
  lang === 'es-ES' ? spanishDescriptions[k] : settingsSchema[k].description;
const shown = (v: unknown, lang: ItLanguage) =>
  v === '' ? itPhrases[lang].emptyText : typeof v === 'string' ? v : JSON.stringify(v);
const choiceLabel = (k: SettingKey, v: string | number, lang: ItLanguage) => {
  const label = choiceLabels[k]?.[String(v)]?.[lang];
  if (!label)
    throw new Error(`${k}: no ${lang} label for the choice ${String(v)} (electron/common/settings/it-texts.ts)`);
  return label;
};

function explain(k: SettingKey, f: Field, lang: ItLanguage): string {
  const p = itPhrases[lang];
  const dflt = settingsSchema[k].default as unknown;
  const parts = [`${description(k, lang)}.`, p.setting(k)];
  if (f.kind === 'boolean') parts.push(p.boolean, p.byDefault(shown(dflt, lang)));
  if (f.kind === 'enum') parts.push(p.byDefault(choiceLabel(k, dflt as string | number, lang)));
  if (f.kind === 'number') parts.push(p.range(f.min, f.max), p.byDefault(String(dflt)));
  if (f.kind === 'text') parts.push(p.maxLength(f.maxLength), p.byDefault(shown(dflt, lang)));
  if (f.kind === 'lines')
    parts.push(p.oneALine, p.maxItems(f.maxItems), p.byDefault((dflt as string[]).join(', ') || p.emptyText));
  if (f.kind === 'json') parts.push(p.jsonList(JSON.stringify(dflt)));
  parts.push(p.locked);
  return parts.join(' ');
}

function presentation(k: SettingKey, f: Field, lang: ItLanguage): string {
  const id = policyId(k);
  const p = itPhrases[lang];
  const dflt = settingsSchema[k].default as unknown;
  switch (f.kind) {
    case 'boolean':
      return `<presentation id="${id}"/>`;
    case 'enum':
      return `<presentation id="${id}"><dropdownList refId="${id}" noSort="true" defaultItem="${f.values.indexOf(dflt as string | number)}">${xml(p.choice)}</dropdownList></presentation>`;
    case 'number':
      return `<presentation id="${id}"><longDecimalTextBox refId="${id}" defaultValue="${String(dflt)}">${xml(p.value)}</longDecimalTextBox><text>${xml(p.range(f.min, f.max))}</text></presentation>`;
    case 'text':
      return `<presentation id="${id}"><textBox refId="${id}"><label>${xml(p.value)}</label>${
        dflt ? `<defaultValue>${xml(String(dflt))}</defaultValue>` : ''
      }</textBox></presentation>`;
    case 'lines':
      return `<presentation id="${id}"><multiTextBox refId="${id}">${xml(p.value)}</multiTextBox><text>${xml(`${p.oneALine} ${p.maxItems(f.maxItems)}`)}</text></presentation>`;
    case 'json':
      return `<presentation id="${id}"><textBox refId="${id}"><label>${xml(p.value)}</label><defaultValue>${xml(JSON.stringify(dflt))}</defaultValue></textBox><text>${xml(p.jsonList(JSON.stringify(dflt)))}</text></presentation>`;
  }
}

function adml(lang: ItLanguage): string {
  const p = itPhrases[lang];
  const strings = policyKeys.flatMap((k) => {
    const id = policyId(k);
    const f = fieldOf(k);
    const choices =
      f.kind === 'enum'
        ? f.values.map((v) => `<string id="${choiceId(k, v)}">${xml(choiceLabel(k, v, lang))}</string>`)
        : [];
    return [
      `<string id="${id}">${xml(description(k, lang))}</string>`,
      `<string id="${id}_Explain">${xml(explain(k, f, lang))}</string>`,
      ...choices,
    ];
  });
  const presentations = policyKeys.map((k) => presentation(k, fieldOf(k), lang));
  return `<?xml version="1.0" encoding="utf-8"?>
<!-- Generated from electron/common/settings/schema.ts by build/native-config.mjs. Do not edit. -->
<policyDefinitionResources revision="1.0" schemaVersion="1.0">
  <displayName>Diadema</displayName><description>${xml(p.category)}</description>
  <resources>
    <stringTable>
      <string id="Diadema">${xml(p.category)}</string>
      <string id="SUPPORTED_Diadema">${xml(p.supported)}</string>
      ${strings.join('\n      ')}
    </stringTable>
    <presentationTable>
      ${presentations.join('\n      ')}
    </presentationTable>
  </resources>
</policyDefinitionResources>
`;
}

// Managed preferences reach the app as strings, numbers and booleans only: a list of strings is one item a
// line, any other list is JSON text (electron/node/settings/native-policy-values.ts reads both).
function plistValue(v: unknown): string {
  if (typeof v === 'boolean') return v ? '<true/>' : '<false/>';
  if (typeof v === 'number') return `<integer>${v}</integer>`;
  if (Array.isArray(v) && v.every((i) => typeof i === 'string')) return `<string>${xml(v.join('\n'))}</string>`;
  return `<string>${xml(typeof v === 'string' ? v : JSON.stringify(v))}</string>`;
}

function mobileconfig(): string {
  const example: Partial<Record<SettingKey, unknown>> = {
    'account.server': 'wss://sip.example.org/ws',
    'ui.language': 'es-MX',
    'acw.mode': 'mandatory-timed',
    'acw.durationSec': 90,
    'notes.dispositions': ['resolved', 'follow-up', 'escalated'],
    'updates.mode': 'notify',
  };
  const entries = Object.entries(example)
    .map(([k, v]) => `        <key>${k}</key>${plistValue(v)}`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<!-- Generated by build/native-config.mjs: an example managed-preferences profile; keys are the setting keys. -->
<plist version="1.0">
<dict>
  <key>PayloadContent</key>
  <array>
    <dict>
      <key>PayloadType</key><string>${policyLocations.macDomain}</string>
      <key>PayloadIdentifier</key><string>${policyLocations.macDomain}.policy</string>
      <key>PayloadUUID</key><string>6F1B6C1E-2D7A-4B8E-9D55-3A1C0E7B9F10</string>
      <key>PayloadVersion</key><integer>1</integer>
${entries}
    </dict>
  </array>
  <key>PayloadDisplayName</key><string>Diadema policy</string>
  <key>PayloadIdentifier</key><string>${policyLocations.macDomain}.profile</string>
  <key>PayloadType</key><string>Configuration</string>
  <key>PayloadUUID</key><string>0D0B5A43-8E55-4F0B-9C61-2B7F5E1A3C22</string>
  <key>PayloadVersion</key><integer>1</integer>
</dict>
</plist>
`;
}

export function generateNativeConfig(): Record<string, string> {
  const linuxExample = {
    'account.server': 'wss://sip.example.org/ws',
    'ui.language': 'es-MX',
    'acw.mode': 'mandatory-timed',
    'acw.durationSec': 90,
    'calls.rejectCode': 603,
    'updates.mode': 'off',
  };
  return {
    'policy.schema.json': jsonSchema(
      policyKeys,
      'Diadema IT policy (/etc/diadema/policy.json, registry, managed preferences)',
    ),
    'profile.schema.json': jsonSchema(profileKeys, 'Diadema team profile'),
    'linux/policy.example.json': `${JSON.stringify(linuxExample, null, 2)}\n`,
    'windows/diadema.admx': admx(),
    'windows/en-US/diadema.adml': adml('en-US'),
    'windows/es-ES/diadema.adml': adml('es-ES'),
    [`macos/${policyLocations.macDomain}.mobileconfig`]: mobileconfig(),
  };
}
