import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { composeCore, type Core, type CoreOptions, type CoreServices } from '../../electron/node/core/core';
import { silentLogger } from '../../electron/node/log';
import { FileSecrets } from '../../electron/node/secrets/file-secrets';
import { FakeMediaRenderer } from '../../test/support/fake-media';

export type FleetCore = Core & CoreServices;
export interface FleetAgent {
  core: FleetCore;
  user: string;
  dispose(): Promise<void>;
}

/**
 * One agent of the fleet: the core the shells compose (composeCore), with its own data folder and store worker,
 * and the fake media renderer attached (no WebRTC in Node), as test/support/agent-core.ts builds it but with the
 * silent logger: 500 cores each keeping every debug line would measure the log, not the agent.
 */
export async function startFleetAgent(o: {
  root: string;
  server: string;
  user: string;
  password: string;
  workerUrl: URL;
  settings?: Record<string, unknown>;
  extra?: Partial<CoreOptions>;
}): Promise<FleetAgent> {
  const dir = mkdtempSync(path.join(o.root, `agent-${o.user}-`));
  const composed = composeCore({
    shell: 'browser',
    version: 'bench',
    dataDir: dir,
    secrets: new FileSecrets(path.join(dir, 'secrets.json')),
    log: silentLogger,
    phone: { registerTimeoutMs: 20_000, backoffBaseMs: 500, backoffCapMs: 5000 },
    notes: { workerUrl: o.workerUrl },
    ...o.extra,
  });
  const core: FleetCore = { ...composed.services, ...composed.core };
  await core.start();
  await core.settings.set({ 'acw.durationSec': 0, ...o.settings });
  const media = new FakeMediaRenderer(core);
  await media.attach();
  const saved = await core.handlers['account.save']({
    server: o.server,
    user: o.user,
    authUser: '',
    displayName: '',
    password: o.password,
  });
  if (!saved.ok) throw new Error(`account ${o.user} rejected: ${JSON.stringify(saved.errors)}`);
  return {
    core,
    user: o.user,
    async dispose() {
      media.detach();
      await core.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
