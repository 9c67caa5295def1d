import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isSettingKey } from '@common/settings/schema';
import { createCore, type Core } from '../node/core/core';
import { loadNodeHid } from '../node/hid/node-hid-loader';
import { createLogger } from '../node/log';
import { FileSecrets } from '../node/secrets/file-secrets';
import { sipPasswordSecret } from '../node/secrets/secrets-port';
import { platformPolicySource } from '../node/settings/platform-policy-source';
import { launchChromium } from './chromium';
import { startBrowserHost, type BrowserHost } from './host-server';
import { onStopSignal, rendererSaveGraceMs, runShutdown } from './shutdown';

const usage = `usage: npm run start:browser -- [--headless] [--settings FILE] [--data-dir DIR] [--port N] [--no-open] [--chromium PATH]
  --settings FILE  JSON object of settings for this agent (keys as in the settings schema, e.g. "account.server");
                   an "account.password" entry goes to the secrets file, never to settings.json
  --no-open        do not start Chromium; print the page URL (with its one-time launch token) on stdout instead,
                   and a new one each time a page has used the last`;

interface Args {
  headless: boolean;
  settings?: string;
  dataDir: string;
  port: number;
  open: boolean;
  chromium: string;
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    headless: false,
    open: true,
    port: 0,
    chromium: process.env.DIADEMA_CHROMIUM ?? '/usr/bin/chromium',
    dataDir:
      process.env.DIADEMA_DATA_DIR ??
      path.join(process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), 'diadema-browser'),
  };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${k} needs a value`);
      return v;
    };
    if (k === '--headless') a.headless = true;
    else if (k === '--no-open') a.open = false;
    else if (k === '--settings') a.settings = next();
    else if (k === '--data-dir') a.dataDir = next();
    else if (k === '--port') a.port = Number(next());
    else if (k === '--chromium') a.chromium = next();
    else if (k === '--help' || k === '-h') {
      console.log(usage);
      process.exit(0);
    } else throw new Error(`unknown option ${k}`);
  }
  return a;
}

async function main() {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`${(e as Error).message}\n${usage}`);
    process.exit(2);
  }
  const log = createLogger(
    (line) => process.stderr.write(`${line}\n`),
    process.env.DIADEMA_LOG === 'debug' ? 'debug' : 'info',
    'browser-host',
  );
  // What has been started so far: a signal during start-up stops exactly that (start-up goes no further).
  let core: Core | undefined;
  let host: BrowserHost | undefined;
  let chromium: ReturnType<typeof launchChromium> | undefined;
  let stopping: Promise<void> | undefined;
  let startup: Promise<void> = Promise.resolve();
  const shutdown = (why: string): Promise<void> =>
    (stopping ??= (async () => {
      log.info('stopping', { why });
      // A start-up step under way finishes first (the core half-started would not un-REGISTER).
      await Promise.race([startup.catch(() => undefined), new Promise((r) => setTimeout(r, 15_000))]);
      const code = await runShutdown(
        [
          // The page first gets to send the note draft it still holds; it stays open until the calls have ended.
          { name: 'page', run: () => host?.settle(rendererSaveGraceMs), timeoutMs: 3 * rendererSaveGraceMs },
          // Calls ended (BYE, CANCEL or a reject to the far end), un-REGISTER answered, notes flushed to disk.
          { name: 'core', run: () => core?.stop(), timeoutMs: 20_000 },
          // Every Chromium process gone (SIGKILL after a grace), then its profile folder removed.
          { name: 'chromium', run: () => chromium?.dispose(), timeoutMs: 15_000 },
          { name: 'host', run: () => host?.close(), timeoutMs: 5000 },
        ],
        log,
      );
      const exitCode = code || Number(process.exitCode ?? 0);
      log.info('stopped', { code: exitCode });
      process.exit(exitCode);
    })());
  onStopSignal(process, (signal) => void shutdown(signal));

  const start = async (): Promise<void> => {
    await fs.mkdir(args.dataDir, { recursive: true, mode: 0o700 });
    const secrets = new FileSecrets(path.join(args.dataDir, 'secrets.json'));
    // Headsets through node-hid; a machine where the native module cannot load simply has no headset support.
    const hid = await loadNodeHid();
    const created = createCore({
      ...(hid ? { hid } : {}),
      shell: 'browser',
      version: process.env.npm_package_version ?? '0.1.0',
      dataDir: args.dataDir,
      secrets,
      log,
      policy: platformPolicySource({ overrideFile: process.env.DIADEMA_POLICY_FILE }),
      // A team lead publishing to an https:// location authenticates with this token (never a setting).
      teamLead: { token: process.env.DIADEMA_PUBLISH_TOKEN },
    });
    await created.shell.settings.load();
    if (args.settings) {
      let seeded: Record<string, unknown>;
      try {
        seeded = JSON.parse(await fs.readFile(args.settings, 'utf8')) as Record<string, unknown>;
      } catch (e) {
        console.error(`cannot read --settings ${args.settings}: ${(e as Error).message}`);
        process.exit(2);
      }
      const { ['account.password']: password, ...rest } = seeded;
      const unknown = Object.keys(rest).filter((k) => !isSettingKey(k));
      if (unknown.length) {
        console.error(`--settings: unknown keys ${unknown.join(', ')}`);
        process.exit(2);
      }
      await created.shell.settings.set(rest);
      if (typeof password === 'string' && password) await secrets.set(sipPasswordSecret, password);
    }
    if (stopping) return;
    core = created;
    await core.start();
    if (stopping) return;

    const here = path.dirname(fileURLToPath(import.meta.url));
    const rendererDir = [path.resolve(here, '../renderer'), path.resolve(here, '../../dist/renderer')].find((d) =>
      existsSync(path.join(d, 'index.html')),
    );
    if (!rendererDir) {
      console.error('the renderer is not built: run `npm run build` first');
      process.exitCode = 1;
      void shutdown('no renderer');
      return;
    }
    // Without Chromium of its own, the host prints each page URL on stdout (only its starter reads that pipe): the
    // first now, and a fresh one each time a page has used the previous one's one-time token.
    const printUrl = (url: string) => process.stdout.write(`DIADEMA_URL=${url}\n`);
    host = await startBrowserHost({
      core,
      rendererDir,
      log,
      port: args.port,
      ...(args.open ? {} : { onLaunchUrl: printUrl }),
    });
    log.info(`serving ${host.origin}`);
    if (stopping) return;
    if (args.open) {
      chromium = launchChromium({ executable: args.chromium, url: host.url, headless: args.headless, log });
      // Closing Chromium's window is how the agent quits the windowed host.
      chromium.child.on('exit', () => {
        if (!args.headless) void shutdown('chromium closed');
      });
    } else {
      printUrl(host.url);
    }
  };
  startup = start();
  await startup.catch((err: unknown) => {
    log.error('start-up failed', { detail: err instanceof Error ? err.message : String(err) });
    process.exitCode = 1;
    return shutdown('start-up failed');
  });
}

void main();
