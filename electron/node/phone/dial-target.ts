/**
 * What an agent may dial: a phone number (digits with the usual separators, optional leading +, * and #), an
 * extension or SIP user, or a full SIP address. Returns the SIP URI to call, or undefined when it is not dialable.
 */
export function dialUri(input: string, defaultDomain: string): string | undefined {
  const t = input.trim();
  if (!t || t.length > 128) return undefined;
  const sip =
    /^(?:sips?:)?([A-Za-z0-9\-_.!~*'()&=+$,;?/]{1,64})@([A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/.exec(
      t,
    );
  if (sip) return `sip:${sip[1]}@${sip[2]}${sip[3] ? `:${sip[3]}` : ''}`;
  const phone = t.replace(/[\s\-().]/g, '');
  if (/^\+?[0-9*#]{1,32}$/.test(phone)) return `sip:${phone}@${defaultDomain}`;
  if (/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(t)) return `sip:${t}@${defaultDomain}`;
  return undefined;
}
