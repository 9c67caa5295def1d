import { describe, expect, it } from 'vitest';
import { parseAccount, parseServerUrl } from '@common/contract/account';

const form = (o: Partial<{ server: string; user: string; authUser: string; displayName: string }>) => ({
  server: 'wss://sip.example.org/ws',
  user: '1001',
  authUser: '',
  displayName: '',
  ...o,
});

describe('account validation', () => {
  it('takes an extension and uses the server host as domain', () => {
    const r = parseAccount(form({ user: '1001' }));
    expect(r.ok && r.account).toMatchObject({ aor: 'sip:1001@sip.example.org', authUser: '1001', secure: true });
  });
  it('takes a full SIP address, with or without the scheme', () => {
    expect(parseAccount(form({ user: 'sip:ana@calls.example.com' }))).toMatchObject({
      ok: true,
      account: { aor: 'sip:ana@calls.example.com' },
    });
    expect(parseAccount(form({ user: 'ana@calls.example.com', authUser: 'ana-auth' }))).toMatchObject({
      ok: true,
      account: { authUser: 'ana-auth' },
    });
  });
  it('allows ws:// only on loopback', () => {
    expect(parseAccount(form({ server: 'ws://127.0.0.1:8088' })).ok).toBe(true);
    expect(parseAccount(form({ server: 'ws://localhost:8088/ws' })).ok).toBe(true);
    expect(parseAccount(form({ server: 'ws://sip.example.org' }))).toEqual({
      ok: false,
      errors: { server: 'insecure-remote' },
    });
  });
  it('names what is wrong with each field', () => {
    expect(parseAccount(form({ server: '', user: '' }))).toEqual({
      ok: false,
      errors: { server: 'required', user: 'required' },
    });
    expect(parseAccount(form({ server: 'https://x.org' }))).toEqual({ ok: false, errors: { server: 'bad-scheme' } });
    expect(parseAccount(form({ server: 'wss://' }))).toEqual({ ok: false, errors: { server: 'bad-url' } });
    expect(parseAccount(form({ server: 'wss://host:99999' }))).toEqual({ ok: false, errors: { server: 'bad-url' } });
    expect(parseAccount(form({ user: 'a b@x' }))).toEqual({ ok: false, errors: { user: 'bad-user' } });
    expect(parseAccount(form({ user: '1001@bad_domain!' }))).toEqual({ ok: false, errors: { user: 'bad-user' } });
  });
  it('refuses display names that could break out of a SIP header', () => {
    expect(parseAccount(form({ displayName: 'Ana "boss" <sip:x>' }))).toEqual({
      ok: false,
      errors: { displayName: 'bad-characters' },
    });
    expect(parseAccount(form({ displayName: 'Ana\r\nVia: evil' }))).toEqual({
      ok: false,
      errors: { displayName: 'bad-characters' },
    });
    expect(parseAccount(form({ displayName: 'Ana María Núñez' })).ok).toBe(true);
  });
  it('normalises server URLs', () => {
    expect(parseServerUrl('WSS://SIP.Example.org:7443/ws')).toEqual({
      href: 'wss://sip.example.org:7443/ws',
      hostname: 'sip.example.org',
      secure: true,
    });
    expect(parseServerUrl('ws://[::1]:8088')).toMatchObject({ hostname: '[::1]', secure: false });
    expect(parseServerUrl('wss://host/ws?x=<script>')).toBeUndefined();
  });
});
