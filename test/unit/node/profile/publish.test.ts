import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProfileDraft } from '../../../../electron/common/contract/profile';
import { generateSigningKey, readSigningKey, type SigningKey } from '../../../../electron/node/profile/keys';
import { publishProfile, publishTarget, readPublished } from '../../../../electron/node/profile/publish';
import { signProfile, verifyProfile } from '../../../../electron/node/profile/signed-profile';
import { makeTestCertificates, startHttpsFileServer, type HttpsFileServer } from '../../../support/https-server';

let dir: string;
let key: SigningKey;
let server: HttpsFileServer;
let v1: string, v2: string;
const now = new Date('2026-12-01T10:00:00Z');
const draft = (version: number): ProfileDraft => ({
  team: 'sales-north',
  version,
  author: 'Marta',
  defaults: { 'acw.durationSec': 30 * version },
  enforced: {},
});

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'diadema-publish-'));
  key = await readSigningKey((await generateSigningKey(dir, 'lead', now)).keyFile);
  [v1, v2] = await Promise.all([signProfile(draft(1), key, now), signProfile(draft(2), key, now)]);
  server = await startHttpsFileServer({ putToken: 'sekrit-token' });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const freshFolder = () => mkdtempSync(path.join(dir, 'share-'));

describe('publish to a folder', () => {
  it('writes <team>.jws whole, keeps the version it replaces, leaves no temporary file', async () => {
    const share = freshFolder();
    expect(await publishProfile(v1, share)).toEqual({ publishedTo: path.join(share, 'sales-north.jws') });
    const first = await publishProfile(v2, pathToFileURL(share).toString());
    expect(first).toEqual({
      publishedTo: path.join(share, 'sales-north.jws'),
      kept: path.join(share, 'sales-north.v1.jws'),
    });
    expect(readdirSync(share).sort()).toEqual(['sales-north.jws', 'sales-north.v1.jws']);
    expect(readFileSync(path.join(share, 'sales-north.jws'), 'utf8')).toBe(`${v2}\n`);
    expect(readFileSync(path.join(share, 'sales-north.v1.jws'), 'utf8')).toBe(`${v1}\n`);
    // What an agent then reads verifies.
    const out = await verifyProfile(readFileSync(path.join(share, 'sales-north.jws')), {
      trustedKeys: [key.publicLine],
      now,
    });
    expect(out.ok && out.profile.identity.version).toBe(2);
    expect(await readPublished(share)).toBe(`${v2}\n`);
  });

  it('publishing the same document again is a no-op; an older or equal version is refused and nothing changes', async () => {
    const share = freshFolder();
    await publishProfile(v2, share);
    await publishProfile(v2, share);
    await expect(publishProfile(v1, share)).rejects.toMatchObject({ code: 'not-newer' });
    expect(readdirSync(share)).toEqual(['sales-north.jws']);
    expect(readFileSync(path.join(share, 'sales-north.jws'), 'utf8')).toBe(`${v2}\n`);
  });

  it('a write that fails leaves no temporary file and the published document as it was', async () => {
    const share = freshFolder();
    await publishProfile(v1, share);
    // The kept copy's name is taken by a folder: writing it fails after its temporary file was made.
    mkdirSync(path.join(share, 'sales-north.v1.jws', 'inside'), { recursive: true });
    await expect(publishProfile(v2, share)).rejects.toMatchObject({ code: 'write-failed' });
    expect(readdirSync(share).sort()).toEqual(['sales-north.jws', 'sales-north.v1.jws']);
    expect(readFileSync(path.join(share, 'sales-north.jws'), 'utf8')).toBe(`${v1}\n`);
  });

  it('refuses what is not a signed profile, a missing folder and plain http', async () => {
    const share = freshFolder();
    await expect(publishProfile(JSON.stringify(draft(3)), share)).rejects.toMatchObject({ code: 'not-a-profile' });
    await expect(publishProfile(v1, path.join(share, 'missing'))).rejects.toMatchObject({ code: 'bad-target' });
    await expect(publishProfile(v1, 'http://example.test/profiles/')).rejects.toMatchObject({ code: 'insecure-url' });
    expect(readdirSync(share)).toEqual([]);
  });

  it('names the file after the team; an https URL ending in / gets the same name', () => {
    expect(publishTarget('/srv/share', 'ops')).toEqual({
      kind: 'folder',
      dir: '/srv/share',
      file: '/srv/share/ops.jws',
    });
    expect(publishTarget('https://files.example/p/', 'ops')).toEqual({
      kind: 'https',
      url: 'https://files.example/p/ops.jws',
    });
    expect(publishTarget('https://files.example/p/team.jws', 'ops')).toEqual({
      kind: 'https',
      url: 'https://files.example/p/team.jws',
    });
    expect(() => publishTarget('https://u:p@files.example/', 'ops')).toThrow(/DIADEMA_PUBLISH_TOKEN/);
  });
});

describe('publish over HTTPS (PUT, TLS verified)', () => {
  it('PUTs the document with the bearer token to <url>/<team>.jws, and reads it back', async () => {
    const r = await publishProfile(v1, `${server.url}/profiles/`, { token: 'sekrit-token', ca: server.caPem });
    expect(r.publishedTo).toBe(`${server.url}/profiles/sales-north.jws`);
    expect(readFileSync(path.join(server.dir, 'profiles', 'sales-north.jws'), 'utf8')).toBe(`${v1}\n`);
    const put = server.requests.at(-1)!;
    expect(put).toMatchObject({ method: 'PUT', path: '/profiles/sales-north.jws', status: 201 });
    expect(put.headers['content-type']).toBe('application/jose');
    expect(await readPublished(`${server.url}/profiles/`, { team: 'sales-north', ca: server.caPem })).toBe(`${v1}\n`);
    expect(await readPublished(`${server.url}/profiles/`, { team: 'other', ca: server.caPem })).toBeUndefined();
  });

  it('refuses to replace a published version with an older or equal one; the same document again is a no-op', async () => {
    const o = { token: 'sekrit-token', ca: server.caPem };
    await publishProfile(v2, `${server.url}/again/`, o);
    const puts = () => server.requests.filter((r) => r.method === 'PUT' && r.path === '/again/sales-north.jws').length;
    expect(puts()).toBe(1);
    await publishProfile(v2, `${server.url}/again/`, o);
    await expect(publishProfile(v1, `${server.url}/again/`, o)).rejects.toMatchObject({ code: 'not-newer' });
    expect(puts()).toBe(1);
    expect(readFileSync(path.join(server.dir, 'again', 'sales-north.jws'), 'utf8')).toBe(`${v2}\n`);
  });

  it('a refused token, a server error, a redirect: each an error with the status, nothing followed', async () => {
    await expect(publishProfile(v1, `${server.url}/x/`, { token: 'wrong', ca: server.caPem })).rejects.toMatchObject({
      code: 'http-status',
      message: expect.stringContaining('401') as unknown,
    });
    server.misbehave('/y/sales-north.jws', { kind: 'status', status: 500 });
    await expect(
      publishProfile(v1, `${server.url}/y/`, { token: 'sekrit-token', ca: server.caPem }),
    ).rejects.toMatchObject({
      code: 'http-status',
    });
    server.misbehave('/z/sales-north.jws', {
      kind: 'redirect',
      location: `${server.url}/profiles/sales-north.jws`,
      status: 307,
    });
    const before = server.requests.filter((r) => r.path === '/profiles/sales-north.jws').length;
    await expect(
      publishProfile(v2, `${server.url}/z/`, { token: 'sekrit-token', ca: server.caPem }),
    ).rejects.toMatchObject({
      code: 'http-status',
    });
    expect(server.requests.filter((r) => r.path === '/profiles/sales-north.jws').length).toBe(before);
    expect(readFileSync(path.join(server.dir, 'profiles', 'sales-north.jws'), 'utf8')).toBe(`${v1}\n`);
  });

  it('refuses a server whose certificate is not trusted, names another host, or has expired', async () => {
    await expect(publishProfile(v1, `${server.url}/t/`, { token: 'sekrit-token' })).rejects.toMatchObject({
      code: 'tls',
    });
    for (const certs of [
      makeTestCertificates({ names: ['DNS:elsewhere.example'] }),
      makeTestCertificates({ expired: true }),
    ]) {
      const bad = await startHttpsFileServer({ certs });
      try {
        await expect(publishProfile(v1, `${bad.url}/`, { ca: certs.caPem })).rejects.toMatchObject({ code: 'tls' });
        expect(readdirSync(bad.dir)).toEqual([]);
      } finally {
        await bad.close();
      }
    }
  });

  it('gives up on a server that never answers, at the deadline', async () => {
    server.misbehave('/hang/sales-north.jws', { kind: 'hang' });
    await expect(
      publishProfile(v1, `${server.url}/hang/`, { ca: server.caPem, deadlineMs: 300 }),
    ).rejects.toMatchObject({ code: 'timeout' });
  });
});
