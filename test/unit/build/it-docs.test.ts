import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { policyKeysTable, tableEnd, tableStart, withPolicyKeysTable } from '../../../build/it-docs-gen';
import { settingsSchema } from '@common/settings/schema';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('README "For IT": the policy keys table', () => {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

  it('is the one generated from the settings schema (run node build/it-docs.mjs when it drifts)', () => {
    expect(withPolicyKeysTable(readme)).toBe(readme);
  });

  it('lists every key IT may lock, and only those', () => {
    const listed = [...policyKeysTable().matchAll(/^\| `([\w.]+)` \|/gm)].map((m) => m[1]);
    const lockable = Object.entries(settingsSchema)
      .filter(([, d]) => d.policy)
      .map(([k]) => k);
    expect(listed).toEqual(lockable);
    expect(listed).toContain('updates.mode');
    expect(listed).not.toContain('audio.microphone');
  });

  it('refuses a README without its markers', () => {
    expect(() => withPolicyKeysTable(`# x\n${tableStart}\n`)).toThrow(/markers/);
    expect(() => withPolicyKeysTable(`# x\n${tableEnd}\n${tableStart}\n`)).toThrow(/markers/);
  });
});
