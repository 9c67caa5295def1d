import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SettingsView } from '@common/contract/settings';
import { policyLocations } from '@common/settings/policy-locations';
import { silentLogger } from '../../../../electron/node/log';
import { jsonFileLayer, type LayerSource } from '../../../../electron/node/settings/layer-source';
import { managedPolicyLayer } from '../../../../electron/node/settings/managed-policy-layer';
import { platformPolicySource } from '../../../../electron/node/settings/platform-policy-source';
import { SettingsService } from '../../../../electron/node/settings/settings-service';
import { EmulatedPolicyStore, readPlist, readRegistryDump, type RecordedStore } from './policy-store-emulation';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures/policy');
const fixture = (name: string) => path.join(fixtures, name);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'diadema-policy-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** One policy source over recorded values, and how IT changes it while the app runs; fresh for each test. */
interface Case {
  name: string;
  start: () => { source: LayerSource; change: () => void };
}
const registry = (file: string) => ({ os: 'windows' as const, dump: readRegistryDump(fixture(file)) });
const managed = (file: string) => ({ os: 'macos' as const, prefs: readPlist(fixture(file)) });
const viaLibrary = (os: 'win32' | 'darwin', lib: EmulatedPolicyStore) =>
  platformPolicySource({ platform: os, load: async () => lib });
const emulated = (os: 'win32' | 'darwin', first: RecordedStore, changed: () => RecordedStore) => () => {
  const lib = new EmulatedPolicyStore(first);
  return { source: viaLibrary(os, lib), change: () => lib.replace(changed()) };
};

const cases: Case[] = [
  {
    name: 'Linux /etc/diadema/policy.json',
    start: () => {
      const file = path.join(dir, 'policy.json');
      copyFileSync(fixture('linux-policy.json'), file);
      return {
        source: jsonFileLayer('policy', file, { quarantineDamaged: false, watch: true }),
        change: () => copyFileSync(fixture('linux-policy-changed.json'), file),
      };
    },
  },
  {
    name: 'Windows Group Policy',
    start: emulated('win32', registry('windows-registry.json'), () => registry('windows-registry-changed.json')),
  },
  {
    name: 'macOS managed preferences (XML plist)',
    start: emulated('darwin', managed('macos-managed.xml.plist'), () => managed('macos-managed-changed.binary.plist')),
  },
  {
    name: 'macOS managed preferences (binary plist)',
    start: emulated('darwin', managed('macos-managed.binary.plist'), () =>
      managed('macos-managed-changed.binary.plist'),
    ),
  },
];

const serviceOver = (policy: LayerSource) =>
  new SettingsService({
    userFile: path.join(dir, 'settings.json'),
    user: jsonFileLayer('user', path.join(dir, 'settings.json'), { quarantineDamaged: true }),
    policy,
    log: silentLogger,
  });
const nextView = (s: SettingsService) =>
  new Promise<SettingsView>((resolve) => {
    const off = s.onChange((v) => {
      off();
      resolve(v);
    });
  });

describe.each(cases)('IT policy from $name', ({ start }) => {
  it('resolves the recorded values to the same locked settings', async () => {
    const s = serviceOver(start().source);
    await s.load();
    s.dispose();
    const policyValues = Object.fromEntries(
      Object.entries(s.view().settings)
        .filter(([, r]) => r.layer === 'policy')
        .map(([k, r]) => [k, r.value]),
    );
    expect(policyValues).toEqual({
      'account.server': 'wss://sip.example.org/ws',
      'ui.language': 'es-MX',
      'audio.callVolume': 60,
      'calls.rejectCode': 603,
      'calls.autoAnswer': true,
      'calls.dtmfMethod': 'info',
      'calls.screenPopHeaders': ['X-Account-Id', 'X-Queue'],
      'hotkeys.mute': 'Alt+M',
      'notes.templates': [{ id: 'short', label: 'Short', fields: ['reason'] }],
      'updates.mode': 'notify',
    });
    expect(s.view().settings['ui.language']?.locked).toBe(true);
  });

  it('ignores each invalid value with a reason for IT, and keeps the rest of the policy', async () => {
    const s = serviceOver(start().source);
    await s.load();
    s.dispose();
    const issues = s.view().issues.filter((i) => i.layer === 'policy');
    expect(issues.map((i) => [i.key, i.code]).sort()).toEqual([
      ['acw.durationSec', 'invalid-value'],
      ['hotkeys.hold', 'invalid-value'],
    ]);
    expect(issues.find((i) => i.key === 'hotkeys.hold')?.detail).toMatch(/modifier is given twice/);
    expect(issues.find((i) => i.key === 'acw.durationSec')?.detail).toMatch(/3600/);
    expect(s.get('acw.durationSec')).toBe(60);
    expect(s.view().settings['hotkeys.hold']).toMatchObject({ layer: 'default', locked: false });
  });

  it('applies a change live, with a settings event', async () => {
    const { source, change } = start();
    const s = serviceOver(source);
    await s.load();
    const changed = nextView(s);
    change();
    const view = await changed;
    s.dispose();
    expect(view.settings['ui.language']).toEqual({ value: 'en', layer: 'policy', locked: true });
    expect(view.settings['calls.autoAnswer']).toEqual({ value: false, layer: 'default', locked: false });
    expect(view.settings['audio.callVolume']).toEqual({ value: 60, layer: 'policy', locked: true });
  });
});

describe('platform policy source', () => {
  it('reads Group Policy under the key the ADMX writes, and managed preferences of the mobileconfig domain', async () => {
    const win = new EmulatedPolicyStore(registry('windows-registry.json'));
    await viaLibrary('win32', win).read();
    expect(win.calls).toEqual([{ productName: 'Diadema', registryPath: 'SOFTWARE\\Policies\\Diadema' }]);
    const mac = new EmulatedPolicyStore(managed('macos-managed.xml.plist'));
    await viaLibrary('darwin', mac).read();
    expect(mac.calls).toEqual([{ productName: policyLocations.macDomain, registryPath: undefined }]);
  });

  it('never loads the native library on Linux, nor with the browser host override', async () => {
    const load = () => {
      throw new Error('loaded');
    };
    const linux = platformPolicySource({ platform: 'linux', load });
    const override = platformPolicySource({ platform: 'win32', overrideFile: path.join(dir, 'none.json'), load });
    expect(await linux.read()).toMatchObject({ values: expect.any(Object) as object });
    expect(await override.read()).toEqual({ values: {} });
  });

  it('a native library that cannot load or start is an unreadable layer, never a crash', async () => {
    const missing = platformPolicySource({
      platform: 'darwin',
      load: () => Promise.reject(new Error('Cannot find module')),
    });
    expect((await missing.read()).problem).toMatchObject({
      code: 'unreadable',
      detail: expect.stringContaining('Cannot find module') as string,
    });
    const silent = managedPolicyLayer({
      name: 'policy',
      productName: 'x',
      firstReadMs: 20,
      load: async () => ({ createWatcher: () => ({ dispose: () => undefined }) }),
    });
    expect((await silent.read()).problem?.code).toBe('unreadable');
  });

  it('reports a stored value it cannot decode, and keeps the other values', async () => {
    const lib = new EmulatedPolicyStore({
      os: 'windows',
      dump: {
        'HKLM\\SOFTWARE\\Policies\\Diadema': {
          'notes.dispositions': { type: 'REG_SZ', data: '["resolved", ' },
          'audio.callVolume': { type: 'REG_SZ', data: 'loud' },
          'mute.longMuteSec': { type: 'REG_SZ', data: '30' },
          // A REG_DWORD number is not what the ADMX writes: the library does not read it, so it is not set.
          'acw.durationSec': { type: 'REG_DWORD', data: 30 },
        },
      },
    });
    const s = serviceOver(viaLibrary('win32', lib));
    await s.load();
    s.dispose();
    expect(
      s
        .view()
        .issues.filter((i) => i.layer === 'policy')
        .map((i) => [i.key, i.code])
        .sort(),
    ).toEqual([
      ['audio.callVolume', 'invalid-value'],
      ['notes.dispositions', 'invalid-value'],
    ]);
    expect(s.view().settings['mute.longMuteSec']).toEqual({ value: 30, layer: 'policy', locked: true });
    expect(s.view().settings['acw.durationSec']?.layer).toBe('default');
  });

  it("keeps update control out of the agent's hands", async () => {
    const s = serviceOver(platformPolicySource({ platform: 'linux', overrideFile: path.join(dir, 'none.json') }));
    await s.load();
    s.dispose();
    await expect(s.set({ 'updates.mode': 'auto' })).rejects.toMatchObject({ code: 'locked-setting' });
    expect(s.get('updates.mode')).toBe('off');
  });
});
