// bplist-parser ships no types; this is the one function the policy fixtures use.
declare module 'bplist-parser' {
  export function parseBuffer(buffer: Buffer): unknown[];
}
