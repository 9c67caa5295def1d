import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// DIADEMA_ROOT: set by bundled scripts (bench/), whose import.meta.url is the bundle's, not this file's.
const root = process.env.DIADEMA_ROOT ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The built browser host (`dist/node/browser-host.mjs`) as a child process, exactly as `npm run start:browser` runs it. */
export interface HostProcess {
  /**
   * The page URL with the latest one-time launch token the host printed: good for one page load (that page's
   * reloads keep its session); once a page used it, the host prints the next one.
   */
  readonly url: string;
  origin: string;
  dataDir: string;
  child: ChildProcess;
  stderr: () => string;
  stop(): Promise<void>;
}

export interface HostProcessOptions {
  /** The agent's own settings, seeded with `--settings` (an `account.password` goes to the secrets file). */
  settings?: Record<string, unknown>;
  /** IT policy for this host only, as the Linux policy file (`DIADEMA_POLICY_FILE`); none by default. */
  policy?: Record<string, unknown>;
  /** Extra environment, e.g. `NODE_EXTRA_CA_CERTS` for a test CA, as IT would deploy its own CA. */
  env?: Record<string, string>;
  /**
   * The host starts its own headless Chromium (this executable, e.g. a wrapper adding a debugging port) instead
   * of printing the page URL; the host then runs in its own process group, so a test can tell what it left.
   */
  chromium?: string;
  /** `start-browser`: through `build/start-browser.mjs`, the entry of `npm run start:browser` (checks and build first). */
  entry?: 'host' | 'start-browser';
}

export async function startHostProcess(o: HostProcessOptions = {}): Promise<HostProcess> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'diadema-e2e-agent-'));
  const policyFile = path.join(dataDir, o.policy ? 'policy.json' : 'no-policy.json');
  if (o.policy) writeFileSync(policyFile, JSON.stringify(o.policy));
  const script =
    o.entry === 'start-browser'
      ? path.join(root, 'build', 'start-browser.mjs')
      : path.join(root, 'dist', 'node', 'browser-host.mjs');
  const args = [
    script,
    ...(o.chromium ? ['--headless', '--chromium', o.chromium] : ['--no-open']),
    '--data-dir',
    dataDir,
  ];
  if (o.settings) {
    const file = path.join(dataDir, 'seed.json');
    writeFileSync(file, JSON.stringify(o.settings));
    args.push('--settings', file);
  }
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...o.env, DIADEMA_POLICY_FILE: policyFile },
    detached: o.chromium !== undefined,
  });
  let err = '';
  let onErr = (): void => undefined;
  child.stderr!.on('data', (d) => {
    err += d.toString();
    onErr();
  });
  let latest = '';
  const first = await new Promise<string>((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`browser host did not start:\n${err}`)), 15_000);
    // With its own Chromium the host prints no URL: it is up once it logs where it serves.
    if (o.chromium)
      onErr = () => {
        const origin = /serving (http:\/\/127\.0\.0\.1:\d+)/.exec(err)?.[1];
        if (origin) {
          clearTimeout(t);
          resolve(`${origin}/`);
        }
      };
    child.stdout!.on('data', (d) => {
      out += d.toString();
      const urls = [...out.matchAll(/DIADEMA_URL=(\S+)\n/g)].map((m) => m[1]!);
      if (urls.length) {
        latest = urls.at(-1)!;
        clearTimeout(t);
        resolve(urls[0]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`browser host exited with ${code}:\n${err}`));
    });
  });
  return {
    get url() {
      return latest;
    },
    origin: new URL(first).origin,
    dataDir,
    child,
    stderr: () => err,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => {
          const t = setTimeout(() => {
            child.kill('SIGKILL');
            r(undefined);
          }, 5000);
          child.once('exit', () => {
            clearTimeout(t);
            r(undefined);
          });
        });
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
