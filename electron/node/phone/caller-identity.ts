import type { Core } from 'sip.js';

type IncomingRequestMessage = Core.IncomingRequestMessage;

/**
 * Turns what a caller's network sent into text the agent can see. Display names and IVR headers are hostile
 * input: control characters are removed, length is capped, and nothing is ever interpreted as markup (the
 * renderer renders text nodes only; this is the second line of defence, not the first).
 */
export function plainText(value: string | undefined, max: number): string {
  if (!value) return '';
  let s = value;
  try {
    if (/%[0-9A-Fa-f]{2}/.test(s)) s = decodeURIComponent(s);
  } catch {
    /* keep as sent */
  }
  return s
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max);
}

function unquote(name: string | undefined): string {
  if (!name) return '';
  const m = /^"(.*)"$/s.exec(name.trim());
  return (m ? m[1]! : name).replace(/\\(.)/g, '$1');
}

/** Caller name and number: P-Asserted-Identity (set by the trusted network) wins over From (set by the caller). */
export function callerIdentity(req: IncomingRequestMessage): { name: string; number: string } {
  const pai = req.getHeader('P-Asserted-Identity');
  if (pai) {
    const m = /^\s*(?:("(?:[^"\\]|\\.)*"|[^<]*?)\s*)?<(?:sips?|tel):([^@;>]+)/i.exec(pai);
    if (m) return { name: plainText(unquote(m[1]), 128), number: plainText(m[2], 128) };
  }
  return {
    name: plainText(unquote(req.from.displayName), 128),
    number: plainText(req.from.uri.user ?? req.from.uri.host, 128),
  };
}

const supportedCodecs = new Set(['opus', 'pcmu', 'pcma', 'g722']);
const staticAudio: Record<string, string> = { '0': 'pcmu', '8': 'pcma', '9': 'g722' };

/** Checks an SDP offer before any media work: is there an audio stream with a codec we can use? */
export function offerProblem(sdp: string | undefined): 'no-sdp' | 'no-audio' | 'no-codec' | undefined {
  if (!sdp || !sdp.trim()) return 'no-sdp';
  const lines = sdp.split(/\r?\n/);
  const audio = lines
    .map((l) => /^m=audio\s+(\d+)\s+\S+\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null);
  if (audio.length === 0 || audio.every((m) => m[1] === '0')) return 'no-audio';
  const names = new Map<string, string>();
  for (const l of lines) {
    const m = /^a=rtpmap:(\d+)\s+([^/\s]+)/.exec(l);
    if (m) names.set(m[1]!, m[2]!.toLowerCase());
  }
  const ok = audio.some((m) =>
    m[2]!
      .trim()
      .split(/\s+/)
      .some((pt) => supportedCodecs.has(names.get(pt) ?? staticAudio[pt] ?? '')),
  );
  return ok ? undefined : 'no-codec';
}
