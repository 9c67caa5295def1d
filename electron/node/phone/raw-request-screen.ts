import { randomBytes } from 'node:crypto';
import { Core } from 'sip.js';

/**
 * Screens requests as they arrive from the transport, before SIP.js sees them, for the two cases SIP.js gets
 * wrong as a UAS:
 *  - a request it cannot parse (a malformed Contact, From, To, CSeq...) is dropped silently by SIP.js, so the
 *    caller waits for a timeout (408 from the proxy); RFC 3261 §8.2 wants 400 Bad Request;
 *  - an INVITE that `Require`s an extension we do not support is presented as a normal call; RFC 3261 §8.2.2.3
 *    wants 420 Bad Extension with an `Unsupported` header naming it.
 * Returns the response to send (and the request must then not be delivered), or undefined to deliver it.
 * ACKs are never answered, and a request too broken to address a response to is left to SIP.js (dropped).
 */
export function screenRawRequest(
  raw: string,
  supportedOptionTags: readonly string[],
  logger: Core.Logger,
): { response: string; status: number; why: string } | undefined {
  const requestLine = /^([A-Za-z]+) \S+ SIP\/2\.0\r?\n/.exec(raw);
  if (!requestLine || requestLine[1]!.toUpperCase() === 'ACK') return undefined;
  const parsed = Core.Parser.parseMessage(raw, logger);
  if (!parsed) {
    const response = buildResponse(raw, 400, 'Bad Request', []);
    return response ? { response, status: 400, why: 'unparsable request' } : undefined;
  }
  if (!(parsed instanceof Core.IncomingRequestMessage) || parsed.method !== 'INVITE' || parsed.toTag) return undefined;
  const supported = new Set(supportedOptionTags.map((t) => t.toLowerCase()));
  const required = parsed
    .getHeaders('require')
    .flatMap((h) => h.split(','))
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
  const unsupported = [...new Set(required.filter((t) => !supported.has(t)))];
  if (unsupported.length === 0) return undefined;
  const response = buildResponse(raw, 420, 'Bad Extension', [
    `Unsupported: ${unsupported.map((t) => t.replace(/[^\w.!%*+`'~-]/g, '')).join(', ')}`,
  ]);
  return response ? { response, status: 420, why: `requires ${unsupported.join(', ')}` } : undefined;
}

const compact: Record<string, string> = { v: 'via', f: 'from', t: 'to', i: 'call-id' };

/** A response built from the request's raw header lines (Via, From, To, Call-ID, CSeq copied; To gets a tag). */
function buildResponse(raw: string, status: number, reason: string, extra: string[]): string | undefined {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const lines: string[] = [];
  for (const line of head.split(/\r?\n/).slice(1)) {
    if (/^[ \t]/.test(line) && lines.length > 0) lines[lines.length - 1] += ` ${line.trim()}`;
    else lines.push(line);
  }
  const headers = lines
    .map((l) => {
      const i = l.indexOf(':');
      if (i <= 0) return undefined;
      const name = l.slice(0, i).trim().toLowerCase();
      return { name: compact[name] ?? name, value: l.slice(i + 1).trim() };
    })
    .filter((h): h is { name: string; value: string } => h !== undefined);
  const all = (n: string) => headers.filter((h) => h.name === n).map((h) => h.value);
  const vias = all('via');
  const [from] = all('from');
  let [to] = all('to');
  const [callId] = all('call-id');
  const [cseq] = all('cseq');
  if (vias.length === 0 || !from || !to || !callId || !cseq || !/^\d+\s+[A-Za-z]+$/.test(cseq)) return undefined;
  if (!/;\s*tag=/i.test(to)) to = `${to};tag=${randomBytes(6).toString('hex')}`;
  return [
    `SIP/2.0 ${status} ${reason}`,
    ...vias.map((v) => `Via: ${v}`),
    `From: ${from}`,
    `To: ${to}`,
    `Call-ID: ${callId}`,
    `CSeq: ${cseq}`,
    ...extra,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}
