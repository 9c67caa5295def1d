#!/usr/bin/env node
// The `diadema` command: runs the bundled CLI (built by `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/node/cli.mjs', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('diadema: the CLI is not built yet; run `npm run build` in the Diadema folder first\n');
  process.exit(1);
}
await import(cli);
