import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killTypistOnce } from '../../../support/kill-typist';
import { bundleEntries } from '../../../support/store-build';

let built: Awaited<ReturnType<typeof bundleEntries<'store-worker' | 'notes-typist'>>>;
let dir: string;
beforeAll(async () => {
  // The typist finds the worker next to itself, as the core does in dist/node.
  built = await bundleEntries({
    'store-worker': 'electron/node/store/store-worker.ts',
    'notes-typist': 'test/support/notes-typist.ts',
  });
  dir = mkdtempSync(path.join(os.tmpdir(), 'diadema-kill-'));
}, 60_000);
afterAll(() => {
  built.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('SIGKILL while typing a draft', { timeout: 60_000 }, () => {
  it.each([[150], [420], [777]])(
    'killed %i ms after its first save: the draft comes back, at most the debounce window lost',
    async (typeMs) => {
      const file = path.join(dir, `notes-${typeMs}.sqlite`);
      const r = await killTypistOnce({
        typist: built.urls['notes-typist'],
        worker: built.urls['store-worker'],
        file,
        callId: `kill-${typeMs}`,
        typeMs,
      });
      expect(r.recoveredIsPrefix).toBe(true);
      // Everything the core confirmed as durable is there, and the file holds one whole save, never a torn one.
      expect(r.recovered).toBeGreaterThanOrEqual(r.lastSaved);
      expect(r.savings).toContain(r.recovered);
      // What is lost is only what was typed after the last save that reached the disk started (the debounce window).
      expect(r.recovered === r.lastSaving || r.recovered === r.savings.at(-2)).toBe(true);
      expect(r.typed).toBeGreaterThanOrEqual(r.recovered);
    },
  );
});
