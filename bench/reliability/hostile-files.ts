import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleEntries } from '../../test/support/store-build';
import type { FilesChildReport } from './hostile-files-child';
import { goodNote, goodSettings } from './hostile-files-data';
import { Counter, type HostileTally } from './hostile-tally';

type Target = 'settings.json' | 'policy.json' | 'notes.sqlite' | 'team-profile.jws';
const targets: readonly Target[] = ['settings.json', 'policy.json', 'notes.sqlite', 'team-profile.jws'];
const mutations = ['truncated', 'bit-flips', 'zero-bytes', 'zeroed', 'garbage', 'wrong-types'] as const;

/** IT policy as the Linux policy file carries it: one key locked, a value the user layer does not set. */
const goodPolicy = { 'notes.editWindowMin': 45 };
/** A JWS-shaped team profile (three base64url parts); nothing trusts it, so it must be refused, never applied. */
const fakeProfile = ['eyJhbGciOiJFZERTQSIsImtpZCI6ImJlbmNoIn0', 'eyJ0ZWFtIjoiYmVuY2giLCJ2ZXJzaW9uIjoxfQ', 'c2ln'].join(
  '.',
);

function run(script: URL, args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--enable-source-maps', fileURLToPath(script), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DIADEMA_TEST_LOG: '' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const t = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', (code) => {
      clearTimeout(t);
      resolve({ code, out, err });
    });
  });
}

function mutate(bytes: Buffer, how: (typeof mutations)[number], target: Target, int: (n: number) => number): Buffer {
  const b = Buffer.from(bytes);
  switch (how) {
    case 'truncated':
      return b.subarray(0, int(Math.max(1, b.length)));
    case 'bit-flips':
      for (let k = 0; k < 1 + int(10); k++) if (b.length) b[int(b.length)]! ^= 1 << int(8);
      return b;
    case 'zero-bytes':
      return Buffer.alloc(0);
    case 'zeroed': {
      // A run of zeros, as a torn write or a lost disk block leaves (SQLite: a whole page).
      const start = int(b.length);
      b.fill(0, start, Math.min(b.length, start + (target === 'notes.sqlite' ? 4096 : 1 + int(64))));
      return b;
    }
    case 'garbage':
      return Buffer.from(Array.from({ length: 1 + int(8192) }, () => int(256)));
    case 'wrong-types': {
      if (target === 'notes.sqlite' || target === 'team-profile.jws') {
        // Valid JSON where a database or a JWS belongs.
        return Buffer.from(JSON.stringify({ notes: [1, 2, 3] }));
      }
      const wrong: unknown[] = [
        [],
        'a string',
        null,
        42,
        { 'ui.language': 5, 'calls.rejectCode': 'x' },
        { 'ui.language': 'es-MX', 'calls.rejectCode': 'not a code' },
        { 'notes.editWindowMin': 'forty' },
        JSON.parse(`{"__proto__": {"ui.language": "en"}, "calls.rejectCode": 603}`),
      ];
      return Buffer.from(JSON.stringify(wrong[int(wrong.length)]));
    }
  }
}

/**
 * R4, files: a data folder made by the real core (two settings of the agent's own, one call with its note), an
 * IT policy file and a team profile file; then, for each mutation, a copy with one file damaged (cut short, bits
 * flipped, emptied, a run of zeros or a SQLite page zeroed, random bytes, JSON of the wrong types) and the core
 * started over it in a child process. Counted: starts that crashed or printed no report, uncaught exceptions and
 * unhandled rejections, coded errors (settings issues, a store that says it recovered or failed, warnings logged).
 * State kept: everything not in the damaged file is intact (the settings, the note), and what was in the damaged
 * file is either still there or set aside (a `.corrupt-*` copy), never silently gone.
 */
export async function hostileFiles(o: { inputs: number; random: () => number }): Promise<HostileTally> {
  const int = (n: number) => Math.floor(o.random() * n);
  const built = await bundleEntries({
    'hostile-files': 'bench/reliability/hostile-files-child.ts',
    'store-worker': 'electron/node/store/store-worker.ts',
  });
  const root = mkdtempSync(path.join(os.tmpdir(), 'diadema-bench-files-'));
  const good = path.join(root, 'good');
  const policyName = 'policy.json';
  let crashes = 0;
  let uncaught = 0;
  let coded = 0;
  let kept = 0;
  let starts = 0;
  let silentLosses = 0;
  let setAside = 0;
  let noteCopied = 0;
  const storeOutcomes = new Counter();
  const codes = new Counter();
  const losses: string[] = [];
  try {
    const prep = await run(built.urls['hostile-files'], ['prepare', good, path.join(root, policyName)]);
    if (prep.code !== 0) throw new Error(`preparing the good data failed: ${prep.err.slice(-1000)}`);
    writeFileSync(path.join(good, policyName), JSON.stringify(goodPolicy));
    writeFileSync(path.join(good, 'team-profile.jws'), fakeProfile);
    const originals = Object.fromEntries(targets.map((t) => [t, readFileSync(path.join(good, t))])) as Record<
      Target,
      Buffer
    >;
    for (let i = 0; i < o.inputs; i++) {
      const target = targets[i % targets.length]!;
      const how = mutations[Math.floor(i / targets.length) % mutations.length]!;
      const dir = path.join(root, `run-${i}`);
      cpSync(good, dir, { recursive: true });
      writeFileSync(path.join(dir, target), mutate(originals[target], how, target, int));
      starts++;
      const r = await run(built.urls['hostile-files'], ['check', dir, path.join(dir, policyName)]);
      const line = r.out.split('\n').find((l) => l.startsWith('{'));
      if (r.code !== 0 || !line) {
        crashes++;
        losses.push(`${target} ${how}: exit ${r.code}: ${r.err.slice(-300)}`);
        rmSync(dir, { recursive: true, force: true });
        continue;
      }
      const rep = JSON.parse(line) as FilesChildReport;
      uncaught += rep.uncaught;
      const signals = [
        ...rep.settingsIssues,
        ...(rep.store !== 'ok' ? [`store ${rep.store}`] : []),
        ...rep.logged.map((l) => l.replace(/\s*\{.*$/, '').trim()),
      ];
      if (signals.length) coded++;
      for (const s of new Set(signals)) codes.add(s);
      // What must survive: the other files' data in full; the damaged file's data, or a copy set aside.
      const asideOf = (name: string) => readdirSync(dir).some((f) => f.startsWith(`${name}.corrupt-`));
      const settingsOk = Object.entries(goodSettings).every(([k, v]) => rep.settings[k] === v);
      const noteOk = rep.note === goodNote.text;
      const problems: string[] = [];
      if (!settingsOk && !(target === 'settings.json' && asideOf('settings.json')) && target !== 'settings.json')
        problems.push(`settings ${JSON.stringify(rep.settings)}`);
      // A damaged file that still parses keeps its good values and reports the rest (unknown key, invalid value).
      const reported = rep.settingsIssues.some((i) => i.startsWith('user '));
      if (target === 'settings.json' && !settingsOk && !asideOf('settings.json') && !reported)
        problems.push('settings gone, no copy set aside, nothing reported');
      // A note gone while the store says ok is the silent loss this drill exists to catch (an emptied file included:
      // the meta file beside it says a database existed, so it must be set aside and reported, not reopened empty).
      if (target === 'notes.sqlite' && !noteOk && rep.store === 'ok') silentLosses++;
      if (target === 'notes.sqlite' && rep.recovery) {
        setAside++;
        if (noteOk) noteCopied++;
      }
      if (target === 'notes.sqlite') {
        const outcome = rep.recovery
          ? `set aside (${rep.recovery.cause}), note ${noteOk ? 'copied' : 'only in the file set aside'}`
          : `store ${rep.store}${rep.store === 'failed' ? ` (${(rep.storeDetail ?? '').slice(0, 60)})` : ''}, note ${noteOk ? 'kept' : 'missing'}`;
        storeOutcomes.add(`${how}: ${outcome}`);
      }
      // Kept: the note is there; or the file was set aside and the agent told; or the store refused the file (a newer
      // version, unreadable) and left it untouched in place.
      const told = rep.store === 'failed' || (rep.store === 'recovered' && asideOf('notes.sqlite'));
      if (!noteOk && !(target === 'notes.sqlite' && told))
        problems.push(
          `note ${rep.note === undefined ? 'missing' : 'changed'} (store ${rep.store}${rep.readError ? `; read: ${rep.readError}` : ''})`,
        );
      if (problems.length === 0) kept++;
      else losses.push(`${target} ${how}: ${problems.join('; ')}`);
      rmSync(dir, { recursive: true, force: true });
    }
    return {
      kind: 'corrupt data files',
      inputs: starts,
      crashes,
      uncaught,
      coded,
      stateKept: `${kept === starts ? 'yes' : 'NO'} (${kept}/${starts} starts kept the rest and set the damage aside)`,
      notes: [
        `per file and mutation: ${targets.join(', ')} × ${mutations.join(', ')}`,
        `what the core said (starts): ${codes.toString()}`,
        `notes.sqlite starts with the note gone and the store saying ok: ${silentLosses}`,
        `notes.sqlite set aside and reported: ${setAside} (the note copied into the new database: ${noteCopied}; else it is only in the file set aside)`,
        `notes.sqlite per mutation: ${storeOutcomes.toString()}`,
        ...losses.slice(0, 12).map((l) => `lost: ${l}`),
      ],
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
    built.dispose();
  }
}
