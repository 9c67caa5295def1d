import type { Configuration } from 'electron-builder';

/**
 * The installer configuration, typed. Every Electron fuse is set explicitly (`Required<>` makes a missing one a
 * type error), so a new fuse in a later Electron cannot slip in with its permissive default unnoticed.
 */
type Fuses = Required<Omit<NonNullable<Configuration['electronFuses']>, 'resetAdHocDarwinSignature'>>;
export const fuses: Fuses = {
  runAsNode: false,
  enableCookieEncryption: true,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  loadBrowserProcessSpecificV8Snapshot: false,
  grantFileProtocolExtraPrivileges: false,
};

export const config: Configuration = {
  appId: 'org.diadema.softphone',
  productName: 'Diadema',
  directories: { output: 'dist/installers', buildResources: 'build/resources' },
  files: ['dist/electron/**', 'dist/node/store-worker.mjs', 'dist/renderer/**', 'package.json', '!**/*.map'],
  // Native addons cannot load from inside the asar archive.
  // The store's worker thread runs from the unpacked copy (store-client.ts looks there first).
  asarUnpack: ['**/node_modules/better-sqlite3/**', '**/node_modules/bindings/**', '**/node_modules/file-uri-to-path/**', '**/node_modules/node-hid/**', '**/node_modules/@vscode/policy-watcher/**', 'dist/node/store-worker.mjs'],
  electronFuses: { ...fuses, resetAdHocDarwinSignature: true },
  // node-hid, better-sqlite3 and @vscode/policy-watcher are N-API / rebuilt by electron-builder for Electron's ABI.
  npmRebuild: true,
  win: { target: [{ target: 'msi', arch: ['x64'] }, { target: 'nsis', arch: ['x64'] }] },
  // IT deploys per machine, silently, under Group Policy; per-user installs would dodge machine policy.
  msi: { perMachine: true, oneClick: true, runAfterFinish: false, createDesktopShortcut: true },
  nsis: { oneClick: false, perMachine: true, allowElevation: true, allowToChangeInstallationDirectory: false },
  mac: { target: ['dmg'], category: 'public.app-category.business', hardenedRuntime: true, entitlements: 'build/entitlements.mac.plist', entitlementsInherit: 'build/entitlements.mac.plist', extendInfo: { NSMicrophoneUsageDescription: 'Diadema uses the microphone for calls.' } },
  linux: {
    target: ['deb', 'AppImage'], category: 'Office',
    // Headset buttons need read/write access to hidraw nodes for the logged-in user.
    extraFiles: [{ from: 'build/udev/70-diadema-headsets.rules', to: 'udev/70-diadema-headsets.rules' }],
  },
  deb: { afterInstall: 'build/linux-after-install.sh' },
  publish: null,
};

export default config;
