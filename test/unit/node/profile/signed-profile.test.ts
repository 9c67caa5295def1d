import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CompactSign } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProfileDraft } from '../../../../electron/common/contract/profile';
import { generateSigningKey, readSigningKey, type SigningKey } from '../../../../electron/node/profile/keys';
import {
  maxProfileBytes,
  ProfileDraftError,
  profileJwsType,
  readPayloadUnverified,
  signProfile,
  verifyProfile,
  type VerifyOutcome,
} from '../../../../electron/node/profile/signed-profile';

// Real Ed25519 keys written by keygen, real JWS made by jose; every case goes through the verifier agents run.
let dir: string;
let lead: SigningKey, other: SigningKey, next: SigningKey;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'diadema-signed-'));
  const made = await Promise.all(['lead', 'other', 'next'].map((n) => generateSigningKey(dir, n, now)));
  [lead, other, next] = (await Promise.all(made.map((k) => readSigningKey(k.keyFile)))) as [
    SigningKey,
    SigningKey,
    SigningKey,
  ];
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const now = new Date('2026-12-01T10:00:00Z');
const draft = (more: Partial<ProfileDraft> = {}): ProfileDraft => ({
  team: 'sales-north',
  version: 12,
  author: 'Marta Ruiz',
  defaults: { 'acw.durationSec': 90, 'notes.dispositions': ['sold', 'callback'] },
  enforced: { 'calls.supervisorExtension': '7001' },
  ...more,
});
const trust = (...keys: SigningKey[]) => ({ trustedKeys: keys.map((k) => k.publicLine), now });
const refusal = (o: VerifyOutcome) => (o.ok ? 'accepted' : o.refusal);

/** Signs any payload with a trusted key, bypassing signProfile's checks: what a buggy or hostile signer could make. */
async function signRaw(payload: string, key: SigningKey, header: Record<string, unknown> = {}): Promise<string> {
  return new CompactSign(new TextEncoder().encode(payload))
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: profileJwsType, ...header })
    .sign(key.privateKey);
}
const payloadOf = (d: ProfileDraft, issuedAt = now.toISOString()) => JSON.stringify({ ...d, issuedAt });

describe('sign → verify', () => {
  it('round-trips: the identity names team, version, author, issue time and key id; values come back as signed', async () => {
    const jws = await signProfile(draft({ expires: '2027-06-30T00:00:00Z' }), lead, now);
    expect(jws.split('.')).toHaveLength(3);
    const header = JSON.parse(Buffer.from(jws.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;
    expect(header).toEqual({ alg: 'EdDSA', kid: lead.kid, typ: profileJwsType });
    const out = await verifyProfile(jws, { ...trust(lead), team: 'sales-north', afterVersion: 11 });
    expect(out).toEqual({
      ok: true,
      profile: {
        identity: {
          team: 'sales-north',
          version: 12,
          author: 'Marta Ruiz',
          issuedAt: '2026-12-01T10:00:00.000Z',
          expires: '2027-06-30T00:00:00Z',
          keyId: lead.kid,
        },
        defaults: { 'acw.durationSec': 90, 'notes.dispositions': ['sold', 'callback'] },
        enforced: { 'calls.supervisorExtension': '7001' },
      },
    });
    // Bytes (as fetched) verify the same as text.
    expect((await verifyProfile(Buffer.from(jws), trust(lead))).ok).toBe(true);
  });

  it('drops the draft’s $ fields (descriptions) from what it signs', async () => {
    const jws = await signProfile({ ...draft(), $comment: 'hello', $descriptions: { a: 'b' } }, lead, now);
    expect(Object.keys(readPayloadUnverified(jws)!)).toEqual([
      'team',
      'version',
      'author',
      'issuedAt',
      'defaults',
      'enforced',
    ]);
  });

  it('key rotation: with two trusted keys, a profile signed by either is accepted and names its key', async () => {
    const byLead = await signProfile(draft(), lead, now);
    const byNext = await signProfile(draft({ version: 13 }), next, now);
    const both = trust(lead, next);
    const a = await verifyProfile(byLead, both);
    const b = await verifyProfile(byNext, both);
    expect(a.ok && a.profile.identity.keyId).toBe(lead.kid);
    expect(b.ok && b.profile.identity.keyId).toBe(next.kid);
    // Once the old key is dropped from policy, its documents are refused.
    expect(refusal(await verifyProfile(byLead, trust(next)))).toBe('untrusted-key');
  });
});

describe('signProfile refuses a draft with problems, naming each key and reason', () => {
  it('a value the schema refuses, a key a profile may not carry, an unknown key, a key in both modes', async () => {
    const bad = draft({
      defaults: { 'acw.durationSec': -5, 'account.user': '1001', 'no.such': 1, 'mute.longMuteSec': 30 },
      enforced: { 'mute.longMuteSec': 40 },
    });
    const err = (await signProfile(bad, lead, now).catch((e: unknown) => e)) as ProfileDraftError;
    expect(err).toBeInstanceOf(ProfileDraftError);
    expect(err.code).toBe('invalid-draft');
    expect(err.problems.map((p) => [p.key, p.code])).toEqual([
      ['acw.durationSec', 'invalid-value'],
      ['account.user', 'not-allowed-in-profile'],
      ['no.such', 'unknown-key'],
      ['mute.longMuteSec', 'both-modes'],
    ]);
    expect(err.message).toContain('acw.durationSec');
    expect(err.message).toContain('account.user');
  });

  it('an expiry already past, and a missing team', async () => {
    const err = (await signProfile({ ...draft({ expires: '2026-11-30T00:00:00Z' }), team: '' }, lead, now).catch(
      (e: unknown) => e,
    )) as ProfileDraftError;
    expect(err.problems.map((p) => p.key).sort()).toEqual(['expires', 'team']);
  });
});

describe('verifyProfile refuses each tampered or unacceptable document whole, with its code', () => {
  let good: string;
  beforeAll(async () => {
    good = await signProfile(draft(), lead, now);
  });

  it('unsigned: the plain JSON draft, an HTML page, empty bytes, invalid UTF-8', async () => {
    for (const doc of [JSON.stringify(draft()), '<html>captive portal</html>', '', Buffer.from([0xff, 0xfe, 0x2e])]) {
      const out = await verifyProfile(doc, trust(lead));
      expect(refusal(out)).toBe('unsigned');
    }
    const json = await verifyProfile(JSON.stringify(draft()), trust(lead));
    expect(!json.ok && json.detail).toContain('plain JSON');
  });

  it('no trusted keys configured (or none readable)', async () => {
    expect(refusal(await verifyProfile(good, { trustedKeys: [], now }))).toBe('no-trusted-keys');
    expect(refusal(await verifyProfile(good, { trustedKeys: ['ed25519:nope'], now }))).toBe('no-trusted-keys');
  });

  it('an unknown key', async () => {
    const out = await verifyProfile(good, trust(other));
    expect(out).toMatchObject({ ok: false, refusal: 'untrusted-key' });
    expect(!out.ok && out.detail).toContain(lead.kid);
  });

  it('one flipped byte in the payload, and one in the signature', async () => {
    const [h, p, s] = good.split('.') as [string, string, string];
    const payload = Buffer.from(p, 'base64url');
    payload[payload.indexOf('90') + 1] = '9'.charCodeAt(0); // acw.durationSec 90 → 99: one byte changed
    const flippedPayload = `${h}.${payload.toString('base64url')}.${s}`;
    expect(refusal(await verifyProfile(flippedPayload, trust(lead)))).toBe('bad-signature');
    const sig = Buffer.from(s, 'base64url');
    sig[10] = sig[10]! ^ 0x01;
    expect(refusal(await verifyProfile(`${h}.${p}.${sig.toString('base64url')}`, trust(lead)))).toBe('bad-signature');
  });

  it('a signature claiming another algorithm, and a trusted signature over another kind of document', async () => {
    const [, p, s] = good.split('.') as [string, string, string];
    const h = Buffer.from(JSON.stringify({ alg: 'none', kid: lead.kid })).toString('base64url');
    expect(refusal(await verifyProfile(`${h}.${p}.${s}`, trust(lead)))).toBe('bad-signature');
    const token = await signRaw(payloadOf(draft()), lead, { typ: 'JWT' });
    expect(refusal(await verifyProfile(token, trust(lead)))).toBe('invalid-document');
  });

  it('an older version replayed (rollback), and the same version again', async () => {
    const v11 = await signProfile(draft({ version: 11 }), lead, now);
    expect(await verifyProfile(v11, { ...trust(lead), afterVersion: 12 })).toMatchObject({
      ok: false,
      refusal: 'rollback',
      version: 11,
    });
    expect(refusal(await verifyProfile(good, { ...trust(lead), afterVersion: 12 }))).toBe('rollback');
    expect(refusal(await verifyProfile(good, { ...trust(lead), afterVersion: 11 }))).toBe('accepted');
  });

  it('expired, checked against the clock given (the instant of expiry counts as expired)', async () => {
    const jws = await signProfile(draft({ expires: '2026-12-02T00:00:00Z' }), lead, now);
    expect(refusal(await verifyProfile(jws, trust(lead)))).toBe('accepted');
    const later = { trustedKeys: [lead.publicLine], now: new Date('2026-12-02T00:00:00Z') };
    expect(await verifyProfile(jws, later)).toMatchObject({ ok: false, refusal: 'expired', version: 12 });
  });

  it('another team', async () => {
    const out = await verifyProfile(good, { ...trust(lead), team: 'sales-south' });
    expect(out).toMatchObject({ ok: false, refusal: 'wrong-team', version: 12 });
    expect(!out.ok && out.detail).toBe('for team sales-north; this PC follows sales-south');
  });

  it('oversize: one byte over 256 KiB is refused before anything else is read', async () => {
    expect(maxProfileBytes).toBe(262144);
    const big = `${good}${' '.repeat(maxProfileBytes - good.length + 1)}`;
    expect(refusal(await verifyProfile(big, trust(lead)))).toBe('too-large');
    const exact = `${good}${' '.repeat(maxProfileBytes - good.length)}`;
    expect(refusal(await verifyProfile(exact, trust(lead)))).toBe('accepted');
  });

  it('a signed payload that is not JSON, or not a profile', async () => {
    expect(refusal(await verifyProfile(await signRaw('{"team": "x", ', lead), trust(lead)))).toBe('invalid-document');
    const noVersion = await signRaw(
      JSON.stringify({ ...draft(), version: 'twelve', issuedAt: now.toISOString() }),
      lead,
    );
    const out = await verifyProfile(noVersion, trust(lead));
    expect(out).toMatchObject({ ok: false, refusal: 'invalid-document' });
    expect(!out.ok && out.detail).toContain('version');
  });

  it('a schema-invalid value, or account.user, signed by a trusted key: the whole profile is refused', async () => {
    const badValue = await signRaw(payloadOf(draft({ defaults: { 'acw.durationSec': 99999 } })), lead);
    const a = await verifyProfile(badValue, trust(lead));
    expect(a).toMatchObject({ ok: false, refusal: 'invalid-setting', version: 12 });
    expect(!a.ok && a.detail).toContain('acw.durationSec');
    const account = await signRaw(payloadOf(draft({ enforced: { 'account.user': '1001' } })), lead);
    const b = await verifyProfile(account, trust(lead));
    expect(b).toMatchObject({ ok: false, refusal: 'invalid-setting' });
    expect(!b.ok && b.detail).toContain('account.user');
  });

  it('checks in order: an untrusted key is reported before the wrong team, the team before expiry', async () => {
    const expiredOtherTeam = await signRaw(
      payloadOf(draft({ team: 'sales-south', expires: '2026-01-01T00:00:00Z' })),
      lead,
    );
    expect(refusal(await verifyProfile(expiredOtherTeam, { ...trust(other), team: 'sales-north' }))).toBe(
      'untrusted-key',
    );
    expect(refusal(await verifyProfile(expiredOtherTeam, { ...trust(lead), team: 'sales-north' }))).toBe('wrong-team');
    expect(refusal(await verifyProfile(expiredOtherTeam, trust(lead)))).toBe('expired');
  });
});
