import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profileUsage, runProfileCommand } from '../../../../electron/node/cli/profile-command';
import { startHttpsFileServer, type HttpsFileServer } from '../../../support/https-server';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const now = new Date('2026-12-01T10:00:00Z');
let dir: string;
let server: HttpsFileServer;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'diadema-profile-cli-'));
  server = await startHttpsFileServer({ putToken: 'tok-123' });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const f = (name: string) => path.join(dir, name);
async function profile(args: string[], o: { env?: NodeJS.ProcessEnv; at?: Date } = {}) {
  let out = '';
  let err = '';
  const code = await runProfileCommand(args, { out: (s) => (out += s), err: (s) => (err += s) }, o.env ?? {}, {
    now: () => o.at ?? now,
    ca: server.caPem,
  });
  return { code, out, err };
}
const writeJson = (name: string, v: unknown) => writeFileSync(f(name), JSON.stringify(v));
const draft = (more: Record<string, unknown> = {}) => ({
  team: 'sales-north',
  version: 12,
  author: 'Marta',
  defaults: { 'acw.durationSec': 90 },
  enforced: { 'calls.supervisorExtension': '7001' },
  ...more,
});

describe('diadema profile: usage', () => {
  it('--help documents every subcommand and the exit codes (exit 0); nothing or nonsense is a usage error (2)', async () => {
    const help = await profile(['--help']);
    expect(help.code).toBe(0);
    for (const s of [
      'keygen --dir DIR [--name NAME]',
      'init --team ID --out FILE',
      'edit --in FILE',
      'sign --key KEY --in FILE --out SIGNED',
      'verify --in SIGNED --trust PUB... [--team ID]',
      'diff --in NEW --against OLD',
      'publish --in SIGNED --to DIR|https://URL',
      'Exit codes: 0',
      'DIADEMA_PUBLISH_TOKEN',
    ])
      expect(help.out).toContain(s);
    expect((await profile([])).code).toBe(2);
    const unknown = await profile(['frobnicate']);
    expect(unknown).toMatchObject({ code: 2 });
    expect(unknown.err).toContain('unknown subcommand frobnicate');
    const missing = await profile(['sign', '--in', 'x.json']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('--key is required');
    expect((await profile(['keygen', '--dir', dir, '--colour', 'red'])).err).toContain('unexpected --colour');
    expect((await profile(['keygen', '--dir'])).err).toContain('--dir needs a value');
  });
});

describe('diadema profile: keygen → init → sign → verify → diff → publish', () => {
  let pub: string;
  let pub2: string;

  it('keygen writes NAME.key 0600 and NAME.pub, prints the one line; never overwrites (exit 1)', async () => {
    const r = await profile(['keygen', '--dir', f('keys'), '--name', 'lead']);
    expect(r.code).toBe(0);
    pub = r.out.trim();
    expect(pub).toMatch(/^ed25519:[A-Za-z0-9_-]{43}$/);
    expect(readFileSync(f('keys/lead.pub'), 'utf8')).toBe(`${pub}\n`);
    expect(statSync(f('keys/lead.key')).mode & 0o777).toBe(0o600);
    const again = await profile(['keygen', '--dir', f('keys'), '--name', 'lead']);
    expect(again.code).toBe(1);
    expect(again.err).toContain('already exists');
    pub2 = (await profile(['keygen', '--dir', f('keys'), '--name', 'next'])).out.trim();
  });

  it('init writes a profile from the schema with descriptions, that signs as it is', async () => {
    const r = await profile(['init', '--team', 'sales-north', '--out', f('start.json'), '--author', 'Marta']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(readFileSync(f('start.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    expect(doc).toMatchObject({ team: 'sales-north', version: 1, author: 'Marta', enforced: {} });
    expect(doc.defaults!['acw.durationSec']).toBe(60);
    expect(doc.$descriptions!['acw.durationSec']).toBe('After-call work time box in seconds');
    expect(doc.defaults!['account.user']).toBeUndefined();
    expect(
      (await profile(['sign', '--key', f('keys/lead.key'), '--in', f('start.json'), '--out', f('start.jws')])).code,
    ).toBe(0);
    const again = await profile(['init', '--team', 'sales-north', '--out', f('start.json')]);
    expect(again.code).toBe(1);
    expect(again.err).toContain('already exists');
    expect((await profile(['init', '--team', 'no spaces', '--out', f('bad-team.json')])).code).toBe(1);
  });

  it('sign refuses invalid values and keys a profile may not carry, naming each with the reason; writes nothing', async () => {
    writeJson('bad.json', draft({ defaults: { 'acw.durationSec': -1, 'account.user': '1001' } }));
    const r = await profile(['sign', '--key', f('keys/lead.key'), '--in', f('bad.json'), '--out', f('bad.jws')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('acw.durationSec (in defaults): Too small');
    expect(r.err).toContain('account.user (in defaults) may not be set by a team profile');
    expect(r.err).toContain('nothing was signed');
    expect(existsSync(f('bad.jws'))).toBe(false);
    writeFileSync(f('broken.json'), '{ "team": ');
    const broken = await profile(['sign', '--key', f('keys/lead.key'), '--in', f('broken.json'), '--out', f('b.jws')]);
    expect(broken).toMatchObject({ code: 1 });
    expect(broken.err).toContain('is not JSON');
  });

  it('sign refuses a key file other users can read', async () => {
    writeJson('v12.json', draft());
    chmodSync(f('keys/lead.key'), 0o644);
    const r = await profile(['sign', '--key', f('keys/lead.key'), '--in', f('v12.json'), '--out', f('v12.jws')]);
    chmodSync(f('keys/lead.key'), 0o600);
    expect(r.code).toBe(1);
    expect(r.err).toContain('chmod 600');
  });

  it('verify prints JSON and exits 0 only for a valid, trusted, unexpired profile of the team asked', async () => {
    writeJson('v12.json', draft({ expires: '2026-12-31T00:00:00Z' }));
    const s = await profile(['sign', '--key', f('keys/lead.key'), '--in', f('v12.json'), '--out', f('v12.jws')]);
    expect(s).toMatchObject({ code: 0 });
    expect(s.out).toContain('signed team sales-north version 12');

    const ok = await profile(['verify', '--in', f('v12.jws'), '--trust', f('keys/lead.pub'), '--team', 'sales-north']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({
      valid: true,
      team: 'sales-north',
      version: 12,
      author: 'Marta',
      defaults: { 'acw.durationSec': 90 },
      enforced: { 'calls.supervisorExtension': '7001' },
    });
    // The line itself, two keys at once (rotation).
    expect((await profile(['verify', '--in', f('v12.jws'), '--trust', pub2, pub])).code).toBe(0);

    const cases: Array<[string[], string, Date?]> = [
      [['--trust', pub2], 'untrusted-key'],
      [['--trust', pub, '--team', 'sales-south'], 'wrong-team'],
      [['--trust', pub], 'expired', new Date('2027-01-01T00:00:00Z')],
    ];
    for (const [args, refusal, at] of cases) {
      const r = await profile(['verify', '--in', f('v12.jws'), ...args], at ? { at } : {});
      expect(r.code).toBe(1);
      expect(JSON.parse(r.out)).toMatchObject({ valid: false, refusal });
    }
    const unsigned = await profile(['verify', '--in', f('v12.json'), '--trust', pub]);
    expect(unsigned.code).toBe(1);
    expect(JSON.parse(unsigned.out)).toMatchObject({ valid: false, refusal: 'unsigned' });
    expect((await profile(['verify', '--in', f('v12.jws'), '--trust', 'not-a-key'])).code).toBe(2);
  });

  it('diff shows what agents see change, signed against unsigned, as text or JSON', async () => {
    writeJson('v13.json', draft({ version: 13, defaults: { 'acw.durationSec': 120 }, enforced: {} }));
    const r = await profile(['diff', '--in', f('v13.json'), '--against', f('v12.jws')]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('team sales-north: version 12 → 13');
    expect(r.out).toMatch(/acw\.durationSec\s+default\s+90 → 120/);
    expect(r.out).toMatch(/calls\.supervisorExtension\s+removed\s+"7001" → \(not set\)/);
    expect(r.out).toContain('2 settings change');
    const json = await profile(['diff', '--in', f('v13.json'), '--against', f('v12.jws'), '--json']);
    expect(JSON.parse(json.out)).toEqual([
      { key: 'acw.durationSec', mode: 'default', before: 90, after: 120 },
      { key: 'calls.supervisorExtension', mode: 'removed', before: '7001' },
    ]);
    const back = await profile(['diff', '--in', f('v12.jws'), '--against', f('v13.json')]);
    expect(back.err).toContain('agents will refuse version 12');
    expect((await profile(['diff', '--in', f('broken.json'), '--against', f('v13.json')])).code).toBe(1);
  });

  it('edit opens $EDITOR on the file, then reports problems (1) or none (0)', async () => {
    writeJson('edit.json', draft());
    const script = f('editor.sh');
    writeFileSync(script, '#!/bin/sh\nsed -i "s/\\"acw.durationSec\\":90/\\"acw.durationSec\\":$NEWVALUE/" "$1"\n', {
      mode: 0o755,
    });
    const bad = await profile(['edit', '--in', f('edit.json')], {
      env: { ...process.env, VISUAL: '', EDITOR: script, NEWVALUE: '-3' },
    });
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('acw.durationSec (in defaults)');
    writeJson('edit.json', draft());
    const good = await profile(['edit', '--in', f('edit.json')], {
      env: { ...process.env, VISUAL: '', EDITOR: script, NEWVALUE: '45' },
    });
    expect(good.code).toBe(0);
    expect(JSON.parse(readFileSync(f('edit.json'), 'utf8'))).toMatchObject({ defaults: { 'acw.durationSec': 45 } });
    expect((await profile(['edit', '--in', f('none.json')], { env: { EDITOR: script } })).code).toBe(1);
  });

  it('publish writes the folder’s <team>.jws, PUTs to https with the token from the environment, refuses http', async () => {
    mkdirSync(f('share'));
    const r = await profile(['publish', '--in', f('v12.jws'), '--to', f('share')]);
    expect(r).toMatchObject({ code: 0, out: `published ${f('share/sales-north.jws')}\n` });
    const web = await profile(['publish', '--in', f('v12.jws'), '--to', `${server.url}/team/`], {
      env: { DIADEMA_PUBLISH_TOKEN: 'tok-123' },
    });
    expect(web.code).toBe(0);
    expect(readFileSync(path.join(server.dir, 'team', 'sales-north.jws'), 'utf8')).toBe(
      readFileSync(f('v12.jws'), 'utf8'),
    );
    const noToken = await profile(['publish', '--in', f('v12.jws'), '--to', `${server.url}/other-team/`]);
    expect(noToken.code).toBe(1);
    expect(noToken.err).toContain('401');
    const http = await profile(['publish', '--in', f('v12.jws'), '--to', 'http://example.test/']);
    expect(http.code).toBe(1);
    expect(http.err).toContain('https:// URL only');
  });
});

describe('the real CLI (bundled from source, run as a process)', () => {
  let cli: string;
  beforeAll(async () => {
    // Inside the repository, so the bundle's external packages resolve from its node_modules.
    mkdirSync(path.join(root, 'node_modules', '.cache'), { recursive: true });
    const out = mkdtempSync(path.join(root, 'node_modules', '.cache', 'diadema-profile-cli-'));
    cli = path.join(out, 'cli.mjs');
    await build({
      entryPoints: [path.join(root, 'electron/node/cli/main.ts')],
      outfile: cli,
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      logLevel: 'silent',
    });
    return () => rmSync(out, { recursive: true, force: true });
  }, 60_000);
  const run = (args: string[], limitBlocks?: number) =>
    limitBlocks === undefined
      ? spawnSync(process.execPath, [cli, 'profile', ...args], { encoding: 'utf8', timeout: 20_000 })
      : // The file-size limit makes the write fail half-way (EFBIG), as a full disk would.
        spawnSync(
          '/bin/sh',
          ['-c', `ulimit -f ${limitBlocks} && exec "$0" "$@"`, process.execPath, cli, 'profile', ...args],
          {
            encoding: 'utf8',
            timeout: 20_000,
          },
        );

  it('prints the profile usage with exit 0, and the main usage lists the command', () => {
    const r = run(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(profileUsage);
    const main = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
    expect(main.stdout).toContain('profile keygen|init|edit|sign|verify|diff|publish');
  });

  it.skipIf(process.platform === 'win32')(
    'a publish whose write fails part-way exits 1 and leaves the published document whole, no temporary file',
    () => {
      const keys = f('real-keys');
      expect(run(['keygen', '--dir', keys]).status).toBe(0);
      const key = path.join(keys, 'team-profile.key');
      writeJson('small.json', draft({ version: 1, defaults: {}, enforced: {} }));
      const templates = Array.from({ length: 30 }, (_, i) => ({
        id: `t${i}`,
        label: `Template ${i}, a label long enough to make the document large`,
        fields: ['a', 'b'],
      }));
      writeJson('large.json', draft({ version: 2, defaults: { 'notes.templates': templates } }));
      expect(run(['sign', '--key', key, '--in', f('small.json'), '--out', f('small.jws')]).status).toBe(0);
      expect(run(['sign', '--key', key, '--in', f('large.json'), '--out', f('large.jws')]).status).toBe(0);
      const small = readFileSync(f('small.jws'), 'utf8');
      expect(small.length).toBeLessThan(1000);
      expect(readFileSync(f('large.jws'), 'utf8').length).toBeGreaterThan(3000);
      mkdirSync(f('real-share'));
      expect(run(['publish', '--in', f('small.jws'), '--to', f('real-share')]).status).toBe(0);

      const failed = run(['publish', '--in', f('large.jws'), '--to', f('real-share')], 2);
      expect(failed.status).toBe(1);
      expect(failed.stderr).toContain('could not write');
      expect(readFileSync(f('real-share/sales-north.jws'), 'utf8')).toBe(small);
      expect(readdirSync(f('real-share')).filter((n) => n.endsWith('.tmp'))).toEqual([]);

      expect(run(['publish', '--in', f('large.jws'), '--to', f('real-share')]).status).toBe(0);
      expect(readFileSync(f('real-share/sales-north.jws'), 'utf8')).toBe(readFileSync(f('large.jws'), 'utf8'));
    },
  );
});
