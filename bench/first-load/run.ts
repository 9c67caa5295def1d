import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
// @ts-expect-error: plain JavaScript module shared with `npm run lab`
import { startLab } from '../../test/lab/lab-core.mjs';
import { startHostProcess } from '../../test/support/browser-host-process';
import { launchAgentBrowser } from '../../test/support/chromium';
import { labAccount, type LabEnv } from '../../test/support/lab-env';
import { reExecInPrivateNetwork } from '../support/netns';
import { formatRow, summarise } from '../support/stats';

/**
 * The renderer's first load in Chromium, through the built browser host against the lab's Kamailio: the JS and CSS
 * fetched before the Phone view shows (bytes, files, the largest chunk), what is fetched after it (the later views,
 * loaded when idle), and the times from navigation to first contentful paint, to the Phone view (the dial field)
 * and to the registration badge saying Registered. Each load is a fresh tab with the HTTP cache off.
 *
 * `--loads=N` (default 20, `--quick` 8). `--before=<git rev>` also measures that revision's renderer (built into a
 * temporary folder, served by today's host) and prints both. Runs in a private network namespace like the tests.
 */
interface Load {
  firstBytes: number;
  firstFiles: number;
  largestJs: number;
  laterBytes: number;
  fcp: number;
  phone: number;
  registered: number;
}

const args = process.argv.slice(2);
const loads = Number(args.find((a) => a.startsWith('--loads='))?.split('=')[1] ?? (args.includes('--quick') ? 8 : 20));
const before = args.find((a) => a.startsWith('--before='))?.split('=')[1];
const root = process.env.DIADEMA_ROOT ?? process.cwd();

// Observation only: the instants the dial field and the Registered badge first enter the page.
const watch = `(() => {
  const fl = (window.__firstLoad = {});
  new MutationObserver(() => {
    if (!fl.phone && document.querySelector('[data-testid=dial-input]')) fl.phone = performance.now();
    if (!fl.registered && document.querySelector('[data-testid=registration-state][data-state=registered]'))
      fl.registered = performance.now();
  }).observe(document, { subtree: true, childList: true, attributes: true });
})();`;

/** One cold load of the page in a fresh tab (HTTP cache off), measured in the page. */
async function measureOnce(page: Page, url: string): Promise<Load> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await page.addInitScript({ content: watch });
  await page.goto(url);
  await page.waitForFunction(
    () => (window as unknown as { __firstLoad: { registered?: number } }).__firstLoad.registered,
    null,
    {
      timeout: 20_000,
    },
  );
  // The later views are fetched once the browser is idle after the phone: give them time to arrive.
  await page.waitForTimeout(2500);
  return page.evaluate(() => {
    const fl = (window as unknown as { __firstLoad: { phone: number; registered: number } }).__firstLoad;
    const code = performance
      .getEntriesByType('resource')
      .map((e) => e as PerformanceResourceTiming)
      .filter((e) => /\.(js|css)$/.test(new URL(e.name).pathname));
    const first = code.filter((e) => e.startTime <= fl.phone);
    const bytes = (es: PerformanceResourceTiming[]) => es.reduce((n, e) => n + e.encodedBodySize, 0);
    const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN;
    return {
      firstBytes: bytes(first),
      firstFiles: first.length,
      largestJs: Math.max(
        0,
        ...code.filter((e) => new URL(e.name).pathname.endsWith('.js')).map((e) => e.encodedBodySize),
      ),
      laterBytes: bytes(code.filter((e) => e.startTime > fl.phone)),
      fcp,
      phone: fl.phone,
      registered: fl.registered,
    };
  });
}

/** `loads` cold loads against one browser host (registered once), after one warm-up load that is not counted. */
async function measure(lab: LabEnv): Promise<Load[]> {
  const acc = labAccount(lab, 1);
  const host = await startHostProcess({
    settings: { 'account.server': lab.ws, 'account.user': acc.user, 'account.password': acc.password },
  });
  const browser = await launchAgentBrowser();
  const out: Load[] = [];
  try {
    for (let i = 0; i <= loads; i++) {
      const page = await browser.context.newPage();
      const load = await measureOnce(page, host.url);
      await page.close();
      if (i > 0) out.push(load);
    }
  } finally {
    await browser.dispose();
    await host.stop();
  }
  return out;
}

/** A root like this repository's with `rev`'s renderer built into dist/renderer and today's dist/node beside it. */
function buildBefore(rev: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'diadema-first-load-before-'));
  const tar = execFileSync('git', ['archive', rev, 'renderer', 'electron/common', 'tsconfig.base.json'], {
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
  });
  spawnSync('tar', ['-x', '-C', dir], { input: tar });
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
  const r = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { build } from 'vite'; await build({ configFile: ${JSON.stringify(path.join(dir, 'renderer', 'vite.config.ts'))}, logLevel: 'warn' });`,
    ],
    { cwd: root, stdio: 'inherit' },
  );
  if (r.status !== 0) throw new Error(`first-load: could not build the renderer of ${rev}`);
  mkdirSync(path.join(dir, 'dist'), { recursive: true });
  cpSync(path.join(root, 'dist', 'node'), path.join(dir, 'dist', 'node'), { recursive: true });
  return dir;
}

function print(label: string, rows: Load[]): void {
  const col = (k: keyof Load) => summarise(rows.map((r) => r[k]));
  const kb = (n: number) => `${(n / 1000).toFixed(1)} kB`;
  const first = col('firstBytes');
  console.log(`\n${label}: ${rows.length} cold loads in Chromium`);
  console.log(
    `  JS+CSS before the Phone view shows: ${kb(first.median)} in ${col('firstFiles').median} files` +
      ` (largest JS file ${kb(col('largestJs').median)}); fetched after it: ${kb(col('laterBytes').median)}`,
  );
  console.log(formatRow('  navigation → first contentful paint', col('fcp'), 'ms', 1));
  console.log(formatRow('  navigation → Phone view (dial field)', col('phone'), 'ms', 1));
  console.log(formatRow('  navigation → Registered badge', col('registered'), 'ms', 1));
}

// A child run measures one root (DIADEMA_ROOT) and prints its loads as JSON for the parent.
if (process.env.DIADEMA_FIRST_LOAD_LAB) {
  const rows = await measure(JSON.parse(process.env.DIADEMA_FIRST_LOAD_LAB) as LabEnv);
  console.log(`FIRST_LOAD=${JSON.stringify(rows)}`);
  process.exit(0);
}

reExecInPrivateNetwork('bench/first-load');
if (!existsSync(path.join(root, 'dist', 'renderer', 'index.html')) || !existsSync(path.join(root, 'dist', 'node'))) {
  console.error('first-load: build first (npm run build)');
  process.exit(1);
}
const labDir = mkdtempSync(path.join(os.tmpdir(), 'diadema-bench-first-load-'));
const lab = (await startLab({ dir: labDir })) as { env: LabEnv; stop(): Promise<void> };
const runFor = (dir: string): Load[] => {
  const r = spawnSync(process.execPath, ['--enable-source-maps', process.argv[1]!], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, DIADEMA_ROOT: dir, DIADEMA_FIRST_LOAD_LAB: JSON.stringify(lab.env) },
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = /FIRST_LOAD=(.*)/.exec(r.stdout ?? '')?.[1];
  if (r.status !== 0 || !line) throw new Error(`first-load: the run for ${dir} failed (${r.status})`);
  return JSON.parse(line) as Load[];
};
let beforeDir: string | undefined;
try {
  if (before) {
    beforeDir = buildBefore(before);
    print(`before (${before})`, runFor(beforeDir));
  }
  print(before ? 'after (this tree)' : 'this tree', runFor(root));
} finally {
  await lab.stop();
  rmSync(labDir, { recursive: true, force: true });
  if (beforeDir) rmSync(beforeDir, { recursive: true, force: true });
}
