import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DOMParser } from '@xmldom/xmldom';
import * as plist from 'plist';
import { generateNativeConfig } from '../../../build/native-config-gen';
import { parseAccount } from '../../../electron/common/contract/account';
import { linkTemplateProblem } from '../../../electron/common/contract/screen-pop';
import { parseAccelerator } from '../../../electron/common/hotkeys/accelerator';
import { policyLocations } from '../../../electron/common/settings/policy-locations';
import { resolveSettings } from '../../../electron/common/settings/resolver';
import {
  noRepeatedModifier,
  serverPattern,
  settingKeys,
  settingsSchema,
  type SettingKey,
} from '../../../electron/common/settings/schema';
import { decodeNativePolicy } from '../../../electron/node/settings/native-policy-values';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('generated IT artefacts', () => {
  const files = generateNativeConfig();
  it('the Linux policy example is a valid policy layer', () => {
    const example = JSON.parse(files['linux/policy.example.json']!) as Record<string, unknown>;
    const { settings, issues } = resolveSettings({ policy: example });
    expect(issues).toEqual([]);
    expect(settings['acw.durationSec']).toEqual({ value: 90, layer: 'policy', locked: true });
  });
  it('offers IT every lockable key and nothing a policy may not set', () => {
    const schema = JSON.parse(files['policy.schema.json']!) as { properties: Record<string, unknown> };
    const lockable = Object.entries(settingsSchema)
      .filter(([, d]) => d.policy)
      .map(([k]) => k);
    expect(Object.keys(schema.properties).sort()).toEqual(lockable.sort());
    expect(schema.properties).not.toHaveProperty('audio.microphone');
    const admx = files['windows/diadema.admx']!;
    for (const k of lockable) expect(admx).toContain(`valueName="${k}"`);
  });
  it('keeps credentials out of team profiles', () => {
    const schema = JSON.parse(files['profile.schema.json']!) as { properties: Record<string, unknown> };
    expect(schema.properties).not.toHaveProperty('account.user');
    expect(schema.properties).toHaveProperty('acw.mode');
  });
  it('the committed files match the generator', () => {
    for (const [rel, text] of Object.entries(files))
      expect(readFileSync(path.join(root, 'native-config', rel), 'utf8')).toBe(text);
  });
});

/** Parses XML strictly: any warning or error of the parser fails the test. */
function parseXml(text: string, name: string): Document {
  const problems: string[] = [];
  const doc = new DOMParser({
    onError: (level, msg) => {
      problems.push(`${name}: ${level}: ${msg}`);
    },
  }).parseFromString(text, 'text/xml') as unknown as Document;
  expect(problems).toEqual([]);
  return doc;
}
const all = (doc: Document | Element, tag: string) => [...doc.getElementsByTagName(tag)] as Element[];
const refs = (text: string, kind: 'string' | 'presentation') =>
  [...text.matchAll(new RegExp(`\\$\\(${kind}\\.([A-Za-z0-9_]+)\\)`, 'g'))].map((m) => m[1]!);
const policyKeys = settingKeys.filter((k) => settingsSchema[k].policy);

describe('generated Group Policy templates', () => {
  const files = generateNativeConfig();
  const admxText = files['windows/diadema.admx']!;
  const admx = parseXml(admxText, 'diadema.admx');
  const adml = Object.fromEntries(
    (['en-US', 'es-ES'] as const).map((l) => [l, parseXml(files[`windows/${l}/diadema.adml`]!, `${l} adml`)]),
  );
  const stringIds = (l: string) => all(adml[l]!, 'string').map((e) => e.getAttribute('id')!);
  const presentationIds = (l: string) => all(adml[l]!, 'presentation').map((e) => e.getAttribute('id')!);

  it('every string and presentation the ADMX names exists in each language, and both languages have the same ids', () => {
    for (const l of ['en-US', 'es-ES']) {
      for (const id of refs(admxText, 'string')) expect(stringIds(l), `${l} string ${id}`).toContain(id);
      for (const id of refs(admxText, 'presentation'))
        expect(presentationIds(l), `${l} presentation ${id}`).toContain(id);
    }
    expect(stringIds('es-ES')).toEqual(stringIds('en-US'));
    expect(presentationIds('es-ES')).toEqual(presentationIds('en-US'));
    expect(new Set(stringIds('en-US')).size).toBe(stringIds('en-US').length);
  });

  it('each presentation control refers to an element of its own policy', () => {
    for (const policy of all(admx, 'policy')) {
      const elementIds = all(policy, 'elements').flatMap((e) =>
        [...e.childNodes].filter((n) => n.nodeType === 1).map((n) => (n as Element).getAttribute('id')),
      );
      const pres = all(adml['en-US']!, 'presentation').find(
        (p) => `$(presentation.${p.getAttribute('id')})` === policy.getAttribute('presentation'),
      )!;
      const controls = [...pres.childNodes]
        .filter((n) => n.nodeType === 1 && (n as Element).getAttribute('refId'))
        .map((n) => (n as Element).getAttribute('refId'));
      expect(controls.sort(), policy.getAttribute('name')!).toEqual(elementIds.sort());
    }
  });

  it('writes each value once: the policy names it only when it has no input field, every field names its own', () => {
    expect(all(admx, 'policy').map((p) => p.getAttribute('name'))).toHaveLength(policyKeys.length);
    for (const policy of all(admx, 'policy')) {
      const fields = all(policy, 'elements').flatMap((e) =>
        [...e.childNodes].filter((n) => n.nodeType === 1),
      ) as Element[];
      if (fields.length) {
        expect(policy.hasAttribute('valueName'), policy.getAttribute('name')!).toBe(false);
        for (const f of fields) expect(f.getAttribute('valueName')).toMatch(/^[a-z]+\.[A-Za-z]+$/);
      } else {
        expect(policy.getAttribute('valueName')).toMatch(/^[a-z]+\.[A-Za-z]+$/);
      }
    }
  });

  it('number boxes carry the schema range and start at the setting default', () => {
    const volume = all(admx, 'longDecimal').find((e) => e.getAttribute('valueName') === 'audio.callVolume')!;
    expect([volume.getAttribute('minValue'), volume.getAttribute('maxValue')]).toEqual(['0', '100']);
    for (const box of all(adml['en-US']!, 'longDecimalTextBox')) {
      const field = all(admx, 'longDecimal').find((e) => e.getAttribute('id') === box.getAttribute('refId'))!;
      const d = Number(box.getAttribute('defaultValue'));
      expect(d).toBe(settingsSchema[field.getAttribute('valueName') as SettingKey].default);
      expect(d).toBeGreaterThanOrEqual(Number(field.getAttribute('minValue')));
      expect(d).toBeLessThanOrEqual(Number(field.getAttribute('maxValue')));
    }
    expect(
      all(admx, 'decimal').every(
        (e) => e.parentNode?.nodeName === 'enabledValue' || e.parentNode?.nodeName === 'disabledValue',
      ),
    ).toBe(true);
  });

  it('SIP reject codes are drop-downs of the codes the schema allows', () => {
    for (const k of ['calls.rejectCode', 'acw.notReadyRejectCode']) {
      const e = all(admx, 'enum').find((x) => x.getAttribute('valueName') === k)!;
      const codes = all(e, 'longDecimal').map((v) => Number(v.getAttribute('value')));
      expect(codes.every((c) => settingsSchema[k as SettingKey].schema.safeParse(c).success)).toBe(true);
      expect(codes.length).toBeGreaterThan(1);
    }
  });

  it('lists of strings are one line an item, other lists say they are JSON, text limits follow the schema', () => {
    expect(
      all(admx, 'multiText')
        .map((e) => e.getAttribute('valueName'))
        .sort(),
    ).toEqual([
      'account.servers',
      'calls.screenPopHeaders',
      'notes.dispositions',
      'notes.requiredFields',
      'profile.trustedKeys',
    ]);
    const templates = all(adml['en-US']!, 'presentation').find((p) => p.getAttribute('id') === 'NotesTemplates')!;
    expect(all(templates, 'text')[0]?.textContent).toMatch(/JSON list, for example: \[/);
    const server = all(admx, 'text').find((e) => e.getAttribute('valueName') === 'account.server')!;
    expect(server.getAttribute('maxLength')).toBe('2048');
  });

  it('the es-ES templates are in Spanish: no name, explanation or label is left in English', () => {
    const text = (l: string) =>
      new Map(
        [...all(adml[l]!, 'string'), ...all(adml[l]!, 'label'), ...all(adml[l]!, 'text')].map((e, i) => [
          `${e.getAttribute('id') ?? i}`,
          e.textContent ?? '',
        ]),
      );
    const en = text('en-US');
    const es = text('es-ES');
    for (const [id, s] of es) {
      if (/^Diadema$|_(\d+)$|^(UiLanguage_en|CallsDtmfMethod_info)$/.test(id)) continue;
      expect(s, id).not.toBe(en.get(id));
    }
    expect(es.get('HeadsetEnabled_Explain')).toMatch(/auriculares/);
  });

  it('offers nothing that nothing reads', () => {
    expect(admxText).not.toContain('headset.ring');
    expect(files['policy.schema.json']).not.toContain('headset.ring');
    expect(files['profile.schema.json']).not.toContain('headset.ring');
  });
});

describe('generated configuration profile and JSON Schemas', () => {
  const files = generateNativeConfig();

  it('the mobileconfig is a plist whose payload is a valid policy as the macOS reader decodes it', () => {
    const profile = plist.parse(files['macos/org.diadema.softphone.mobileconfig']!) as {
      PayloadContent: Record<string, unknown>[];
    };
    const payload = profile.PayloadContent[0]!;
    expect(payload.PayloadType).toBe(policyLocations.macDomain);
    const values = Object.fromEntries(Object.entries(payload).filter(([k]) => !k.startsWith('Payload'))) as Record<
      string,
      string | number | boolean
    >;
    const decoded = decodeNativePolicy(values);
    expect(decoded.valueProblems).toEqual([]);
    const { settings, issues } = resolveSettings({ policy: decoded.values });
    expect(issues).toEqual([]);
    expect(settings['notes.dispositions'].value).toEqual(['resolved', 'follow-up', 'escalated']);
  });

  const patterns = (schema: Record<string, unknown>) =>
    [schema.pattern, ...((schema.allOf ?? []) as { pattern?: string }[]).map((a) => a.pattern)]
      .filter((p): p is string => typeof p === 'string')
      .map((p) => new RegExp(p, 'u'));
  const accepts = (file: string, key: string, value: string) => {
    const prop = (JSON.parse(files[file]!) as { properties: Record<string, Record<string, unknown>> }).properties[key]!;
    return patterns(prop).every((re) => re.test(value));
  };

  it('refuse what the app refuses: a server that is not wss:// (ws:// only to this machine), a modifier given twice', () => {
    for (const file of ['policy.schema.json', 'profile.schema.json']) {
      expect(accepts(file, 'account.server', 'http://sip.example.org')).toBe(false);
      expect(accepts(file, 'account.server', 'ws://sip.example.org/ws')).toBe(false);
      expect(accepts(file, 'account.server', 'wss://sip.example.org/ws')).toBe(true);
      expect(accepts(file, 'account.server', 'ws://127.0.0.1:8080/ws')).toBe(true);
      expect(accepts(file, 'hotkeys.mute', 'Ctrl+Control+M')).toBe(false);
      expect(accepts(file, 'hotkeys.mute', 'Shift+Alt+Shift+M')).toBe(false);
      expect(accepts(file, 'hotkeys.mute', 'CommandOrControl+Shift+M')).toBe(true);
    }
    expect(accepts('policy.schema.json', 'updates.url', 'http://updates.example.org')).toBe(false);
    expect(accepts('policy.schema.json', 'updates.url', 'https://updates.example.org/diadema')).toBe(true);
  });

  it("the patterns and the app's own rules agree", () => {
    // Port numbers are the one thing the pattern leaves to the app (a range is no pattern IT would read).
    const appAcceptsServer = (s: string) => {
      const r = parseAccount({ server: s, user: 'probe', authUser: '', displayName: '' });
      return s === '' || r.ok || r.errors.server === undefined;
    };
    for (const s of [
      '',
      'wss://a.example',
      'WSS://A.example:443/ws',
      'ws://localhost:5066',
      'ws://LOCALHOST',
      'ws://127.0.0.1/x',
      'ws://[::1]:80',
      'ws://10.0.0.1',
      'http://a',
      'wss://',
      'wss://a b',
      'ws://localhost.evil.org',
      'wss://sip.example.org/ws?x',
    ]) {
      expect(serverPattern.test(s), s).toBe(appAcceptsServer(s));
      expect(settingsSchema['account.server'].schema.safeParse(s).success, s).toBe(appAcceptsServer(s));
    }
    for (const k of [
      '',
      'A',
      'Ctrl+A',
      'Control+Ctrl+A',
      'Meta+Super+A',
      'Alt+Shift+Alt+A',
      'CommandOrControl+Control+A',
      'Shift+Shift',
      'CommandOrControl+Shift+Alt+Super+F12',
      'Super+Meta+1',
      'Alt+Alt',
    ]) {
      const r = parseAccelerator(k);
      expect(noRepeatedModifier.test(k), k).toBe(r.ok || r.error !== 'duplicate-modifier');
    }
  });

  it('screen-pop links: the schemas refuse any scheme but https and {value} in the host, as the app does', () => {
    const templates = [
      'https://crm.example/cases?account={value}',
      'https://crm.example:8443/c/{value}/x',
      'http://crm.example/cases?account={value}',
      'javascript:alert({value})',
      'file:///c/{value}',
      'https://{value}.crm.example/',
      'https://user@crm.example/?a={value}',
      'https://crm.example/cases',
      'https://crm.example/a b?{value}',
    ];
    for (const file of ['policy.schema.json', 'profile.schema.json']) {
      const schema = JSON.parse(files[file]!) as {
        properties: Record<string, { items: { properties: Record<string, Record<string, unknown>> } }>;
      };
      const link = schema.properties['calls.screenPop']!.items.properties.link!;
      const schemaAccepts = (t: string) => patterns(link).every((re) => re.test(t));
      for (const t of templates) expect(schemaAccepts(t), `${file}: ${t}`).toBe(linkTemplateProblem(t) === undefined);
      expect(schemaAccepts(templates[0]!)).toBe(true);
    }
  });

  it('update control is for IT alone: in the policy schema, not in team profiles', () => {
    expect(JSON.parse(files['policy.schema.json']!)).toHaveProperty(
      ['properties', 'updates.mode', 'enum'],
      ['off', 'notify', 'auto'],
    );
    expect(files['profile.schema.json']).not.toContain('updates.');
  });
});
