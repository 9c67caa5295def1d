// `npm run dist:deb`: the browser host as a Debian package, built with Debian's own tools (dpkg-shlibdeps,
// dpkg-deb), no electron-builder. Needs the bundles (`node build/bundle.mjs`) and node_modules from `npm ci`.
// Layout: /usr/lib/diadema/{bin/node, dist/node, dist/renderer, node_modules, package.json}, /usr/bin/diadema and
// /usr/bin/diadema-browser, a desktop entry, the headset udev rule, /etc/diadema/policy.example.json. See README.md.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { debCacheDir, ensureNodeRuntime, nodeRuntime } from './node-runtime.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const name = 'diadema-browser';
const arch = 'amd64';
export const debFile = path.join(root, 'dist', `${name}_${pkg.version}_${arch}.deb`);

/** Packages the Node bundles load by a computed name, which no `import "…"` in the bundle shows. */
const loadedByName = ['@vscode/policy-watcher'];
/** Declared dependencies used only to install or compile the native modules, never loaded at run time. */
const buildTimeOnly = new Set(['prebuild-install', 'node-addon-api']);
/** Dependencies Debian's archive provides, beside the shared libraries dpkg-shlibdeps finds. */
const extraDepends = ['chromium', 'libusb-1.0-0'];

const started = Date.now();
const stage = path.join(debCacheDir, 'stage');
const lib = path.join(stage, 'usr/lib/diadema');
const doc = path.join(stage, 'usr/share/doc', name);

function fail(message) {
  console.error(`dist-deb: ${message}`);
  process.exit(1);
}
function put(file, text, mode = 0o644) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  chmodSync(file, mode);
}
function copy(from, to, mode = 0o644) {
  mkdirSync(path.dirname(to), { recursive: true });
  copyFileSync(from, to);
  chmodSync(to, mode);
}
function walk(dir, visit) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, visit);
    else visit(p);
  }
}

for (const tool of ['dpkg-deb', 'dpkg-shlibdeps', 'strip']) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0)
    fail(`${tool} is missing: sudo apt-get install dpkg-dev binutils`);
}
const bundles = ['browser-host.mjs', 'cli.mjs', 'store-worker.mjs'].map((f) => path.join(root, 'dist/node', f));
// The packages whose code the Node bundles contain (written by build/bundle.mjs): shipped and listed with their
// licences, like the packages the bundles import.
const bundledList = path.join(root, 'dist/node/bundled-packages.json');
if (![...bundles, bundledList, path.join(root, 'dist/renderer/index.html')].every((f) => existsSync(f))) {
  fail('the bundles are not built: run `node build/bundle.mjs` (or `npm run dist:deb`, which does) first');
}
rmSync(stage, { recursive: true, force: true });

// Core and renderer, as `node build/bundle.mjs` left them (source maps stay out: they name build paths only).
for (const f of bundles) copy(f, path.join(lib, 'dist/node', path.basename(f)));
cpSync(path.join(root, 'dist/renderer'), path.join(lib, 'dist/renderer'), { recursive: true });
put(
  path.join(lib, 'package.json'),
  `${JSON.stringify({ name: 'diadema', version: pkg.version, private: true, type: 'module' }, null, 2)}\n`,
);

// Production node_modules: the closure, through package-lock.json, of the packages the bundles import.
const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')).packages;
const npmName = /^((?:@[a-z0-9~][\w.~-]*\/)?[a-z0-9~][\w.~-]*)(?:\/.*)?$/;
const rootsFound = new Set();
for (const f of bundles) {
  const text = readFileSync(f, 'utf8');
  for (const m of text.matchAll(/\bfrom\s*"([^"]+)"|\bimport\(\s*"([^"]+)"\s*\)/g)) {
    const spec = m[1] ?? m[2];
    const n = spec.startsWith('node:') ? undefined : npmName.exec(spec)?.[1];
    if (n && lock[`node_modules/${n}`]) rootsFound.add(n);
  }
  for (const n of loadedByName) if (text.includes(`"${n}"`)) rootsFound.add(n);
}
for (const n of JSON.parse(readFileSync(bundledList, 'utf8'))) if (lock[`node_modules/${n}`]) rootsFound.add(n);
/** Where Node would find `dep` from the package installed at `from` (a lockfile key). */
function resolveDep(dep, from) {
  for (let dir = from; ; dir = dir.slice(0, Math.max(0, dir.lastIndexOf('/node_modules/')))) {
    const key = `${dir ? `${dir}/` : ''}node_modules/${dep}`;
    if (lock[key]) return key;
    if (!dir) return undefined;
  }
}
const closure = new Set();
const queue = [...rootsFound].map((n) => `node_modules/${n}`);
while (queue.length) {
  const key = queue.pop();
  if (closure.has(key) || !existsSync(path.join(root, key))) continue; // an optional package this platform skipped
  closure.add(key);
  const e = lock[key];
  for (const dep of Object.keys({ ...e.dependencies, ...e.optionalDependencies })) {
    const k = buildTimeOnly.has(dep) ? undefined : resolveDep(dep, key);
    if (k) queue.push(k);
  }
}
// Only what runs on linux-x64: sources, build trees, type declarations, docs and other platforms' prebuilds stay out.
const skipDir = new Set([
  'node_modules',
  'src',
  'deps',
  'test',
  'tests',
  'docs',
  'doc',
  'example',
  'examples',
  '.github',
  'obj.target',
]);
const keepFile = (rel) => {
  if (/^bin\//.test(rel)) return false; // the packages' own command-line tools (install helpers here)
  if (/^hidapi\//.test(rel)) return /^hidapi\/LICENSE[^/]*$/.test(rel); // C sources, built into the prebuilds
  if (/(^|\/)prebuilds\/(?!HID(_hidraw)?-linux-x64\/)/.test(rel)) return false;
  if (/(^|\/)build\//.test(rel))
    return /(^|\/)build\/Release\/[^/]+\.node$/.test(rel) && !rel.endsWith('test_extension.node');
  if (/\.(d\.[cm]?ts|ts|map|md|markdown|gyp|gypi|cc|cpp|c|h|hpp|sh|yml|yaml)$/i.test(rel)) return false;
  return !/(^|\/)(binding\.gyp|Makefile|\.npmignore|\.eslintrc.*|\.prettierrc.*|tsconfig.*\.json)$/.test(rel);
};
const modules = [];
for (const key of [...closure].sort()) {
  const from = path.join(root, key);
  const to = path.join(lib, key);
  const visit = (dir, rel) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!skipDir.has(e.name)) visit(path.join(dir, e.name), r);
        continue;
      }
      if (e.isFile() && keepFile(r)) {
        const dest = path.join(to, r);
        copy(path.join(dir, e.name), dest);
        if (e.name.endsWith('.node'))
          execFileSync('strip', ['--strip-unneeded', '--remove-section=.comment', '--remove-section=.note', dest]);
      }
    }
  };
  visit(from, '');
  modules.push({ key, version: lock[key].version, license: lock[key].license ?? 'see its package.json' });
}

// The Node runtime (see node-runtime.mjs for why it is carried).
const runtimeDir = path.join(debCacheDir, 'runtime');
rmSync(runtimeDir, { recursive: true, force: true });
mkdirSync(runtimeDir, { recursive: true });
execFileSync('tar', ['-xzf', ensureNodeRuntime(), '-C', runtimeDir, 'package/bin/node', 'package/LICENSE']);
copy(path.join(runtimeDir, 'package/bin/node'), path.join(lib, 'bin/node'), 0o755);
execFileSync('strip', [
  '--strip-unneeded',
  '--remove-section=.comment',
  '--remove-section=.note',
  path.join(lib, 'bin/node'),
]);
copy(path.join(runtimeDir, 'package/LICENSE'), path.join(lib, 'bin/node.LICENSE'));
// The native modules must load with that runtime (their ABI is the one of the Node that ran `npm ci`).
const probe = spawnSync(
  path.join(lib, 'bin/node'),
  [
    '-e',
    `
  const { createRequire } = require('node:module');
  const r = createRequire(${JSON.stringify(path.join(lib, 'package.json'))});
  new (r('better-sqlite3'))(':memory:').close(); r('node-hid').devices();
  try { r('@vscode/policy-watcher'); } catch (e) { if (e.code !== 'MODULE_NOT_FOUND') throw e; }`,
  ],
  { encoding: 'utf8' },
);
if (probe.status !== 0)
  fail(`the native modules do not load with the carried Node ${nodeRuntime.version}:\n${probe.stderr}`);

// Commands, desktop entry, udev rule, policy example, manual pages, documentation.
copy(path.join(here, 'diadema'), path.join(stage, 'usr/bin/diadema'), 0o755);
copy(path.join(here, 'diadema-browser'), path.join(stage, 'usr/bin/diadema-browser'), 0o755);
copy(path.join(here, 'diadema-browser.desktop'), path.join(stage, 'usr/share/applications/diadema-browser.desktop'));
copy(
  path.join(root, 'build/udev/70-diadema-headsets.rules'),
  path.join(stage, 'lib/udev/rules.d/70-diadema-headsets.rules'),
);
copy(path.join(root, 'native-config/linux/policy.example.json'), path.join(stage, 'etc/diadema/policy.example.json'));
for (const page of ['diadema.1', 'diadema-browser.1']) {
  put(
    path.join(stage, 'usr/share/man/man1', `${page}.gz`),
    gzipSync(readFileSync(path.join(here, page)), { level: 9 }),
  );
}
put(path.join(stage, 'usr/share/lintian/overrides', name), readFileSync(path.join(here, 'lintian-overrides')));
const moduleList = modules
  .map((m) => ` ${m.key.replace(/^node_modules\//, '').replaceAll('/node_modules/', ' > ')} ${m.version}: ${m.license}`)
  .join('\n');
put(
  path.join(doc, 'copyright'),
  readFileSync(path.join(here, 'copyright'), 'utf8')
    .replace('@YEAR@', String(commitDate().getUTCFullYear()))
    .replace('@MODULES@', moduleList)
    .replace('@NODE_VERSION@', nodeRuntime.version),
);
const date = commitDate().toUTCString().replace('GMT', '+0000');
put(
  path.join(doc, 'changelog.gz'),
  gzipSync(
    `${name} (${pkg.version}) unstable; urgency=medium\n\n` +
      `  * Built from the Diadema sources, version ${pkg.version}.\n\n -- ${maintainer()}  ${date}\n`,
    { level: 9 },
  ),
);
rmSync(runtimeDir, { recursive: true, force: true });

/** The date of the sources (the last commit), so that two builds of one commit are alike. */
function commitDate() {
  const r = spawnSync('git', ['log', '-1', '--format=%cI'], { cwd: root, encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? new Date(r.stdout.trim()) : new Date();
}
function maintainer() {
  return 'Diadema maintainers <maintainers@diadema.example>';
}

// Control files. Shared-library dependencies come from dpkg-shlibdeps, run over every ELF object in the tree.
const elves = [];
walk(stage, (f) => {
  const head = Buffer.alloc(4);
  const fd = openSync(f, 'r');
  readSync(fd, head, 0, 4, 0);
  closeSync(fd);
  if (head.toString('latin1') === '\x7fELF') elves.push(f);
});
const shlibsDir = path.join(debCacheDir, 'shlibs');
put(path.join(shlibsDir, 'debian/control'), `Source: ${name}\n\nPackage: ${name}\nArchitecture: ${arch}\n`);
// Quiet: the addons' Node symbols come from the node binary, which no shared library provides.
const shlibs = execFileSync('dpkg-shlibdeps', ['-O', '--warnings=0', ...elves.map((f) => `-e${f}`)], {
  cwd: shlibsDir,
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'pipe'],
});
rmSync(shlibsDir, { recursive: true, force: true });
const shlibDepends = (/shlibs:Depends=(.*)/.exec(shlibs)?.[1] ?? '').split(/,\s*/).filter(Boolean);
const depends = [...shlibDepends, ...extraDepends.filter((d) => !shlibDepends.some((s) => s.split(' ')[0] === d))];
let installedKb = 0;
walk(stage, (f) => {
  installedKb += Math.ceil(statSync(f).size / 1024);
});
const control = path.join(stage, 'DEBIAN');
put(
  path.join(control, 'control'),
  [
    `Package: ${name}`,
    `Version: ${pkg.version}`,
    `Architecture: ${arch}`,
    `Maintainer: ${maintainer()}`,
    `Installed-Size: ${installedKb}`,
    `Depends: ${depends.join(', ')}`,
    'Section: comm',
    'Priority: optional',
    `Description: ${pkg.description.toLowerCase().replace(/^desktop /, '')} (browser host)`,
    ' Diadema registers with a SIP server over WebSocket and gives call-centre agents',
    ' calls, transfers, notes and headset buttons. This package runs it on Linux thin',
    ' clients: the Node core serves the window to Chromium in app mode',
    ' (diadema-browser); the diadema command checks connections, lists headsets and',
    ' exports notes.',
    ' .',
    ` It carries its own Node ${nodeRuntime.version} runtime under /usr/lib/diadema.`,
    '',
  ].join('\n'),
);
put(path.join(control, 'conffiles'), '/etc/diadema/policy.example.json\n');
for (const script of ['postinst', 'postrm']) copy(path.join(here, script), path.join(control, script), 0o755);
const sums = [];
walk(stage, (f) => {
  const rel = path.relative(stage, f);
  if (!rel.startsWith('DEBIAN/') && !rel.startsWith('etc/'))
    sums.push(`${createHash('md5').update(readFileSync(f)).digest('hex')}  ${rel}`);
});
put(path.join(control, 'md5sums'), `${sums.sort((a, b) => a.slice(34).localeCompare(b.slice(34))).join('\n')}\n`);

mkdirSync(path.dirname(debFile), { recursive: true });
execFileSync('dpkg-deb', ['--root-owner-group', '-Zxz', '--build', stage, debFile], {
  stdio: ['ignore', 'ignore', 'inherit'],
});
const mb = (statSync(debFile).size / 1e6).toFixed(1);
console.log(
  `dist-deb: ${path.relative(root, debFile)} (${mb} MB, ${modules.length} node modules, ` +
    `${Math.round((Date.now() - started) / 1000)} s)`,
);
