/**
 * A syntactically complete audio SDP with no media behind it: enough for signalling tests in Node, where there
 * is no WebRTC. PCMU plus telephone-event, plain RTP on a loopback port that nobody listens on.
 */
let session = 1000;
export function fakeSdp(
  o: { port?: number; direction?: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive' } = {},
): string {
  const id = ++session;
  return [
    'v=0',
    `o=- ${id} ${id} IN IP4 127.0.0.1`,
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=audio ${o.port ?? 40000 + (id % 1000) * 2} RTP/AVP 0 101`,
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=fmtp:101 0-16',
    `a=${o.direction ?? 'sendrecv'}`,
    '',
  ].join('\r\n');
}

/** The direction an SDP asks for, to check hold at the far end. */
export function sdpDirection(sdp: string | undefined): string {
  return /^a=(sendrecv|sendonly|recvonly|inactive)\s*$/m.exec(sdp ?? '')?.[1] ?? 'sendrecv';
}
