import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCore } from '../../../../electron/node/core/core';
import { createLogger, silentLogger } from '../../../../electron/node/log';
import { FileSecrets } from '../../../../electron/node/secrets/file-secrets';
import { jsonFileLayer } from '../../../../electron/node/settings/layer-source';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'diadema-core-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const newCore = (lines: string[] = [], policyFile?: string) =>
  createCore({
    shell: 'browser',
    version: 't',
    dataDir: dir,
    secrets: new FileSecrets(path.join(dir, 'secrets.json')),
    log: createLogger((l) => lines.push(l), 'debug'),
    ...(policyFile ? { policy: jsonFileLayer('policy', policyFile, { quarantineDamaged: false }) } : {}),
  });

describe('account and secrets', () => {
  it('keeps the password out of settings and logs, in a file only the user can read', async () => {
    const lines: string[] = [];
    const core = newCore(lines);
    await core.start();
    const r = await core.handlers['account.save']({
      server: 'ws://127.0.0.1:9/',
      user: '1001',
      authUser: '',
      displayName: 'Ana',
      password: 'hunter2-s3cret',
    });
    expect(r).toEqual({ ok: true, hasPassword: true });
    await core.stop();
    expect(readFileSync(path.join(dir, 'settings.json'), 'utf8')).not.toContain('hunter2');
    expect(statSync(path.join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
    expect(lines.join('\n')).not.toContain('hunter2');
    expect(await core.handlers['account.get']({})).toMatchObject({
      user: '1001',
      displayName: 'Ana',
      hasPassword: true,
    });
  });

  it('returns field errors and saves nothing for an invalid account', async () => {
    const core = newCore();
    await core.start();
    const r = await core.handlers['account.save']({
      server: 'ws://sip.example.org',
      user: '',
      authUser: '',
      displayName: '',
      password: 'x',
    });
    expect(r).toMatchObject({ ok: false, errors: { server: 'insecure-remote', user: 'required' } });
    expect(readdirSync(dir)).not.toContain('secrets.json');
  });
});

describe('settings layers on disk', () => {
  it('moves a corrupt user settings file aside, starts from defaults and says so', async () => {
    writeFileSync(path.join(dir, 'settings.json'), '{"ui.language": "es-MX",,,');
    const core = newCore();
    await core.start();
    const view = await core.handlers['settings.get']({});
    expect(view.settings['ui.language']).toMatchObject({ value: 'auto', layer: 'default' });
    expect(view.issues.some((i) => i.code === 'layer-not-json')).toBe(true);
    expect(readdirSync(dir).some((f) => f.startsWith('settings.json.corrupt-'))).toBe(true);
  });

  it('shows policy values as locked and refuses to change them', async () => {
    const policy = path.join(dir, 'policy.json');
    writeFileSync(policy, JSON.stringify({ 'ui.language': 'es-ES', 'calls.autoAnswer': 'yes please' }));
    const core = newCore([], policy);
    await core.start();
    const view = await core.handlers['settings.get']({});
    expect(view.settings['ui.language']).toEqual({ value: 'es-ES', layer: 'policy', locked: true });
    expect(view.settings['calls.autoAnswer']).toMatchObject({ value: false, layer: 'default' });
    await expect(core.handlers['settings.set']({ key: 'ui.language', value: 'en' })).rejects.toMatchObject({
      code: 'locked-setting',
    });
    // IT's file is never moved or rewritten by the app.
    expect(JSON.parse(readFileSync(policy, 'utf8'))['ui.language']).toBe('es-ES');
  });

  it('never moves a damaged IT policy file', async () => {
    const policy = path.join(dir, 'policy.json');
    writeFileSync(policy, 'not json');
    const core = newCore([], policy);
    await core.start();
    expect((await core.handlers['settings.get']({})).issues.some((i) => i.layer === 'policy')).toBe(true);
    expect(readFileSync(policy, 'utf8')).toBe('not json');
    await core.stop();
  });
});

describe('log redaction', () => {
  it('removes digest responses and tokens from SIP traces', () => {
    const lines: string[] = [];
    const log = createLogger((l) => lines.push(l), 'debug');
    log.debug(
      'REGISTER sip:x SIP/2.0\r\nAuthorization: Digest username="1001", response="abcdef0123"\r\nCSeq: 2 REGISTER',
    );
    log.info('page', { url: 'http://127.0.0.1:1/#token=supersecret', password: 'pw' });
    expect(lines.join('\n')).not.toMatch(/abcdef0123|supersecret|"pw"/);
    expect(silentLogger).toBeDefined();
  });
});
