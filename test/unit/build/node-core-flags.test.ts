import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript module run by Node directly (build/start-browser.mjs)
import { nodeCoreFlags } from '../../../build/node-core-flags.mjs';

const flags = nodeCoreFlags as string[];
const root = path.resolve(__dirname, '../../..');

/** The young generation's size after a start-up-like burst of short-lived allocations, in a Node given `args`. */
function newSpaceAfterBurst(args: string[]): number {
  const script = `let keep = []; for (let i = 0; i < 2e6; i++) keep.push({ i }); keep = null;
    for (let i = 0; i < 3e6; i++) ({ x: [i] });
    const s = require('v8').getHeapSpaceStatistics().find((x) => x.space_name === 'new_space');
    process.stdout.write(String(s.space_size));`;
  const r = spawnSync(process.execPath, [...args, '-e', script], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return Number(r.stdout);
}

describe('Node flags of the browser host core', () => {
  it('the Debian launcher passes the same flags as npm run start:browser, before the script', () => {
    const launcher = readFileSync(path.join(root, 'build/deb/diadema-browser'), 'utf8');
    const exec = launcher.split('\n').find((l) => l.startsWith('exec '))!;
    expect(exec).toBe(
      `exec /usr/lib/diadema/bin/node ${flags.join(' ')} /usr/lib/diadema/dist/node/browser-host.mjs "$@"`,
    );
  });

  it('this Node keeps the young generation small with them (it grows to 16 MiB or more without)', () => {
    const mib = 1024 * 1024;
    expect(newSpaceAfterBurst(flags)).toBeLessThanOrEqual(2 * mib);
    expect(newSpaceAfterBurst([])).toBeGreaterThanOrEqual(16 * mib);
  });
});
