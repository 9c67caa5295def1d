import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { composeCore, type Core, type CoreOptions, type CoreServices } from '../../electron/node/core/core';
import { createLogger, silentLogger, type Logger } from '../../electron/node/log';
import { FileSecrets } from '../../electron/node/secrets/file-secrets';
import { FakeMediaRenderer } from './fake-media';
import { until } from './sip-party';

/**
 * A whole agent core in the test process, with its own data directory and a fake media renderer attached,
 * driven through the same contract handlers the shells use. `core` also carries the services behind it, so a
 * test can observe one directly (the shells only get the contract and the shell port).
 */
export type TestCore = Core & CoreServices;
export interface AgentCore {
  core: TestCore;
  media: FakeMediaRenderer;
  dir: string;
  logLines: string[];
  dispose(): Promise<void>;
}

export async function startAgentCore(
  o: Partial<CoreOptions> & {
    account?: { server: string; user: string; password: string; authUser?: string };
    settings?: Record<string, unknown>;
    register?: boolean;
  } = {},
): Promise<AgentCore> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'diadema-agent-'));
  const logLines: string[] = [];
  const log: Logger = process.env.DIADEMA_TEST_LOG
    ? createLogger((l) => {
        logLines.push(l);
        process.stderr.write(`${l}\n`);
      }, 'debug')
    : createLogger((l) => logLines.push(l), 'debug');
  const composed = composeCore({
    shell: 'browser',
    version: 'test',
    dataDir: dir,
    secrets: new FileSecrets(path.join(dir, 'secrets.json')),
    log: log ?? silentLogger,
    phone: { registerTimeoutMs: 5000, backoffBaseMs: 200, backoffCapMs: 2000 },
    ...o,
  });
  const core: TestCore = { ...composed.services, ...composed.core };
  await core.start();
  // No after-call work unless a test asks for it (a time box of zero): call tests take call after call.
  await core.settings.set({ 'acw.durationSec': 0, ...o.settings });
  const media = new FakeMediaRenderer(core);
  await media.attach();
  if (o.account) {
    const saved = await core.handlers['account.save']({
      server: o.account.server,
      user: o.account.user,
      authUser: o.account.authUser ?? '',
      displayName: '',
      password: o.account.password,
    });
    if (!saved.ok) throw new Error(`account rejected: ${JSON.stringify(saved.errors)}`);
    if (o.register !== false) await core.handlers['phone.register']({});
  }
  return {
    core,
    media,
    dir,
    logLines,
    async dispose() {
      media.detach();
      await core.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Hangs up every call of the agent that has not ended, and waits until all of them have (between tests). */
export async function endAllCalls(agent: AgentCore, what = 'calls to end'): Promise<void> {
  for (const c of agent.core.calls.snapshot().calls)
    if (c.state !== 'ended') await agent.core.calls.hangup(c.id).catch(() => undefined);
  await until(() => agent.core.calls.snapshot().calls.every((c) => c.state === 'ended'), 5000, what);
}
