import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { calculateJwkThumbprint } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  generateSigningKey,
  parsePublicKeyLine,
  ProfileKeyError,
  readSigningKey,
} from '../../../../electron/node/profile/keys';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'diadema-keys-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const now = new Date('2026-12-01T10:00:00Z');

describe('generateSigningKey', () => {
  it('writes the private key 0600 and the public key as one line whose key id is the RFC 7638 thumbprint', async () => {
    const k = await generateSigningKey(dir, 'lead', now);
    expect(k.keyFile).toBe(path.join(dir, 'lead.key'));
    expect(statSync(k.keyFile).mode & 0o777).toBe(0o600);
    const pub = readFileSync(k.pubFile, 'utf8');
    expect(pub).toBe(`${k.publicLine}\n`);
    expect(k.publicLine).toMatch(/^ed25519:[A-Za-z0-9_-]{43}$/);
    // What the settings schema accepts in profile.trustedKeys: 16–512 characters, no spaces.
    expect(k.publicLine.length).toBeGreaterThanOrEqual(16);
    const x = k.publicLine.slice('ed25519:'.length);
    expect(k.kid).toBe(await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x }));
    expect(parsePublicKeyLine(` ${k.publicLine}\n`)?.kid).toBe(k.kid);
    const keyJson = JSON.parse(readFileSync(k.keyFile, 'utf8')) as Record<string, unknown>;
    expect(keyJson).toMatchObject({ kty: 'OKP', crv: 'Ed25519', x, kid: k.kid, name: 'lead' });
    expect(typeof keyJson.d).toBe('string');
    expect(pub).not.toContain(keyJson.d as string);
  });

  it('refuses to overwrite an existing key, and leaves it as it was', async () => {
    const first = await generateSigningKey(dir, 'lead', now);
    const before = readFileSync(first.keyFile, 'utf8');
    await expect(generateSigningKey(dir, 'lead', now)).rejects.toMatchObject({ code: 'key-exists' });
    expect(readFileSync(first.keyFile, 'utf8')).toBe(before);
  });

  it('refuses a name that is not a plain file name', async () => {
    await expect(generateSigningKey(dir, '../up', now)).rejects.toMatchObject({ code: 'key-invalid' });
  });
});

describe('readSigningKey', () => {
  it('reads back the key keygen wrote, with the same key id and public line', async () => {
    const k = await generateSigningKey(dir, 'lead', now);
    const read = await readSigningKey(k.keyFile);
    expect(read).toMatchObject({ kid: k.kid, name: 'lead', publicLine: k.publicLine });
    expect(read.privateKey.asymmetricKeyType).toBe('ed25519');
  });

  it.skipIf(process.platform === 'win32')('refuses a key file other users can read, saying how to fix it', async () => {
    const k = await generateSigningKey(dir, 'lead', now);
    chmodSync(k.keyFile, 0o640);
    const err = await readSigningKey(k.keyFile).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProfileKeyError);
    expect(err).toMatchObject({ code: 'key-permissions' });
    expect((err as Error).message).toContain(`chmod 600 ${k.keyFile}`);
  });

  it('refuses a missing file, a non-key and a key whose public part was edited', async () => {
    await expect(readSigningKey(path.join(dir, 'none.key'))).rejects.toMatchObject({ code: 'key-unreadable' });
    const junk = path.join(dir, 'junk.key');
    writeFileSync(junk, 'not json', { mode: 0o600 });
    await expect(readSigningKey(junk)).rejects.toMatchObject({ code: 'key-invalid' });
    const a = await generateSigningKey(dir, 'a', now);
    const b = await generateSigningKey(dir, 'b', now);
    const aJson = JSON.parse(readFileSync(a.keyFile, 'utf8')) as Record<string, unknown>;
    aJson.x = b.publicLine.slice('ed25519:'.length);
    writeFileSync(a.keyFile, JSON.stringify(aJson));
    await expect(readSigningKey(a.keyFile)).rejects.toMatchObject({ code: 'key-invalid' });
  });
});

describe('parsePublicKeyLine', () => {
  it('accepts only ed25519: and 32 bytes', () => {
    expect(parsePublicKeyLine('ed25519:short')).toBeUndefined();
    expect(parsePublicKeyLine(`rsa:${'A'.repeat(43)}`)).toBeUndefined();
    expect(parsePublicKeyLine(`ed25519:${'A'.repeat(43)}`)?.jwk).toEqual({
      kty: 'OKP',
      crv: 'Ed25519',
      x: 'A'.repeat(43),
    });
  });
});
