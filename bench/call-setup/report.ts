import { formatRow, summarise, type Summary } from '../support/stats';
import type { CallSample } from './browser';

/** Rows in the order a call goes; every "answer →" row counts from the answer click in the callee's page. */
const rows: Array<[keyof CallSample, string]> = [
  ['inviteToRing', 'INVITE at Kamailio → ringing shown'],
  ['dialToRing', 'caller dials → ringing shown'],
  ['answerToOk', 'answer → 200 OK at Kamailio'],
  ['answerToAck', 'answer → ACK at Kamailio'],
  ['okToAck', '  of which 200 OK → ACK'],
  ['calleeIce', 'answer → callee ICE connected'],
  ['calleeDtls', 'answer → callee DTLS connected'],
  ['callerDtls', 'answer → caller DTLS connected'],
  ['calleeFirstBytes', 'answer → callee hears: first bytes'],
  ['callerFirstBytes', 'answer → caller hears: first bytes'],
  ['bothFirstBytes', 'answer → first bytes, both sides'],
  ['calleeAudible', 'answer → callee hears: audible'],
  ['callerAudible', 'answer → caller hears: audible'],
  ['twoWayAudible', 'answer → two-way audible'],
];

const ringing: [keyof CallSample, string] = ['inviteToRing', 'INVITE at Kamailio → ringing shown'];
const okOut: [keyof CallSample, string] = ['answerToOk', 'answer → 200 OK at Kamailio'];
const audible: [keyof CallSample, string] = ['twoWayAudible', 'answer → two-way audible'];

const col = (samples: readonly CallSample[], k: keyof CallSample): Summary => summarise(samples.map((s) => s[k]));

/** How `ours` compares with `theirs` at one percentile: the time ratio, then in words. */
function ratio(ours: number, theirs: number): string {
  const r = ours / theirs;
  return `${r.toFixed(2)} (${r <= 1 ? `${(1 / r).toFixed(2)}× faster` : `${r.toFixed(2)}× slower`})`;
}

/**
 * One mode's rows for every callee, then the time ratios: each Diadema callee against `peer` (the web phone) for
 * ringing shown and two-way audible, and the prepared agent against the one not prepared.
 */
export function printMode(title: string, byPhone: Map<string, CallSample[]>, peer: string, unprepared: string): void {
  console.log(`\n${title}`);
  for (const [name, samples] of byPhone) {
    console.log(`  ${name}`);
    for (const [k, label] of rows) console.log(`    ${formatRow(label, col(samples, k), 'ms')}`);
  }
  const compare = (ours: string, theirs: string, keys: Array<[keyof CallSample, string]>) => {
    const [a, b] = [byPhone.get(ours), byPhone.get(theirs)];
    if (!a || !b) return;
    console.log(`  ${ours} / ${theirs}, time ratio`);
    for (const [k, label] of keys) {
      const [x, y] = [col(a, k), col(b, k)];
      const at = (q: 'median' | 'p95' | 'p99') => `${q} ${ratio(x[q], y[q])}`;
      console.log(`    ${label.padEnd(34)} ${at('median')}  ${at('p95')}  ${at('p99')}`);
    }
  };
  for (const name of byPhone.keys()) if (name !== peer) compare(name, peer, [ringing, audible]);
  for (const name of byPhone.keys())
    if (name !== peer && name !== unprepared) compare(name, unprepared, [okOut, audible]);
}
