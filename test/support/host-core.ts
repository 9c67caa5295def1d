import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCore, type Core } from '../../electron/node/core/core';
import { silentLogger } from '../../electron/node/log';
import { FileSecrets } from '../../electron/node/secrets/file-secrets';

/**
 * A started core for browser-host tests, in its own temporary folder with a one-page stand-in for the built
 * renderer (`rendererDir`) and the core's data under `dir/data`. `dispose` stops the core and removes the folder.
 */
export async function startHostCore(
  prefix: string,
): Promise<{ dir: string; rendererDir: string; core: Core; dispose(): Promise<void> }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  const rendererDir = path.join(dir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
  const core = createCore({
    shell: 'browser',
    version: 't',
    dataDir: path.join(dir, 'data'),
    secrets: new FileSecrets(path.join(dir, 'data', 'secrets.json')),
    log: silentLogger,
  });
  await core.start();
  return {
    dir,
    rendererDir,
    core,
    async dispose() {
      await core.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
