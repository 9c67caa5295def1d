import { createPublicKey, generateKeyPairSync, sign as edSign, verify as edVerify } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProfileStatus } from '@common/contract/profile';
import { Emitter } from '@common/emitter';
import { createLogger } from '../../../../electron/node/log';
import {
  lastGoodFileName,
  ProfileClient,
  stateFileName,
  type ProfileVerifier,
} from '../../../../electron/node/profile/profile-client';
import { jsonFileLayer } from '../../../../electron/node/settings/layer-source';
import { SettingsService } from '../../../../electron/node/settings/settings-service';
import { FakeClock } from '../../../support/fake-clock';
import { makeTestCerts } from '../../../support/https-sink';

// ---- signing (stand-in until signed-profile.ts lands) --------------------------------------------------------
interface Draft {
  team: string;
  version: number;
  author: string;
  expires?: string;
  defaults: Record<string, unknown>;
  enforced: Record<string, unknown>;
}
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64url');
function keygen(kid: string) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return { privateKey, kid, line: `ed25519:${kid}:${der.toString('base64url')}` };
}
type Key = ReturnType<typeof keygen>;
function sign(key: Key, d: Draft, issuedAt = '2026-01-01T00:00:00.000Z'): string {
  const h = b64(JSON.stringify({ alg: 'EdDSA', kid: key.kid }));
  const p = b64(JSON.stringify({ ...d, issuedAt }));
  return `${h}.${p}.${edSign(null, Buffer.from(`${h}.${p}`), key.privateKey).toString('base64url')}`;
}
const verify: ProfileVerifier = async (signed, o) => {
  const text = Buffer.from(signed).toString('utf8');
  if (signed.length > maxBytes) return { ok: false, refusal: 'too-large', detail: 'big' };
  const parts = text.split('.');
  if (parts.length !== 3) return { ok: false, refusal: 'unsigned', detail: 'not a JWS' };
  let header: { kid?: string };
  try {
    header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString()) as { kid?: string };
  } catch {
    return { ok: false, refusal: 'unsigned', detail: 'header' };
  }
  if (o.trustedKeys.length === 0) return { ok: false, refusal: 'no-trusted-keys', detail: 'none' };
  const line = o.trustedKeys.find((k) => k.split(':')[1] === header.kid);
  if (!line) return { ok: false, refusal: 'untrusted-key', detail: `kid ${header.kid}` };
  const pub = createPublicKey({ key: Buffer.from(line.split(':')[2]!, 'base64url'), format: 'der', type: 'spki' });
  if (!edVerify(null, Buffer.from(`${parts[0]}.${parts[1]}`), pub, Buffer.from(parts[2]!, 'base64url')))
    return { ok: false, refusal: 'bad-signature', detail: 'sig' };
  let d: Draft & { issuedAt: string };
  try {
    d = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString()) as Draft & { issuedAt: string };
  } catch {
    return { ok: false, refusal: 'invalid-document', detail: 'json' };
  }
  if (typeof d.version !== 'number') return { ok: false, refusal: 'invalid-document', detail: 'version' };
  if (o.team !== undefined && d.team !== o.team)
    return { ok: false, refusal: 'wrong-team', detail: d.team, version: d.version };
  if (o.afterVersion !== undefined && d.version <= o.afterVersion)
    return { ok: false, refusal: 'rollback', detail: `v${d.version}`, version: d.version };
  if (d.expires && Date.parse(d.expires) <= o.now.getTime())
    return { ok: false, refusal: 'expired', detail: d.expires, version: d.version };
  for (const [k, v] of Object.entries({ ...d.defaults, ...d.enforced }))
    if (k === 'acw.durationSec' && (typeof v !== 'number' || v < 0))
      return { ok: false, refusal: 'invalid-setting', detail: k, version: d.version };
  return {
    ok: true,
    profile: {
      identity: {
        team: d.team,
        version: d.version,
        author: d.author,
        issuedAt: d.issuedAt,
        ...(d.expires ? { expires: d.expires } : {}),
        keyId: header.kid ?? '',
      },
      defaults: d.defaults,
      enforced: d.enforced,
    },
  };
};
const maxBytes = 256 * 1024;
// ----------------------------------------------------------------------------------------------------------------

/** A real HTTPS server publishing one document, with the misbehaviours a profile host can have. */
type Mode = 'ok' | '404' | '500' | 'redirect-http' | 'trickle' | 'oversize';
const server = {
  body: '',
  etag: '"0"',
  mode: 'ok' as Mode,
  requests: [] as Array<{ ifNoneMatch: string | undefined }>,
};
let certs: ReturnType<typeof makeTestCerts>;
let httpsServer: https.Server;
let url: string;
function handle(req: IncomingMessage, res: ServerResponse) {
  const inm = req.headers['if-none-match'];
  server.requests.push({ ifNoneMatch: typeof inm === 'string' ? inm : undefined });
  switch (server.mode) {
    case '404':
      return res.writeHead(404).end('no');
    case '500':
      return res.writeHead(500).end('no');
    case 'redirect-http':
      return res.writeHead(302, { location: 'http://127.0.0.1:9/team.jws' }).end();
    case 'oversize':
      return res.writeHead(200).end('a'.repeat(maxBytes + 10));
    case 'trickle': {
      res.writeHead(200);
      const t = setInterval(() => res.write('.'), 20);
      res.on('close', () => clearInterval(t));
      return;
    }
    default:
      if (inm === server.etag) return res.writeHead(304).end();
      return res.writeHead(200, { etag: server.etag }).end(server.body);
  }
}
let etagSeq = 0;
function publish(body: string) {
  server.body = body;
  server.etag = `"${++etagSeq}"`;
  server.mode = 'ok';
}

beforeAll(async () => {
  certs = makeTestCerts();
  httpsServer = https.createServer({ key: certs.key, cert: certs.cert }, handle);
  await new Promise<void>((r) => httpsServer.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(httpsServer.address() as AddressInfo).port}/team.jws`;
});
afterAll(async () => {
  httpsServer.closeAllConnections();
  await new Promise((r) => httpsServer.close(r));
});

const lead = keygen('lead-2026');
const stranger = keygen('stranger');
const v = (version: number, more: Partial<Draft> = {}): Draft => ({
  team: 'sales',
  version,
  author: 'Ana Lead',
  defaults: { 'acw.durationSec': 90 },
  enforced: { 'mute.longMuteSec': 45 },
  ...more,
});

let dir: string;
let clock: FakeClock;
let settings: SettingsService;
let client: ProfileClient | undefined;
let logLines: string[];
const calls = { live: false, changes: new Emitter<void>() };
const statuses: ProfileStatus[] = [];

async function setup(policy: Record<string, unknown> = {}, o: { deadline?: number } = {}) {
  const policyFile = path.join(dir, 'policy.json');
  writeFileSync(policyFile, JSON.stringify({ 'profile.url': url, 'profile.trustedKeys': [lead.line], ...policy }));
  const userFile = path.join(dir, 'settings.json');
  settings = new SettingsService({
    userFile,
    user: jsonFileLayer('user', userFile, { quarantineDamaged: true }),
    policy: jsonFileLayer('policy', policyFile, { quarantineDamaged: false }),
    log: createLogger(() => undefined),
  });
  await settings.load();
  settings.dispose();
  client = new ProfileClient({
    dataDir: dir,
    settings,
    calls: { live: () => calls.live, onChange: (fn) => calls.changes.on(fn) },
    verify,
    maxBytes,
    log: createLogger((l) => logLines.push(l), 'debug'),
    clock,
    ca: certs.ca,
    fetchDeadlineMs: o.deadline ?? 2000,
    random: () => 0.5,
  });
  client.onChange((s) => statuses.push(s));
  await client.start();
  return client;
}

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'diadema-profile-client-'));
  clock = new FakeClock();
  clock.skip(Date.parse('2026-06-01T00:00:00Z'));
  logLines = [];
  statuses.length = 0;
  server.requests = [];
  calls.live = false;
  publish(sign(lead, v(1)));
});
afterEach(() => {
  client?.stop();
  client = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('following the team profile', () => {
  it('applies a valid profile on start: team defaults and enforced values in the settings, status and disk', async () => {
    const c = await setup();
    expect(settings.view().settings['acw.durationSec']).toEqual({ value: 90, layer: 'team', locked: false });
    expect(settings.view().settings['mute.longMuteSec']).toEqual({ value: 45, layer: 'team-locked', locked: true });
    const s = c.status();
    expect(s).toMatchObject({
      configured: true,
      applied: { team: 'sales', version: 1, author: 'Ana Lead', keyId: 'lead-2026' },
      pending: [],
      lastCheck: { trigger: 'start', outcome: 'applied', version: 1 },
    });
    expect(s.changes).toEqual([
      { key: 'acw.durationSec', mode: 'default', before: null, after: 90 },
      { key: 'mute.longMuteSec', mode: 'enforced', before: null, after: 45 },
    ]);
    expect(readFileSync(path.join(dir, lastGoodFileName), 'utf8')).toBe(server.body);
    expect(JSON.parse(readFileSync(path.join(dir, stateFileName), 'utf8'))).toMatchObject({ highest: { sales: 1 } });
    expect(statuses.at(-1)).toEqual(s);
  });

  it('enforced values refuse settings.set by team; defaults can be changed; policy still wins', async () => {
    await setup({ 'acw.durationSec': 30 });
    await expect(settings.set({ 'mute.longMuteSec': 10 })).rejects.toMatchObject({
      code: 'locked-setting',
      params: { key: 'mute.longMuteSec', by: 'team' },
    });
    expect(settings.view().settings['acw.durationSec']).toEqual({ value: 30, layer: 'policy', locked: true });
    publish(sign(lead, v(2, { defaults: { 'notes.editWindowMin': 10 } })));
    await client!.check('manual');
    await settings.set({ 'notes.editWindowMin': 20 });
    expect(settings.view().settings['notes.editWindowMin']).toEqual({ value: 20, layer: 'user', locked: false });
  });

  it('applies a new version live and lists what changed; the poll after it sends If-None-Match and gets 304', async () => {
    const c = await setup();
    publish(sign(lead, v(2, { defaults: { 'acw.durationSec': 120 }, enforced: {} })));
    expect(clock.pending()).toEqual([30_000]);
    await clock.fireNext();
    await until(() => c.status().applied?.version === 2);
    expect(settings.get('acw.durationSec')).toBe(120);
    expect(settings.view().settings['mute.longMuteSec']).toMatchObject({ value: 20, layer: 'default' });
    expect(c.status().changes).toEqual([
      { key: 'acw.durationSec', mode: 'default', before: 90, after: 120 },
      { key: 'mute.longMuteSec', mode: 'removed', before: 45, after: null },
    ]);
    expect(c.status().lastCheck).toMatchObject({ trigger: 'poll', outcome: 'applied', version: 2 });
    server.requests = [];
    await clock.fireNext();
    await until(() => server.requests.length === 1 && c.status().lastCheck?.outcome === 'unchanged');
    expect(server.requests).toEqual([{ ifNoneMatch: server.etag }]);
  });

  it('polls every profile.pollSec with jitter of at most 20 %', async () => {
    await setup({ 'profile.pollSec': 60 });
    expect(clock.pending()).toEqual([60_000]);
    client!.stop();
    const r = [0, 0.999];
    for (const x of r) {
      const other = new ProfileClient({
        dataDir: dir,
        settings,
        calls: { live: () => false, onChange: (fn) => calls.changes.on(fn) },
        verify,
        maxBytes,
        log: createLogger(() => undefined),
        clock: (clock = new FakeClock()),
        ca: certs.ca,
        random: () => x,
      });
      await other.start();
      const [delay] = clock.pending();
      expect(delay).toBeGreaterThanOrEqual(48_000);
      expect(delay).toBeLessThanOrEqual(72_000);
      other.stop();
      expect(clock.pending()).toEqual([]);
    }
  });

  it('coalesces a burst of check-sync into one more fetch after the one in flight', async () => {
    const c = await setup();
    server.requests = [];
    const first = c.check('check-sync');
    const burst = [c.check('check-sync'), c.check('check-sync'), c.check('network')];
    await Promise.all([first, ...burst]);
    expect(server.requests).toHaveLength(2);
  });

  it('keeps an account change back while a call is live and applies it when the call ends', async () => {
    const c = await setup();
    const applied: string[][] = [];
    c.onApplied((keys) => applied.push(keys));
    calls.live = true;
    publish(sign(lead, v(2, { defaults: { 'acw.durationSec': 90, 'account.server': 'wss://sip.example.org/ws' } })));
    await c.check('check-sync');
    expect(c.status().pending).toEqual(['account.server']);
    expect(settings.get('account.server')).toBe('');
    expect(c.status().applied?.version).toBe(2);
    calls.changes.emit();
    expect(settings.get('account.server')).toBe('');
    calls.live = false;
    calls.changes.emit();
    expect(settings.get('account.server')).toBe('wss://sip.example.org/ws');
    expect(c.status().pending).toEqual([]);
    expect(applied).toEqual([['account.server']]);
    expect(statuses.at(-1)?.pending).toEqual([]);
  });

  it('with profile.url empty: not configured, nothing fetched, team layers emptied', async () => {
    const c = await setup();
    expect(settings.get('mute.longMuteSec')).toBe(45);
    writeFileSync(path.join(dir, 'policy.json'), JSON.stringify({ 'profile.trustedKeys': [lead.line] }));
    await settings.load();
    settings.dispose();
    await until(() => !c.status().configured);
    expect(settings.get('mute.longMuteSec')).toBe(20);
    expect(c.status()).toMatchObject({ configured: false, applied: null });
    expect(clock.pending()).toEqual([]);
    server.requests = [];
    await c.check('manual');
    expect(server.requests).toHaveLength(0);
  });
});

describe('refusals and fetch problems: nothing changes, the last good profile stays in force', () => {
  const tampered: Array<[string, () => void, Record<string, unknown>]> = [
    ['unsigned', () => publish(JSON.stringify(v(5))), { refusal: 'unsigned' }],
    ['unknown key', () => publish(sign(stranger, v(5))), { refusal: 'untrusted-key' }],
    [
      'one flipped byte',
      () => {
        const good = sign(lead, v(5));
        const [h, p, s] = good.split('.');
        const payload = Buffer.from(p!, 'base64url');
        payload[payload.indexOf('"acw.durationSec":90') + 19] = '9'.charCodeAt(0);
        publish(`${h}.${payload.toString('base64url')}.${s}`);
      },
      { refusal: 'bad-signature' },
    ],
    ['older version replayed', () => publish(sign(lead, v(1, { defaults: {} }))), { refusal: 'rollback', version: 1 }],
    ['expired', () => publish(sign(lead, v(5, { expires: '2026-05-01T00:00:00Z' }))), { refusal: 'expired' }],
    ['other team', () => publish(sign(lead, v(5, { team: 'billing' }))), { refusal: 'wrong-team' }],
    ['oversize', () => (server.mode = 'oversize'), { refusal: 'too-large' }],
    [
      'invalid JSON',
      () => {
        const h = b64(JSON.stringify({ alg: 'EdDSA', kid: lead.kid }));
        const p = b64('{"team":"sales",');
        publish(`${h}.${p}.${edSign(null, Buffer.from(`${h}.${p}`), lead.privateKey).toString('base64url')}`);
      },
      { refusal: 'invalid-document' },
    ],
    [
      'schema-invalid value',
      () => publish(sign(lead, v(5, { defaults: { 'acw.durationSec': -1 } }))),
      { refusal: 'invalid-setting' },
    ],
    ['http redirect', () => (server.mode = 'redirect-http'), { outcome: 'unreachable', problem: 'insecure-redirect' }],
    ['404', () => (server.mode = '404'), { outcome: 'unreachable', problem: 'http-status', detail: /HTTP 404/ }],
    ['500', () => (server.mode = '500'), { outcome: 'unreachable', problem: 'http-status', detail: /HTTP 500/ }],
    ['trickling server', () => (server.mode = 'trickle'), { outcome: 'unreachable', problem: 'timeout' }],
  ];
  it.each(tampered)('%s', async (_name, tamper, expected) => {
    const c = await setup({}, { deadline: 300 });
    const before = JSON.stringify(settings.view());
    tamper();
    const s = await c.check('check-sync');
    const { detail, ...rest } = expected;
    expect(s.lastCheck).toMatchObject({ outcome: 'refused', trigger: 'check-sync', ...rest });
    if (detail) expect(s.lastCheck?.detail).toMatch(detail as RegExp);
    expect(s.lastCheck?.detail).toBeTruthy();
    expect(s.applied?.version).toBe(1);
    expect(JSON.stringify(settings.view())).toBe(before);
    expect(settings.get('mute.longMuteSec')).toBe(45);
    expect(statuses.at(-1)?.lastCheck).toEqual(s.lastCheck);
    expect(logLines.some((l) => l.includes(' warn ') && l.includes('team profile'))).toBe(true);
    expect(readFileSync(path.join(dir, lastGoodFileName), 'utf8')).toBe(sign(lead, v(1)));
  });

  it('a TLS error (a certificate this PC does not trust) is a tls problem', async () => {
    await setup();
    client!.stop();
    const other = new ProfileClient({
      dataDir: dir,
      settings,
      calls: { live: () => false, onChange: (fn) => calls.changes.on(fn) },
      verify,
      maxBytes,
      log: createLogger(() => undefined),
      clock,
    });
    await other.start();
    expect(other.status()).toMatchObject({
      applied: { version: 1 },
      lastCheck: { outcome: 'unreachable', problem: 'tls' },
    });
    expect(settings.get('mute.longMuteSec')).toBe(45);
    other.stop();
  });
});

describe('the last good profile on disk', () => {
  it('applies on restart before any fetch; deleting it does not allow a rollback', async () => {
    await setup();
    publish(sign(lead, v(3)));
    await client!.check('manual');
    client!.stop();
    server.mode = '500';
    const again = await setup();
    expect(again.status()).toMatchObject({ applied: { version: 3 }, lastCheck: { problem: 'http-status' } });
    expect(settings.get('mute.longMuteSec')).toBe(45);
    again.stop();
    unlinkSync(path.join(dir, lastGoodFileName));
    publish(sign(lead, v(2)));
    const third = await setup();
    expect(third.status()).toMatchObject({ applied: null, lastCheck: { refusal: 'rollback', version: 2 } });
    expect(settings.get('mute.longMuteSec')).toBe(20);
  });

  it('an expired or no-longer-trusted last good profile stops applying, with the reason', async () => {
    publish(sign(lead, v(1, { expires: '2026-07-01T00:00:00Z' })));
    await setup();
    expect(settings.get('mute.longMuteSec')).toBe(45);
    client!.stop();
    server.mode = '404';
    clock.skip(40 * 24 * 3600 * 1000);
    const c = await setup();
    expect(c.status().applied).toBeNull();
    expect(settings.get('mute.longMuteSec')).toBe(20);
    expect(c.status().lastCheck).toMatchObject({ problem: 'http-status' });
    expect(logLines.some((l) => l.includes('no longer applies') && l.includes('expired'))).toBe(true);
    c.stop();
    const other = keygen('other');
    const d = await setupWithKeys([other.line]);
    expect(d.status().applied).toBeNull();
    expect(existsSync(path.join(dir, lastGoodFileName))).toBe(true);
  });
});

describe('IT un-configures and configures again', () => {
  it('the kept profile applies again at once; the same document served again is unchanged, not a rollback', async () => {
    const c = await setup();
    const policyFile = path.join(dir, 'policy.json');
    writeFileSync(policyFile, JSON.stringify({ 'profile.trustedKeys': [lead.line] }));
    await settings.load();
    settings.dispose();
    await until(() => !c.status().configured);
    expect(settings.get('mute.longMuteSec')).toBe(20);
    writeFileSync(policyFile, JSON.stringify({ 'profile.url': url, 'profile.trustedKeys': [lead.line] }));
    await settings.load();
    settings.dispose();
    await until(() => c.status().applied?.version === 1 && c.status().lastCheck !== null);
    expect(settings.get('mute.longMuteSec')).toBe(45);
    expect(c.status().lastCheck).toMatchObject({ trigger: 'manual', outcome: 'unchanged' });
  });

  it('a profile that expires while the app runs stops applying at the next poll, refused as expired', async () => {
    publish(sign(lead, v(1, { expires: '2026-06-01T00:01:00Z' })));
    const c = await setup();
    expect(settings.get('mute.longMuteSec')).toBe(45);
    await clock.fireNext();
    await until(() => c.status().lastCheck?.trigger === 'poll');
    expect(c.status().applied?.version).toBe(1);
    await clock.fireNext();
    await until(() => c.status().applied === null);
    expect(c.status().lastCheck).toMatchObject({ trigger: 'poll', outcome: 'refused', refusal: 'expired' });
    expect(settings.get('mute.longMuteSec')).toBe(20);
  });
});

async function setupWithKeys(keys: string[]) {
  server.mode = '404';
  return setup({ 'profile.trustedKeys': keys });
}

async function until(cond: () => boolean, ms = 3000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
