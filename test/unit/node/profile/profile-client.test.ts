import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CompactSign } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { profileStatus, type ProfileDraft, type ProfileStatus } from '@common/contract/profile';
import { Emitter } from '@common/emitter';
import { createLogger } from '../../../../electron/node/log';
import { generateSigningKey, readSigningKey, type SigningKey } from '../../../../electron/node/profile/keys';
import { lastGoodFileName, ProfileClient, stateFileName } from '../../../../electron/node/profile/profile-client';
import {
  maxProfileBytes as maxBytes,
  profileJwsType,
  signProfile,
  verifyProfile as verify,
} from '../../../../electron/node/profile/signed-profile';
import { jsonFileLayer } from '../../../../electron/node/settings/layer-source';
import { SettingsService } from '../../../../electron/node/settings/settings-service';
import { FakeClock } from '../../../support/fake-clock';
import { etagOf, startHttpsFileServer, type HttpsFileServer } from '../../../support/https-server';

// The agent's profile client against a real HTTPS server (openssl-made CA) serving real signed documents, with the
// real settings service and files on disk; time on a manual clock.
type Draft = ProfileDraft;
const signedAt = new Date('2026-05-15T00:00:00Z');
const sign = (key: SigningKey, d: Draft, at = signedAt) => signProfile(d, key, at);
/** A correctly signed JWS over any payload text (what signProfile would refuse to produce). */
const forge = (key: SigningKey, payload: string) =>
  new CompactSign(new TextEncoder().encode(payload))
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: profileJwsType })
    .sign(key.privateKey);

let server: HttpsFileServer;
let url: string;
const urlPath = '/sales.jws';
const publish = (body: string) => {
  server.misbehave(urlPath, undefined);
  writeFileSync(path.join(server.dir, urlPath.slice(1)), body);
};
const published = () => readFileSync(path.join(server.dir, urlPath.slice(1)), 'utf8');
let lead: SigningKey;
let stranger: SigningKey;
let keysDir: string;

beforeAll(async () => {
  server = await startHttpsFileServer();
  url = `${server.url}${urlPath}`;
  keysDir = mkdtempSync(path.join(os.tmpdir(), 'diadema-profile-keys-'));
  lead = await readSigningKey((await generateSigningKey(keysDir, 'lead', signedAt)).keyFile);
  stranger = await readSigningKey((await generateSigningKey(keysDir, 'stranger', signedAt)).keyFile);
});
afterAll(async () => {
  await server.close();
  rmSync(keysDir, { recursive: true, force: true });
});

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
  writeFileSync(
    policyFile,
    JSON.stringify({ 'profile.url': url, 'profile.trustedKeys': [lead.publicLine], ...policy }),
  );
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
    ca: server.caPem,
    fetchDeadlineMs: o.deadline ?? 2000,
    random: () => 0.5,
  });
  client.onChange((s) => statuses.push(s));
  await client.start();
  return client;
}

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'diadema-profile-client-'));
  clock = new FakeClock();
  clock.skip(Date.parse('2026-06-01T00:00:00Z'));
  logLines = [];
  statuses.length = 0;
  server.requests.length = 0;
  calls.live = false;
  publish(await sign(lead, v(1)));
});
afterEach(() => {
  // Every status the client raised is one the contract lets through to the renderer once it has crossed the wire
  // as JSON (an invalid event is dropped there: a change with no value before lost its `before` key and with it v2).
  for (const st of statuses)
    expect(profileStatus.safeParse(JSON.parse(JSON.stringify(st))).error?.issues).toBeUndefined();
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
      applied: { team: 'sales', version: 1, author: 'Ana Lead', keyId: lead.kid },
      pending: [],
      lastCheck: { trigger: 'start', outcome: 'applied', version: 1 },
    });
    expect(s.changes).toEqual([
      { key: 'acw.durationSec', mode: 'default', before: undefined, after: 90 },
      { key: 'mute.longMuteSec', mode: 'enforced', before: undefined, after: 45 },
    ]);
    expect(readFileSync(path.join(dir, lastGoodFileName), 'utf8')).toBe(published());
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
    publish(await sign(lead, v(2, { defaults: { 'notes.editWindowMin': 10 } })));
    await client!.check('manual');
    await settings.set({ 'notes.editWindowMin': 20 });
    expect(settings.view().settings['notes.editWindowMin']).toEqual({ value: 20, layer: 'user', locked: false });
  });

  it('applies a new version live and lists what changed; the poll after it sends If-None-Match and gets 304', async () => {
    const c = await setup();
    publish(await sign(lead, v(2, { defaults: { 'acw.durationSec': 120 }, enforced: {} })));
    expect(clock.pending()).toEqual([30_000]);
    await clock.fireNext();
    await until(() => c.status().applied?.version === 2);
    expect(settings.get('acw.durationSec')).toBe(120);
    expect(settings.view().settings['mute.longMuteSec']).toMatchObject({ value: 20, layer: 'default' });
    expect(c.status().changes).toEqual([
      { key: 'acw.durationSec', mode: 'default', before: 90, after: 120 },
      { key: 'mute.longMuteSec', mode: 'removed', before: 45, after: undefined },
    ]);
    expect(c.status().lastCheck).toMatchObject({ trigger: 'poll', outcome: 'applied', version: 2 });
    server.requests.length = 0;
    await clock.fireNext();
    await until(() => server.requests.length === 1 && c.status().lastCheck?.outcome === 'unchanged');
    expect(server.requests.map((r) => [r.headers['if-none-match'], r.status])).toEqual([[etagOf(published()), 304]]);
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
        ca: server.caPem,
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
    server.requests.length = 0;
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
    publish(
      await sign(lead, v(2, { defaults: { 'acw.durationSec': 90, 'account.server': 'wss://sip.example.org/ws' } })),
    );
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
    writeFileSync(path.join(dir, 'policy.json'), JSON.stringify({ 'profile.trustedKeys': [lead.publicLine] }));
    await settings.load();
    settings.dispose();
    await until(() => !c.status().configured);
    expect(settings.get('mute.longMuteSec')).toBe(20);
    expect(c.status()).toMatchObject({ configured: false, applied: null });
    expect(clock.pending()).toEqual([]);
    server.requests.length = 0;
    await c.check('manual');
    expect(server.requests).toHaveLength(0);
  });
});

describe('refusals and fetch problems: nothing changes, the last good profile stays in force', () => {
  const fail = (how: Parameters<HttpsFileServer['misbehave']>[1]) => () => server.misbehave(urlPath, how);
  const tampered: Array<[string, () => unknown, Record<string, unknown>]> = [
    ['unsigned', () => publish(JSON.stringify(v(5))), { refusal: 'unsigned' }],
    ['unknown key', async () => publish(await sign(stranger, v(5))), { refusal: 'untrusted-key' }],
    [
      'one flipped byte',
      async () => {
        const [h, p, sig] = (await sign(lead, v(5))).split('.');
        const payload = Buffer.from(p!, 'base64url');
        payload[payload.indexOf('"acw.durationSec":90') + 19] = '9'.charCodeAt(0);
        publish(`${h}.${payload.toString('base64url')}.${sig}`);
      },
      { refusal: 'bad-signature' },
    ],
    [
      'older version replayed',
      async () => publish(await sign(lead, v(1, { defaults: {} }))),
      { refusal: 'rollback', version: 1 },
    ],
    [
      'expired',
      async () => publish(await sign(lead, v(5, { expires: '2026-05-20T00:00:00Z' }))),
      { refusal: 'expired' },
    ],
    ['other team', async () => publish(await sign(lead, v(5, { team: 'billing' }))), { refusal: 'wrong-team' }],
    ['oversize', fail({ kind: 'oversize', bytes: maxBytes + 1, chunked: true }), { refusal: 'too-large' }],
    ['invalid JSON', async () => publish(await forge(lead, '{"team":"sales",')), { refusal: 'invalid-document' }],
    [
      'schema-invalid value',
      async () =>
        publish(
          await forge(
            lead,
            JSON.stringify({ ...v(5, { defaults: { 'acw.durationSec': -1 } }), issuedAt: signedAt.toISOString() }),
          ),
        ),
      { refusal: 'invalid-setting', detail: /acw\.durationSec/ },
    ],
    [
      'http redirect',
      fail({ kind: 'redirect', location: 'http://127.0.0.1:9/sales.jws' }),
      { outcome: 'unreachable', problem: 'insecure-redirect' },
    ],
    ['404', fail({ kind: 'status', status: 404 }), { outcome: 'unreachable', problem: 'http-status', detail: /404/ }],
    ['500', fail({ kind: 'status', status: 500 }), { outcome: 'unreachable', problem: 'http-status', detail: /500/ }],
    [
      'trickling server',
      fail({ kind: 'trickle', everyMs: 20 }),
      { outcome: 'unreachable', problem: 'timeout', detail: /300 ms/ },
    ],
    ['garbage instead of HTTP', fail({ kind: 'garbage' }), { outcome: 'unreachable', problem: 'unreachable' }],
  ];
  it.each(tampered)('%s', async (_name, tamper, expected) => {
    const c = await setup({}, { deadline: 300 });
    const before = JSON.stringify(settings.view());
    const kept = published();
    await tamper();
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
    expect(readFileSync(path.join(dir, lastGoodFileName), 'utf8')).toBe(kept);
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
    publish(await sign(lead, v(3)));
    await client!.check('manual');
    client!.stop();
    server.misbehave(urlPath, { kind: 'status', status: 500 });
    const again = await setup();
    expect(again.status()).toMatchObject({ applied: { version: 3 }, lastCheck: { problem: 'http-status' } });
    expect(settings.get('mute.longMuteSec')).toBe(45);
    again.stop();
    unlinkSync(path.join(dir, lastGoodFileName));
    publish(await sign(lead, v(2)));
    const third = await setup();
    expect(third.status()).toMatchObject({ applied: null, lastCheck: { refusal: 'rollback', version: 2 } });
    expect(settings.get('mute.longMuteSec')).toBe(20);
  });

  it('restore() applies the kept profile without touching the network', async () => {
    await setup();
    client!.stop();
    settings.setTeamLayers({}, {});
    server.requests.length = 0;
    const again = new ProfileClient({
      dataDir: dir,
      settings,
      calls: { live: () => false, onChange: (fn) => calls.changes.on(fn) },
      verify,
      maxBytes,
      log: createLogger(() => undefined),
      clock,
      ca: server.caPem,
    });
    await again.restore();
    expect(settings.get('mute.longMuteSec')).toBe(45);
    expect(again.status().applied?.version).toBe(1);
    expect(server.requests).toHaveLength(0);
    again.stop();
  });

  it('an expired or no-longer-trusted last good profile stops applying, with the reason', async () => {
    publish(await sign(lead, v(1, { expires: '2026-07-01T00:00:00Z' })));
    await setup();
    expect(settings.get('mute.longMuteSec')).toBe(45);
    client!.stop();
    server.misbehave(urlPath, { kind: 'status', status: 404 });
    clock.skip(40 * 24 * 3600 * 1000);
    const c = await setup();
    expect(c.status().applied).toBeNull();
    expect(settings.get('mute.longMuteSec')).toBe(20);
    expect(c.status().lastCheck).toMatchObject({ problem: 'http-status' });
    expect(logLines.some((l) => l.includes('no longer applies') && l.includes('expired'))).toBe(true);
    c.stop();
    const d = await setupWithKeys([stranger.publicLine]);
    expect(d.status().applied).toBeNull();
    expect(existsSync(path.join(dir, lastGoodFileName))).toBe(true);
  });
});

describe('IT un-configures and configures again', () => {
  it('the kept profile applies again at once; the same document served again is unchanged, not a rollback', async () => {
    const c = await setup();
    const policyFile = path.join(dir, 'policy.json');
    writeFileSync(policyFile, JSON.stringify({ 'profile.trustedKeys': [lead.publicLine] }));
    await settings.load();
    settings.dispose();
    await until(() => !c.status().configured);
    expect(settings.get('mute.longMuteSec')).toBe(20);
    writeFileSync(policyFile, JSON.stringify({ 'profile.url': url, 'profile.trustedKeys': [lead.publicLine] }));
    await settings.load();
    settings.dispose();
    await until(() => c.status().applied?.version === 1 && c.status().lastCheck !== null);
    expect(settings.get('mute.longMuteSec')).toBe(45);
    expect(c.status().lastCheck).toMatchObject({ trigger: 'manual', outcome: 'unchanged' });
  });

  it('a profile that expires while the app runs stops applying at the next poll, refused as expired', async () => {
    publish(await sign(lead, v(1, { expires: '2026-06-01T00:01:00Z' })));
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
  server.misbehave(urlPath, { kind: 'status', status: 404 });
  return setup({ 'profile.trustedKeys': keys });
}

async function until(cond: () => boolean, ms = 3000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
