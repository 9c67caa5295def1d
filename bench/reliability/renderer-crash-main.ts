import { reExecInPrivateNetwork } from '../support/netns';
import { rendererCrashDrill } from './renderer-crash';

/**
 * Standalone entry of the R2 drill, always under the lab lock:
 * `npx esbuild bench/reliability/renderer-crash-main.ts --bundle --platform=node --format=esm --packages=external
 * --outfile=.tmp/bench-renderer-crash.mjs && flock /tmp/diadema-lab.lock node .tmp/bench-renderer-crash.mjs
 * [--calls=N] [--seed=N] [--no-build]` (20 calls by default).
 */
const args = process.argv.slice(2);
const arg = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
reExecInPrivateNetwork('reliability renderer-crash');
await rendererCrashDrill({
  calls: Number(arg('calls') ?? 20),
  seed: Number(arg('seed') ?? Date.now() % 100_000),
  build: !args.includes('--no-build'),
});
