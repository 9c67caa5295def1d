import { Core } from 'sip.js';
import { describe, expect, it } from 'vitest';
import { readScreenPop, screenPopFields } from '../../../../electron/node/phone/screen-pop-fields';

const logger = new Core.LoggerFactory().getLogger('test');
/** A real INVITE through SIP.js's parser, with the IVR's headers as a network would send them. */
function invite(headers: string[]): Core.IncomingRequestMessage {
  const raw = [
    'INVITE sip:1001@127.0.0.1 SIP/2.0',
    'Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKnashds7',
    'Max-Forwards: 70',
    'To: <sip:1001@127.0.0.1>',
    'From: <sip:2002@127.0.0.1>;tag=1',
    'Call-ID: a84b4c76e66710',
    'CSeq: 314159 INVITE',
    'Contact: <sip:x@df7jal23ls0d.invalid;transport=ws>',
    ...headers,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const msg = Core.Parser.parseMessage(raw, logger);
  if (!msg || !(msg instanceof Core.IncomingRequestMessage)) throw new Error('test INVITE did not parse');
  return msg;
}

const account = {
  header: 'X-Account-Id',
  label: { en: 'Account', 'es-MX': 'Cuenta' },
  link: 'https://crm.example/cases?account={value}',
};

describe('which fields a ringing call shows', () => {
  it('the old header list alone shows each header under its own name, in order', () => {
    expect(
      screenPopFields({ 'calls.screenPop': [], 'calls.screenPopHeaders': ['X-Account-Id', 'X-IVR-Path'] }),
    ).toEqual([{ header: 'X-Account-Id' }, { header: 'X-IVR-Path' }]);
  });

  it('named fields come first; a header in both lists is shown once, with its label', () => {
    const fields = screenPopFields({
      'calls.screenPop': [account],
      'calls.screenPopHeaders': ['x-account-id', 'X-IVR-Path'],
    });
    expect(fields).toEqual([account, { header: 'X-IVR-Path' }]);
  });

  it('at most 32 fields, however the two lists add up', () => {
    const many = Array.from({ length: 32 }, (_, i) => `X-H${i}`);
    const fields = screenPopFields({ 'calls.screenPop': [{ header: 'X-Named' }], 'calls.screenPopHeaders': many });
    expect(fields).toHaveLength(32);
    expect(fields[0]).toEqual({ header: 'X-Named' });
  });
});

describe('reading them from an INVITE', () => {
  it('carries label and filled-in link; a header not sent is left out', () => {
    const req = invite(['X-Account-Id: 4815 1623']);
    expect(readScreenPop(req, [account, { header: 'X-IVR-Path' }])).toEqual([
      {
        header: 'X-Account-Id',
        label: { en: 'Account', 'es-MX': 'Cuenta' },
        value: '4815 1623',
        link: 'https://crm.example/cases?account=4815%201623',
      },
    ]);
  });

  it('hostile values are shown as bounded plain text and stay data inside the link', () => {
    const huge = 'A'.repeat(5000);
    const req = invite([
      'X-Account-Id: 1%0d%0aSet-Cookie: x=1&next=https://evil.example/#\u202egnp.exe',
      `X-IVR-Path: ${huge}`,
      'X-Queue: \u0007<img src=x onerror=alert(1)>\u2066',
    ]);
    const pop = readScreenPop(req, [
      account,
      { header: 'X-IVR-Path', link: 'https://crm.example/p/{value}' },
      { header: 'X-Queue' },
    ]);
    const [acc, path, queue] = pop;
    expect(acc!.value).toBe('1 Set-Cookie: x=1&next=https://evil.example/# gnp.exe');
    expect(acc!.value).not.toMatch(/[\p{Cc}\u202a-\u202e\u2066-\u2069]/u);
    const link = new URL(acc!.link!);
    expect(link.host).toBe('crm.example');
    expect(link.searchParams.get('account')).toBe(acc!.value);
    expect(link.hash).toBe('');
    expect(path!.value).toHaveLength(512);
    expect(path!.link).toBe(`https://crm.example/p/${'A'.repeat(512)}`);
    expect(queue).toEqual({ header: 'X-Queue', value: '<img src=x onerror=alert(1)>' });
  });

  it('an empty value gets no link (a CRM search for nothing helps nobody)', () => {
    const req = invite(['X-Account-Id: \u0001']);
    expect(readScreenPop(req, [account])).toEqual([
      { header: 'X-Account-Id', label: { en: 'Account', 'es-MX': 'Cuenta' }, value: '' },
    ]);
  });
});
