import { readFileSync } from 'node:fs';
import { parseBuffer } from 'bplist-parser';
import * as plist from 'plist';
import type { PolicyTypeName, PolicyWatcherLibrary } from '../../../../electron/node/settings/managed-policy-layer';
import type { NativeValue } from '../../../../electron/node/settings/native-policy-values';

/**
 * Stand-ins for `@vscode/policy-watcher` on Windows and macOS, fed from recorded stores (test/fixtures/policy/).
 * Each applies the library's own rules, as its sources state them (src/windows/*Policy.cc, src/macos/*Policy.cc):
 *  - Windows: per value, HKLM first, then HKCU; a `boolean` reads REG_DWORD (non-zero = true), a `number` reads
 *    REG_QWORD, a `string` reads REG_SZ and REG_MULTI_SZ (its strings joined by '\n'); a value of another type
 *    counts as not set.
 *  - macOS: forced managed preferences of the domain; a `string` reads a CFString, a `number` a CFNumber (as a
 *    whole number), a `boolean` a CFBoolean; other types count as not set.
 * The first callback carries every value that is set; each later one carries every value set or removed.
 */
export interface RegistryValue {
  type: 'REG_SZ' | 'REG_MULTI_SZ' | 'REG_DWORD' | 'REG_QWORD' | 'REG_BINARY';
  data: unknown;
}
export type RegistryDump = Record<string, Record<string, RegistryValue> | string>;

type Declared = { type: PolicyTypeName | readonly PolicyTypeName[] };
const accepts = (d: Declared, t: PolicyTypeName) => (Array.isArray(d.type) ? d.type.includes(t) : d.type === t);

function readRegistry(dump: RegistryDump, key: string, name: string, d: Declared): NativeValue | undefined {
  for (const hive of ['HKLM', 'HKCU']) {
    const values = dump[`${hive}\\${key}`];
    const v = typeof values === 'object' ? values[name] : undefined;
    if (!v) continue;
    if (v.type === 'REG_DWORD' && accepts(d, 'boolean')) return (v.data as number) !== 0;
    if (v.type === 'REG_QWORD' && accepts(d, 'number')) return v.data as number;
    if (v.type === 'REG_SZ' && accepts(d, 'string')) return v.data as string;
    if (v.type === 'REG_MULTI_SZ' && accepts(d, 'string')) return (v.data as string[]).join('\n');
  }
  return undefined;
}

function readManaged(prefs: Record<string, unknown>, name: string, d: Declared): NativeValue | undefined {
  const v = prefs[name];
  if (typeof v === 'string' && accepts(d, 'string')) return v;
  if (typeof v === 'number' && accepts(d, 'number')) return Math.trunc(v);
  if (typeof v === 'boolean' && accepts(d, 'boolean')) return v;
  return undefined;
}

export const readPlist = (file: string): Record<string, unknown> => {
  const bytes = readFileSync(file);
  if (bytes.subarray(0, 8).toString('latin1') === 'bplist00') return parseBuffer(bytes)[0] as Record<string, unknown>;
  return plist.parse(bytes.toString('utf8')) as Record<string, unknown>;
};
export const readRegistryDump = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as RegistryDump;

export type RecordedStore = { os: 'windows'; dump: RegistryDump } | { os: 'macos'; prefs: Record<string, unknown> };

/** A policy store one can change while the watcher runs, as IT does with a gpupdate or a new profile. */
export class EmulatedPolicyStore implements PolicyWatcherLibrary {
  readonly calls: { productName: string; registryPath: string | undefined }[] = [];
  private watchers = new Set<() => void>();

  constructor(private store: RecordedStore) {}

  createWatcher(
    productName: string,
    policies: Record<string, Declared>,
    onDidChange: (update: Record<string, NativeValue | undefined>) => void,
    options?: { registryPath?: string },
  ) {
    this.calls.push({ productName, registryPath: options?.registryPath });
    const read = () =>
      Object.fromEntries(
        Object.entries(policies).map(([name, d]) => [
          name,
          this.store.os === 'windows'
            ? readRegistry(
                this.store.dump,
                options?.registryPath ?? `Software\\Policies\\Microsoft\\${productName}`,
                name,
                d,
              )
            : readManaged(this.store.prefs, name, d),
        ]),
      );
    let last = read();
    const set = (o: Record<string, NativeValue | undefined>) =>
      Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
    const refresh = () => {
      const next = read();
      const update = { ...set(next) };
      for (const k of Object.keys(last)) if (last[k] !== undefined && next[k] === undefined) update[k] = undefined;
      last = next;
      onDidChange(update);
    };
    this.watchers.add(refresh);
    // The library answers from its worker thread, after createWatcher returned.
    setTimeout(() => onDidChange(set(last)), 1);
    return {
      dispose: () => {
        this.watchers.delete(refresh);
      },
    };
  }

  replace(store: RecordedStore) {
    this.store = store;
    for (const w of this.watchers) w();
  }
}
