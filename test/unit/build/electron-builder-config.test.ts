import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FuseV1Options, FuseVersion } from '@electron/fuses';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { Ajv } from 'ajv';
import { minimatch } from 'minimatch';
import * as plist from 'plist';
import { describe, expect, it } from 'vitest';
import {
  afterPack,
  config,
  electronBinary,
  fuses,
  fuseWire,
  nativeModules,
  withPolicyProperties,
  wixPolicyInclude,
  type FuseName,
} from '../../../build/electron-builder.config';
import { policyLocations } from '@common/settings/policy-locations';
import { isSettingKey, settingsSchema } from '@common/settings/schema';

// The installers cannot be built here (no Electron binary can be downloaded on these machines), so this checks
// the configuration where it is decided: against electron-builder's own schema, and for what IT relies on.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const read = (p: string) => readFileSync(path.join(root, p), 'utf8');
const require = createRequire(import.meta.url);
const builderLib = path.dirname(
  require.resolve('app-builder-lib/package.json', { paths: [path.join(root, 'node_modules/electron-builder')] }),
);

describe('electron-builder configuration: the schema', () => {
  it('is valid for the JSON schema shipped in electron-builder (app-builder-lib/scheme.json)', () => {
    const scheme = JSON.parse(readFileSync(path.join(builderLib, 'scheme.json'), 'utf8')) as object;
    // Stricter than electron-builder's own check: no type coercion, and its `typeof` keyword (hooks given as
    // functions) is enforced instead of ignored.
    const ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addKeyword({
      keyword: 'typeof',
      schemaType: 'string',
      validate: (type: string, data: unknown) => typeof data === type,
    });
    const validate = ajv.compile(scheme);
    const valid = validate(config);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it("passes electron-builder's own validation, as `npm run dist` would run it", async () => {
    const { validateConfiguration } = require(path.join(builderLib, 'out/util/config/config.js')) as {
      validateConfiguration(c: object, logger: { isEnabled: boolean; add(): void }): Promise<void>;
    };
    await expect(validateConfiguration(config, { isEnabled: false, add: () => undefined })).resolves.toBeUndefined();
  });
});

describe('electron-builder configuration: what IT relies on', () => {
  it('installs per machine on Windows (MSI and NSIS) and never starts the app from the installer', () => {
    expect(config.win?.target).toEqual([
      { target: 'msi', arch: ['x64'] },
      { target: 'nsis', arch: ['x64'] },
    ]);
    expect(config.msi).toMatchObject({ perMachine: true, runAfterFinish: false });
    expect(config.nsis).toMatchObject({
      perMachine: true,
      oneClick: false,
      selectPerMachineByDefault: true,
      runAfterFinish: false,
    });
  });

  it('sets every fuse @electron/fuses knows, the security ones to the safe value', () => {
    const known = Object.keys(FuseV1Options).filter((k) => Number.isNaN(Number(k)));
    expect(Object.keys(fuses).sort()).toEqual(known.sort());
    expect(known).toContain('WasmTrapHandlers');
    expect(fuses).toEqual({
      RunAsNode: false,
      EnableCookieEncryption: true,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      EnableEmbeddedAsarIntegrityValidation: true,
      OnlyLoadAppFromAsar: true,
      LoadBrowserProcessSpecificV8Snapshot: false,
      GrantFileProtocolExtraPrivileges: false,
      WasmTrapHandlers: true,
    });
  });

  it('flips the whole fuse wire after pack, by index, refusing a binary with a fuse it does not set', async () => {
    const wire = fuseWire('linux') as unknown as Record<string, unknown>;
    expect(wire).toMatchObject({
      version: FuseVersion.V1,
      strictlyRequireAllFuses: true,
      resetAdHocDarwinSignature: false,
    });
    for (const name of Object.keys(fuses) as FuseName[]) expect(wire[String(FuseV1Options[name])]).toBe(fuses[name]);
    expect(fuseWire('darwin').resetAdHocDarwinSignature).toBe(true);
    // electron-builder's own fuse option stays off: its tool cannot set the whole wire (next test).
    expect(config.electronFuses).toBeNull();
    expect(config.afterPack).toBe(afterPack);
  });

  it('afterPack writes the whole 9-fuse wire of Electron 45 and refuses a longer one', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'diadema-fuses-'));
    const context = {
      appOutDir: dir,
      electronPlatformName: 'linux',
      packager: { appInfo: { productFilename: 'Diadema' } },
    };
    const binary = electronBinary(context as never);
    expect(binary).toBe(path.join(dir, 'diadema-desktop'));
    expect(electronBinary({ ...context, electronPlatformName: 'win32' } as never)).toBe(path.join(dir, 'Diadema.exe'));
    expect(electronBinary({ ...context, electronPlatformName: 'darwin' } as never)).toBe(path.join(dir, 'Diadema.app'));

    writeFileSync(binary, fakeElectron(9));
    await afterPack(context as never);
    const expected = (Object.keys(fuses) as FuseName[])
      .sort((a, b) => FuseV1Options[a] - FuseV1Options[b])
      .map((name) => (fuses[name] ? '1' : '0'))
      .join('');
    expect(fuseWireOf(readFileSync(binary))).toBe(expected);

    // A later Electron with a fuse nobody decided on: the build stops instead of shipping its default.
    writeFileSync(binary, fakeElectron(10));
    await expect(afterPack(context as never)).rejects.toThrow(/strictlyRequireAllFuses/);

    // Why not electron-builder's addElectronFuses: its bundled @electron/fuses 1.8 refuses the 9-fuse wire.
    const bundled = require(require.resolve('@electron/fuses', { paths: [builderLib] })) as {
      flipFuses(p: string, c: object): Promise<number>;
    };
    writeFileSync(binary, fakeElectron(9));
    await expect(bundled.flipFuses(binary, fuseWire('linux'))).rejects.toThrow(/strictlyRequireAllFuses/);
  });

  it('unpacks every native module of dependencies and optionalDependencies from the asar', () => {
    const pkg = JSON.parse(read('package.json')) as {
      dependencies: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    const all = Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies });
    const isNative = (m: string) => {
      const dir = path.join(root, 'node_modules', m);
      const meta = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { gypfile?: boolean };
      return meta.gypfile === true || existsSync(path.join(dir, 'binding.gyp'));
    };
    const native = all.filter(isNative);
    expect(native.sort()).toEqual([...nativeModules].sort());
    const unpack = config.asarUnpack as string[];
    for (const m of native) {
      const addon = `node_modules/${m}/build/Release/addon.node`;
      expect(
        unpack.some((g) => minimatch(addon, g, { dot: true })),
        `${m} is unpacked`,
      ).toBe(true);
    }
    expect(unpack).toContain('dist/node/store-worker.mjs');
  });

  it('macOS: dmg, zip (updates) and pkg (MDM, /Applications), hardened runtime, microphone and allow-jit', () => {
    expect(config.mac?.target).toEqual(['dmg', 'zip', 'pkg']);
    expect(config.mac).toMatchObject({
      hardenedRuntime: true,
      entitlements: 'build/entitlements.mac.plist',
      entitlementsInherit: 'build/entitlements.mac.plist',
    });
    expect(config.pkg).toMatchObject({ installLocation: '/Applications', isRelocatable: false });
    expect(String((config.mac?.extendInfo as Record<string, unknown>).NSMicrophoneUsageDescription)).not.toBe('');
    const entitlements = plist.parse(read('build/entitlements.mac.plist')) as Record<string, unknown>;
    expect(entitlements).toEqual({
      'com.apple.security.cs.allow-jit': true,
      'com.apple.security.device.audio-input': true,
      'com.apple.security.device.usb': true,
    });
  });

  it('Linux: deb, rpm and AppImage; the udev rule is in the packages and the scripts install and remove it', () => {
    expect(config.linux?.target).toEqual(['deb', 'rpm', 'AppImage']);
    // The browser host's package (build/deb/) owns the `diadema` command.
    expect(config.linux?.executableName).toBe('diadema-desktop');
    expect(config.linux?.extraFiles).toEqual([
      { from: 'build/udev/70-diadema-headsets.rules', to: 'udev/70-diadema-headsets.rules' },
    ]);
    for (const target of [config.deb, config.rpm]) {
      expect(target).toMatchObject({
        afterInstall: 'build/linux-after-install.sh',
        afterRemove: 'build/udev/after-remove.sh',
      });
    }
    const install = renderFpmScript('build/linux-after-install.sh');
    expect(install).toMatch(/install -D -m 0644 "\$app_dir\/udev\/\$rules" "\/etc\/udev\/rules\.d\/\$rules"/);
    expect(install).toMatch(/udevadm control --reload-rules/);
    expect(install).toMatch(/udevadm trigger --subsystem-match=hidraw/);
    expect(install).toContain("app_dir='/opt/Diadema'");
    expect(renderFpmScript('build/udev/after-remove.sh')).toMatch(/rm -f "\/etc\/udev\/rules\.d\/\$rules"/);
  });
});

describe('MSI policy properties', () => {
  const include = read(wixPolicyInclude);
  // electron-builder's MSI template, unrendered: its {{ }} blocks are text, so it parses as XML.
  const template = readFileSync(path.join(builderLib, 'templates/msi/template.xml'), 'utf8');
  const parse = (xml: string) =>
    new DOMParser({
      onError: (level, msg) => {
        throw new Error(`${level}: ${msg}`);
      },
    }).parseFromString(xml, 'text/xml');
  const project = parse(withPolicyProperties(template, include));
  const all = (name: string) => Array.from(project.getElementsByTagName(name));

  it('adds public, secure properties that write HKLM\\SOFTWARE\\Policies\\Diadema inside <Product>', () => {
    const props = all('Property').filter((p) => p.getAttribute('Id')?.startsWith('DIADEMA_'));
    expect(props.map((p) => [p.getAttribute('Id'), p.getAttribute('Secure')])).toEqual([
      ['DIADEMA_PROFILE_URL', 'yes'],
      ['DIADEMA_TRUSTED_KEY', 'yes'],
    ]);
    const values = all('RegistryValue');
    expect(values.map((v) => [v.getAttribute('Root'), v.getAttribute('Key'), v.getAttribute('Name')])).toEqual([
      ['HKLM', policyLocations.windowsRegistryKey, 'profile.url'],
      ['HKLM', policyLocations.windowsRegistryKey, 'profile.trustedKeys'],
    ]);
    for (const v of values) expect((v.parentNode as Element).parentNode?.parentNode?.nodeName).toBe('Product');
  });

  it('writes a value only when its property is given, and every component belongs to the product feature', () => {
    const components = all('Component').filter((c) => c.getAttribute('Id')?.startsWith('DiademaPolicy'));
    for (const c of components) {
      const property = /\[(\w+)\]/.exec(
        c.textContent + (c.getElementsByTagName('RegistryValue')[0]?.getAttribute('Value') ?? ''),
      )?.[1];
      expect(c.getElementsByTagName('Condition')[0]?.textContent).toBe(property);
    }
    const refs = all('FeatureRef').flatMap((f) =>
      Array.from(f.getElementsByTagName('ComponentRef')).map((r) => r.getAttribute('Id')),
    );
    expect(refs).toEqual(components.map((c) => c.getAttribute('Id')));
    expect(all('Feature').map((f) => f.getAttribute('Id'))).toContain('ProductFeature');
    expect(all('FeatureRef').map((f) => f.getAttribute('Id'))).toEqual(['ProductFeature']);
  });

  it('names settings IT may lock (a name the schema does not have yet is left to the policy reader to report)', () => {
    for (const name of all('RegistryValue').map((v) => v.getAttribute('Name')!)) {
      if (isSettingKey(name)) expect(settingsSchema[name].policy, name).toBe(true);
    }
  });

  it('refuses a template that changed shape', () => {
    expect(() => withPolicyProperties('<Wix/>', include)).toThrow(/template changed/);
  });
});

// One shape for every line: hidraw only, a vendor, maybe a product, and access for the logged-in user (uaccess).
const ruleLine = new RegExp(
  '^SUBSYSTEM=="hidraw", KERNEL=="hidraw\\*", ATTRS\\{idVendor\\}=="[0-9a-f]{4}", ' +
    '(ATTRS\\{idProduct\\}=="[0-9a-f]{4}", )?TAG\\+="uaccess"$',
);

describe('udev rule', () => {
  const rules = read('build/udev/70-diadema-headsets.rules')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'));
  const parsed = rules.map((l) => ({
    vendor: /ATTRS\{idVendor\}=="([0-9a-f]{4})"/.exec(l)?.[1],
    product: /ATTRS\{idProduct\}=="([0-9a-f]{4})"/.exec(l)?.[1],
    line: l,
  }));
  const matches = (vid: string, pid: string) =>
    parsed.some((r) => r.vendor === vid && (r.product === undefined || r.product === pid));
  const headsetOnlyVendors = new Set(['0b0e', '047f', '1395', '6993']);

  it('gives hidraw access only, to the logged-in user', () => {
    for (const r of parsed) expect(r.line).toMatch(ruleLine);
  });

  it('opens every headset Diadema is tested with', () => {
    const devices = JSON.parse(read('test/fixtures/hid/headset-descriptors.json')) as {
      vid: string;
      pid: string;
      product: string;
    }[];
    for (const d of devices) {
      const vid = d.vid.slice(2).toLowerCase();
      const pid = d.pid.slice(2).toLowerCase();
      expect(matches(vid, pid), d.product).toBe(true);
      // A mixed vendor's line names the model: the rule grows with the fixtures, one line a headset.
      if (!headsetOnlyVendors.has(vid))
        expect(
          parsed.some((r) => r.vendor === vid && r.product === pid),
          d.product,
        ).toBe(true);
    }
  });

  it('leaves keyboards and mice alone: only headset-only vendors are matched without a product', () => {
    for (const r of parsed.filter((x) => x.product === undefined))
      expect(headsetOnlyVendors.has(r.vendor!), r.line).toBe(true);
    expect(matches('046d', 'c31c')).toBe(false); // Logitech keyboard K120
    expect(matches('046d', 'c077')).toBe(false); // Logitech mouse M105
    expect(matches('1532', '0084')).toBe(false); // Razer mouse
  });
});

describe('install scripts', () => {
  const shellcheck = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' });
  const reason = 'shellcheck is not installed (apt-get install shellcheck; .ci/run installs it)';
  it.skipIf(shellcheck.status !== 0)(
    `pass shellcheck as electron-builder renders them (skipped only when ${reason})`,
    () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'diadema-shellcheck-'));
      for (const script of ['build/linux-after-install.sh', 'build/udev/after-remove.sh']) {
        const file = path.join(dir, path.basename(script));
        writeFileSync(file, renderFpmScript(script));
        const r = spawnSync('shellcheck', ['--shell=sh', '--severity=style', file], { encoding: 'utf8' });
        expect(r.stdout + r.stderr, script).toBe('');
        expect(r.status, script).toBe(0);
      }
    },
  );
});

/**
 * An fpm script as electron-builder writes it into the package: its dollar-brace macros filled in, any other one
 * an error (FpmTarget's writeConfigFile), with the values this configuration gives them.
 */
function renderFpmScript(file: string): string {
  const macros: Record<string, string> = {
    executable: config.linux!.executableName!,
    sanitizedProductName: config.productName!,
    productFilename: config.productName!,
  };
  return read(file).replace(/\$\{([a-zA-Z]+)\}/g, (_m, name: string) => {
    if (!(name in macros)) throw new Error(`${file}: macro ${name} is not defined`);
    return macros[name]!;
  });
}

/** Bytes around Electron's fuse sentinel, as in its binary: version 1, the wire length, every fuse enabled. */
const sentinel = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
function fakeElectron(wireLength: number): Buffer {
  return Buffer.concat([
    Buffer.from('\x7fELF padding'),
    Buffer.from(sentinel),
    Buffer.from([1, wireLength]),
    Buffer.from('1'.repeat(wireLength)),
    Buffer.from('more binary'),
  ]);
}
function fuseWireOf(binary: Buffer): string {
  const at = binary.indexOf(sentinel) + sentinel.length;
  return binary.subarray(at + 2, at + 2 + binary[at + 1]!).toString();
}
