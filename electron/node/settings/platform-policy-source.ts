import { policyLocations } from '@common/settings/policy-locations';
import { jsonFileLayer, type LayerSource } from './layer-source';
import { managedPolicyLayer, type PolicyWatcherLibrary } from './managed-policy-layer';

// The specifier is a variable so that bundlers leave the native addon to be loaded from node_modules at run time.
const policyWatcherModule = '@vscode/policy-watcher';
const loadPolicyWatcher = async (): Promise<PolicyWatcherLibrary> => {
  const m = (await import(policyWatcherModule)) as PolicyWatcherLibrary & { default?: PolicyWatcherLibrary };
  return typeof m.createWatcher === 'function' ? m : m.default!;
};

/**
 * The IT policy layer for this machine, from a place the agent cannot write: Group Policy on Windows, managed
 * preferences on macOS, /etc/diadema/policy.json elsewhere. `overrideFile` (the browser host's
 * DIADEMA_POLICY_FILE, for thin-client images and tests) replaces it with a watched JSON file.
 */
export function platformPolicySource(
  o: {
    platform?: NodeJS.Platform;
    overrideFile?: string;
    load?: () => Promise<PolicyWatcherLibrary>;
  } = {},
): LayerSource {
  const platform = o.platform ?? process.platform;
  const load = o.load ?? loadPolicyWatcher;
  if (o.overrideFile) return jsonFileLayer('policy', o.overrideFile, { quarantineDamaged: false, watch: true });
  if (platform === 'win32') {
    return managedPolicyLayer({
      name: 'policy',
      productName: 'Diadema',
      registryPath: policyLocations.windowsRegistryKey,
      load,
    });
  }
  if (platform === 'darwin')
    return managedPolicyLayer({ name: 'policy', productName: policyLocations.macDomain, load });
  return jsonFileLayer('policy', policyLocations.linuxFile, { quarantineDamaged: false, watch: true });
}
