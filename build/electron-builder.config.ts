import { flipFuses, FuseV1Options, FuseVersion, type FuseV1Config } from '@electron/fuses';
import type { AfterPackContext, Configuration } from 'electron-builder';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The installer configuration, typed, for how IT deploys: per-machine MSI (silent, with public properties that
 * write policy) and NSIS on Windows, dmg and pkg (for MDM) on macOS, deb, rpm and AppImage on Linux.
 * It cannot be built on the development VMs (no Electron binary can be downloaded there):
 * test/unit/build/electron-builder-config.test.ts validates it against electron-builder's own JSON schema and
 * checks what IT relies on. `npm run dist` (build/installer.mjs) builds it where Electron can be had.
 */

/**
 * Every fuse of Electron's fuse wire, by the names of @electron/fuses 2.x (which knows Electron 45's
 * WasmTrapHandlers; electron-builder's `electronFuses` option and its bundled @electron/fuses 1.8 stop one short).
 * `Record` over the enum makes a fuse added in a later @electron/fuses a type error here until it is decided.
 */
export type FuseName = keyof typeof FuseV1Options;
export const fuses: Record<FuseName, boolean> = {
  // No `ELECTRON_RUN_AS_NODE`: the app binary cannot be used as a plain Node to run someone else's script.
  RunAsNode: false,
  EnableCookieEncryption: true,
  // No NODE_OPTIONS / NODE_EXTRA_CA_CERTS and no --inspect: nothing can be injected into the main process.
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  // Only the signed, integrity-checked app.asar runs (the native addons and the store worker are unpacked).
  EnableEmbeddedAsarIntegrityValidation: true,
  OnlyLoadAppFromAsar: true,
  // No browser-specific V8 snapshot is shipped.
  LoadBrowserProcessSpecificV8Snapshot: false,
  // The renderer is served from app://, never file://.
  GrantFileProtocolExtraPrivileges: false,
  // Electron's default: V8 traps out-of-bounds WebAssembly memory access with signal handlers.
  WasmTrapHandlers: true,
};

/** The fuse wire for @electron/fuses: every fuse by its index, and a binary with a fuse not listed here fails. */
export function fuseWire(platform: string): FuseV1Config {
  const byIndex = Object.fromEntries(
    (Object.keys(fuses) as FuseName[]).map((name) => [FuseV1Options[name], fuses[name]]),
  );
  return {
    version: FuseVersion.V1,
    // Ad-hoc signatures break when bytes change; electron-builder signs right after this, but an unsigned build
    // (no identity on the build machine) would not launch on Apple silicon without it.
    resetAdHocDarwinSignature: platform === 'darwin',
    strictlyRequireAllFuses: true,
    ...(byIndex as Record<FuseV1Options, boolean>),
  };
}

/**
 * Flips the fuses where electron-builder would (after pack, right before signing), with @electron/fuses 2.x.
 * Not through electron-builder's `addElectronFuses`: it runs its bundled @electron/fuses 1.8, which builds an
 * 8-fuse wire and so, with `strictlyRequireAllFuses`, refuses Electron 45's 9-fuse binary (a test shows it).
 */
export async function afterPack(context: Pick<AfterPackContext, 'appOutDir' | 'electronPlatformName' | 'packager'>) {
  await flipFuses(electronBinary(context), fuseWire(context.electronPlatformName));
}

/** The packed Electron binary, named as electron-builder's own `addElectronFuses` names it. */
export function electronBinary(context: Pick<AfterPackContext, 'appOutDir' | 'electronPlatformName' | 'packager'>) {
  const platform = context.electronPlatformName;
  const ext = platform === 'darwin' || platform === 'mas' ? '.app' : platform === 'win32' ? '.exe' : '';
  const name = platform === 'linux' ? linuxExecutable : context.packager.appInfo.productFilename;
  return path.join(context.appOutDir, `${name}${ext}`);
}

// Not `diadema`: that command is the CLI of the browser host's package (build/deb/), which may sit beside it.
const linuxExecutable = 'diadema-desktop';

/** The WiX include with the MSI's public policy properties (see the file). Paths are relative to the repository. */
export const wixPolicyInclude = 'build/wix/policy-properties.wxi';

/** The project electron-builder generated, with the inside of the include added before `</Product>`. */
export function withPolicyProperties(project: string, include: string): string {
  // Comments out first: the file's own comment names the element.
  const inner = /<Include\b[^>]*>([\s\S]*)<\/Include>/.exec(include.replace(/<!--[\s\S]*?-->/g, ''))?.[1];
  if (inner === undefined) throw new Error(`${wixPolicyInclude}: no <Include> element`);
  if (project.split('</Product>').length !== 2) {
    throw new Error(
      "electron-builder's MSI project has not exactly one </Product>: its template changed, see build/wix",
    );
  }
  return project.replace('</Product>', `${inner}</Product>`);
}

async function msiProjectCreated(projectFile: string): Promise<void> {
  const include = await readFile(path.resolve(wixPolicyInclude), 'utf8');
  await writeFile(projectFile, withPolicyProperties(await readFile(projectFile, 'utf8'), include));
}

/** Native addons: they cannot load from inside the asar archive (a test checks every one in dependencies is here). */
export const nativeModules = ['better-sqlite3', 'node-hid', '@vscode/policy-watcher'] as const;

export const config: Configuration = {
  appId: 'org.diadema.softphone',
  productName: 'Diadema',
  extraMetadata: { homepage: 'https://diadema.example/' },
  directories: { output: 'dist/installers', buildResources: 'build/resources' },
  files: ['dist/electron/**', 'dist/node/store-worker.mjs', 'dist/renderer/**', 'package.json', '!**/*.map'],
  asarUnpack: [
    ...nativeModules.map((m) => `**/node_modules/${m}/**`),
    // better-sqlite3 finds its addon through these two.
    '**/node_modules/bindings/**',
    '**/node_modules/file-uri-to-path/**',
    // The store's worker thread runs from the unpacked copy only (store-client.ts looks nowhere else).
    'dist/node/store-worker.mjs',
  ],
  // Flipped in afterPack with every fuse (see `fuses`); electron-builder's own option and tool stop one fuse short.
  electronFuses: null,
  afterPack,
  // The native addons are rebuilt by electron-builder for Electron's ABI.
  npmRebuild: true,
  // electron-updater's feed files (latest.yml, blockmaps) are written for a generic HTTPS feed: the vendor's, named
  // at build time (DIADEMA_UPDATE_FEED; the build stops when it is not set), or the internal mirror IT copies them
  // to and names in the `updates.url` policy.
  publish: { provider: 'generic', url: '${env.DIADEMA_UPDATE_FEED}' },

  win: {
    target: [
      { target: 'msi', arch: ['x64'] },
      { target: 'nsis', arch: ['x64'] },
    ],
  },
  // IT deploys per machine, silently (`msiexec /i Diadema.msi /qn`), under Group Policy; a per-user install would
  // dodge machine policy. The policy properties are added to the project by msiProjectCreated.
  msi: { perMachine: true, oneClick: true, runAfterFinish: false, createDesktopShortcut: true, warningsAsErrors: true },
  msiProjectCreated,
  // The second option: `Diadema-Setup.exe /S` (per machine, elevated, no choices to make).
  nsis: {
    oneClick: false,
    perMachine: true,
    allowElevation: true,
    allowToChangeInstallationDirectory: false,
    selectPerMachineByDefault: true,
    runAfterFinish: false,
    deleteAppDataOnUninstall: false,
  },

  mac: {
    // The zip is what electron-updater installs from (Squirrel.Mac); the dmg and pkg are for people and MDM.
    target: ['dmg', 'zip', 'pkg'],
    category: 'public.app-category.business',
    hardenedRuntime: true,
    gatekeeperAssess: false,
    entitlements: 'build/entitlements.mac.plist',
    entitlementsInherit: 'build/entitlements.mac.plist',
    extendInfo: { NSMicrophoneUsageDescription: 'Diadema uses the microphone for calls.' },
  },
  // For MDM (Intune, Jamf): always /Applications, never moved next to an older copy the agent dragged elsewhere.
  pkg: {
    installLocation: '/Applications',
    isRelocatable: false,
    allowAnywhere: false,
    allowCurrentUserHome: false,
    allowRootDirectory: true,
    overwriteAction: 'upgrade',
    mustClose: ['org.diadema.softphone'],
  },

  linux: {
    target: ['deb', 'rpm', 'AppImage'],
    category: 'Office',
    executableName: linuxExecutable,
    // fpm needs a maintainer and a homepage; the same as the browser host's Debian package (build/deb/).
    maintainer: 'Diadema maintainers <maintainers@diadema.example>',
    // Headset buttons need read/write access to the headsets' hidraw nodes for the logged-in user.
    extraFiles: [{ from: 'build/udev/70-diadema-headsets.rules', to: 'udev/70-diadema-headsets.rules' }],
  },
  // Custom scripts replace electron-builder's own: they also do its work (see the scripts).
  deb: { afterInstall: 'build/linux-after-install.sh', afterRemove: 'build/udev/after-remove.sh' },
  rpm: { afterInstall: 'build/linux-after-install.sh', afterRemove: 'build/udev/after-remove.sh' },
};

export default config;
