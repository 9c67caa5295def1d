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

/** Figures compared between each Diadema callee and the web phone. */
const compared: Array<[keyof CallSample, string]> = [
  ['inviteToRing', 'INVITE at Kamailio → ringing shown'],
  ['twoWayAudible', 'answer → two-way audible'],
];

const col = (samples: readonly CallSample[], k: keyof CallSample): Summary => summarise(samples.map((s) => s[k]));

export function printMode(title: string, byPhone: Map<string, CallSample[]>, peer: string): void {
  console.log(`\n${title}`);
  for (const [name, samples] of byPhone) {
    console.log(`  ${name}`);
    for (const [k, label] of rows) console.log(`    ${formatRow(label, col(samples, k), 'ms')}`);
  }
  const peerSamples = byPhone.get(peer);
  if (!peerSamples) return;
  for (const [name, samples] of byPhone) {
    if (name === peer) continue;
    console.log(`  ${name} / ${peer} (time ratio; below 1 = ${name} faster, "×" = how many times faster)`);
    for (const [k, label] of compared) {
      const [ours, theirs] = [col(samples, k), col(peerSamples, k)];
      const ratio = (q: 'median' | 'p95' | 'p99') => {
        const r = ours[q] / theirs[q];
        return `${q} ${r.toFixed(2)} (${(1 / r).toFixed(2)}×)`;
      };
      console.log(`    ${label.padEnd(34)} ${ratio('median')}  ${ratio('p95')}  ${ratio('p99')}`);
    }
  }
}
