import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SettingsView } from '@common/contract/settings';
import { createCore } from '../../../../electron/node/core/core';
import { silentLogger } from '../../../../electron/node/log';
import { FileSecrets } from '../../../../electron/node/secrets/file-secrets';
import { platformPolicySource } from '../../../../electron/node/settings/platform-policy-source';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'diadema-live-policy-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('a policy changed while the app runs', () => {
  it('reaches every connected window as a settings event, locked, without a restart', async () => {
    const policyFile = path.join(dir, 'policy.json');
    writeFileSync(policyFile, JSON.stringify({ 'ui.language': 'es-MX' }));
    const core = createCore({
      shell: 'browser',
      version: 't',
      dataDir: dir,
      secrets: new FileSecrets(path.join(dir, 'secrets.json')),
      log: silentLogger,
      policy: platformPolicySource({ overrideFile: policyFile }),
    });
    await core.start();
    const views: SettingsView[] = [];
    const connection = core.connect((name, payload) => {
      if (name === 'settings') views.push(payload as SettingsView);
    });
    expect((await core.handlers['settings.get']({})).settings['ui.language']).toEqual({
      value: 'es-MX',
      layer: 'policy',
      locked: true,
    });

    // Written the way configuration tools do it: a new file renamed over the old one.
    writeFileSync(`${policyFile}.new`, JSON.stringify({ 'ui.language': 'en', 'acw.durationSec': 'soon' }));
    renameSync(`${policyFile}.new`, policyFile);
    await expect
      .poll(() => views.at(-1)?.settings['ui.language'], { timeout: 5000 })
      .toEqual({ value: 'en', layer: 'policy', locked: true });
    expect(views.at(-1)?.issues).toContainEqual(
      expect.objectContaining({ layer: 'policy', key: 'acw.durationSec', code: 'invalid-value' }),
    );

    connection.close();
    await core.stop();
  });
});
