import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/**
 * The team lead's Ed25519 signing key and its public half in the one-line form IT pastes into `profile.trustedKeys`
 * (`ed25519:<base64url of the 32-byte public key>`). The key id every signature carries is the RFC 7638 JWK
 * thumbprint of the public key, so an agent derives it from the line alone and keys can be rotated by listing two.
 */

export const publicLinePrefix = 'ed25519:';
const publicLinePattern = /^ed25519:([A-Za-z0-9_-]{43})$/;
export const keyNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const defaultKeyName = 'team-profile';

export type ProfileKeyErrorCode = 'key-exists' | 'key-unreadable' | 'key-permissions' | 'key-invalid';

/** A key file that cannot be written or used, with what to do about it. */
export class ProfileKeyError extends Error {
  constructor(
    readonly code: ProfileKeyErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ProfileKeyError';
  }
}

/** A public key IT trusts: its id and the JWK jose verifies with. */
export interface TrustedKey {
  kid: string;
  line: string;
  jwk: { kty: 'OKP'; crv: 'Ed25519'; x: string };
}

/** The private key, read from its file and ready to sign. */
export interface SigningKey {
  kid: string;
  name: string;
  publicLine: string;
  privateKey: KeyObject;
}

/** RFC 7638: SHA-256 over the required members of the JWK in lexical order, base64url. */
export function keyIdOf(x: string): string {
  return createHash('sha256').update(`{"crv":"Ed25519","kty":"OKP","x":"${x}"}`).digest('base64url');
}

/** The one-line public key, or undefined when the text is not one (surrounding white space is forgiven). */
export function parsePublicKeyLine(text: string): TrustedKey | undefined {
  const line = text.trim();
  const m = publicLinePattern.exec(line);
  if (!m || Buffer.from(m[1]!, 'base64url').length !== 32) return undefined;
  const x = m[1]!;
  return { kid: keyIdOf(x), line, jwk: { kty: 'OKP', crv: 'Ed25519', x } };
}

interface KeyFile {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  d: string;
  kid: string;
  name: string;
  created: string;
}

/**
 * Writes `DIR/<name>.key` (the private key as a JWK, mode 0600) and `DIR/<name>.pub` (the public line). Refuses to
 * overwrite either: a lost signing key must be a decision, never a typo.
 */
export async function generateSigningKey(
  dir: string,
  name: string,
  now: Date,
): Promise<{ keyFile: string; pubFile: string; publicLine: string; kid: string }> {
  if (!keyNamePattern.test(name))
    throw new ProfileKeyError(
      'key-invalid',
      `key name ${JSON.stringify(name)}: use letters, digits, . _ - (at most 64)`,
    );
  const keyFile = path.join(dir, `${name}.key`);
  const pubFile = path.join(dir, `${name}.pub`);
  for (const f of [keyFile, pubFile]) {
    if (await exists(f)) throw new ProfileKeyError('key-exists', `${f} already exists; choose another --name or --dir`);
  }
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const x = jwk.x!;
  const kid = keyIdOf(x);
  const body: KeyFile = { kty: 'OKP', crv: 'Ed25519', x, d: jwk.d!, kid, name, created: now.toISOString() };
  const publicLine = `${publicLinePrefix}${x}`;
  // 'wx': fails if the file appeared meanwhile; the mode applies at creation, before any byte is written.
  const handle = await fs.open(keyFile, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(body, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.writeFile(pubFile, `${publicLine}\n`, { flag: 'wx', mode: 0o644 });
  return { keyFile, pubFile, publicLine, kid };
}

/** Reads a key file `generateSigningKey` wrote; on POSIX refuses one that group or others can read. */
export async function readSigningKey(file: string): Promise<SigningKey> {
  let stat;
  try {
    stat = await fs.stat(file);
  } catch (err) {
    throw new ProfileKeyError('key-unreadable', `cannot read the signing key ${file}: ${(err as Error).message}`);
  }
  if (!stat.isFile()) throw new ProfileKeyError('key-unreadable', `the signing key ${file} is not a file`);
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0)
    throw new ProfileKeyError(
      'key-permissions',
      `the signing key ${file} can be read by other users (mode ${(stat.mode & 0o777).toString(8)}); ` +
        `run: chmod 600 ${file}`,
    );
  let parsed: Partial<KeyFile>;
  try {
    parsed = JSON.parse(await fs.readFile(file, 'utf8')) as Partial<KeyFile>;
  } catch (err) {
    throw new ProfileKeyError('key-invalid', `the signing key ${file} is not a key file: ${(err as Error).message}`);
  }
  if (parsed.kty !== 'OKP' || parsed.crv !== 'Ed25519' || typeof parsed.x !== 'string' || typeof parsed.d !== 'string')
    throw new ProfileKeyError('key-invalid', `the signing key ${file} is not an Ed25519 private key`);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', x: parsed.x, d: parsed.d }, format: 'jwk' });
    // The public half must be the one derived from d: a hand-edited x would sign under someone else's key id.
    const derived = createPublicKey(privateKey).export({ format: 'jwk' }).x;
    if (derived !== parsed.x) throw new Error('its public part does not belong to its private part');
  } catch (err) {
    throw new ProfileKeyError('key-invalid', `the signing key ${file} is damaged: ${(err as Error).message}`);
  }
  return {
    kid: keyIdOf(parsed.x),
    name: typeof parsed.name === 'string' ? parsed.name : path.basename(file, '.key'),
    publicLine: `${publicLinePrefix}${parsed.x}`,
    privateKey,
  };
}

async function exists(f: string): Promise<boolean> {
  try {
    await fs.lstat(f);
    return true;
  } catch {
    return false;
  }
}
