import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
// @ts-expect-error: plain JavaScript module shared with the `npm run lab` command
import { startLab } from '../lab/lab-core.mjs';
import type { LabEnv } from './lab-env';

/**
 * vitest globalSetup for the integration and e2e projects: a private lab (own ports, own directory) for the
 * project's run, stopped afterwards. Logs stay in the directory when a run fails (its path is printed).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `diadema-lab-${project.name}-`));
  const lab = (await startLab({ dir })) as { env: LabEnv; stop(): Promise<void> };
  project.provide('lab', lab.env);
  return async () => {
    await lab.stop();
    if (!process.env.DIADEMA_KEEP_LAB) rmSync(dir, { recursive: true, force: true });
  };
}
