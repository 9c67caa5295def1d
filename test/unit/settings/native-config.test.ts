import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateNativeConfig } from '../../../build/native-config-gen';
import { resolveSettings } from '../../../electron/common/settings/resolver';
import { settingsSchema } from '../../../electron/common/settings/schema';

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
    const lockable = Object.entries(settingsSchema).filter(([, d]) => d.policy).map(([k]) => k);
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
    for (const [rel, text] of Object.entries(files)) expect(readFileSync(path.join(root, 'native-config', rel), 'utf8')).toBe(text);
  });
});
