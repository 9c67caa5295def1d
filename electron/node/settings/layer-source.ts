import { promises as fs } from 'node:fs';
import { quarantine } from '../fs-atomic';
import type { LayerValues } from '../../common/settings/resolver';

/** A source of one settings layer (team profile, IT policy) that may be missing or damaged. */
export interface LayerSource {
  readonly name: string;
  read(): Promise<{ values: LayerValues; problem?: LayerProblem }>;
}
export interface LayerProblem { code: 'unreadable' | 'not-json' | 'not-an-object'; detail: string; movedTo?: string }

/**
 * Reads a JSON object from a file. A missing file is an empty layer. A damaged file is an empty layer plus a
 * problem the UI reports; it is moved aside only when `quarantineDamaged` (user-owned files), never for
 * IT-managed files such as /etc/diadema/policy.json, which the app must not touch.
 */
export function jsonFileLayer(name: string, file: string, opts: { quarantineDamaged: boolean }): LayerSource {
  return {
    name,
    async read() {
      let text: string;
      try { text = await fs.readFile(file, 'utf8'); } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return { values: {} };
        return { values: {}, problem: { code: 'unreadable', detail: `${file}: ${code ?? String(e)}` } };
      }
      let parsed: unknown;
      try { parsed = JSON.parse(text); } catch (e) {
        const movedTo = opts.quarantineDamaged ? await quarantine(file).catch(() => undefined) : undefined;
        return { values: {}, problem: { code: 'not-json', detail: `${file}: ${(e as Error).message}`, ...(movedTo ? { movedTo } : {}) } };
      }
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
        const movedTo = opts.quarantineDamaged ? await quarantine(file).catch(() => undefined) : undefined;
        return { values: {}, problem: { code: 'not-an-object', detail: file, ...(movedTo ? { movedTo } : {}) } };
      }
      return { values: parsed as LayerValues };
    },
  };
}
