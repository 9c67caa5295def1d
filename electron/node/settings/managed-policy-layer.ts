import { Emitter } from '@common/emitter';
import type { LayerRead, LayerSource } from './layer-source';
import { decodeNativePolicy, nativeKind, nativePolicyKeys, type NativeValue } from './native-policy-values';

/**
 * The part of `@vscode/policy-watcher` used here. The library reads Group Policy (HKLM, then HKCU, under
 * `registryPath`) on Windows and forced managed preferences of the `productName` domain on macOS, calls back at
 * once with every value that is set and again after each change (a value removed comes as `undefined`).
 */
export type PolicyTypeName = 'string' | 'number' | 'boolean';
export interface PolicyWatcherLibrary {
  createWatcher(
    productName: string,
    policies: Record<string, { type: PolicyTypeName | readonly [PolicyTypeName, ...PolicyTypeName[]] }>,
    onDidChange: (update: Record<string, NativeValue | undefined>) => void,
    options?: { registryPath?: string },
  ): { dispose(): void };
}

export interface ManagedPolicyOptions {
  name: string;
  /** Windows: unused when `registryPath` is given. macOS: the managed-preferences domain. */
  productName: string;
  registryPath?: string;
  /** Loads the native library; only called on the first read, so other platforms never load it. */
  load: () => Promise<PolicyWatcherLibrary>;
  /** How long the first reading may take before the layer counts as unreadable. */
  firstReadMs?: number;
}

/** What each key is declared as to the library: numbers also as text, for IT who types them as REG_SZ. */
const declaredTypes = Object.fromEntries(
  nativePolicyKeys.map((k) => {
    const kind = nativeKind(k);
    return [
      k,
      { type: kind === 'number' ? (['number', 'string'] as const) : kind === 'boolean' ? 'boolean' : 'string' },
    ];
  }),
) as Record<string, { type: PolicyTypeName | readonly [PolicyTypeName, ...PolicyTypeName[]] }>;

/**
 * IT policy from the operating system's managed store, through `@vscode/policy-watcher`. The watcher starts at
 * the first read and stays for the life of the process (it is what tells us about changes); `watch` reports each
 * later change. A library that cannot load or start is an unreadable layer, never a crash.
 */
export function managedPolicyLayer(o: ManagedPolicyOptions): LayerSource & { dispose(): void } {
  let current: Record<string, NativeValue | undefined> = {};
  let started: Promise<void> | undefined;
  let watcher: { dispose(): void } | undefined;
  const changes = new Emitter<void>();

  const start = () =>
    (started ??= (async () => {
      const lib = await o.load();
      await new Promise<void>((resolve, reject) => {
        let first = true;
        const timer = setTimeout(
          () => reject(new Error(`no answer from the policy store in ${o.firstReadMs ?? 5000} ms`)),
          o.firstReadMs ?? 5000,
        );
        watcher = lib.createWatcher(
          o.productName,
          declaredTypes,
          (update) => {
            // Each update lists every value that is set; one that is gone comes as undefined.
            const next = { ...current, ...update };
            for (const [k, v] of Object.entries(next)) if (v === undefined) delete next[k];
            current = next;
            if (first) {
              first = false;
              clearTimeout(timer);
              resolve();
            } else changes.emit();
          },
          o.registryPath ? { registryPath: o.registryPath } : undefined,
        );
      });
    })());

  return {
    name: o.name,
    async read(): Promise<LayerRead> {
      try {
        await start();
      } catch (e) {
        // Try again on the next read: a library missing now stays missing, but a slow first answer may come.
        started = undefined;
        watcher?.dispose();
        watcher = undefined;
        return { values: {}, problem: { code: 'unreadable', detail: `${o.name}: ${(e as Error).message}` } };
      }
      return decodeNativePolicy(current);
    },
    watch: (changed) => changes.on(changed),
    dispose() {
      watcher?.dispose();
      watcher = undefined;
      started = undefined;
    },
  };
}
