import { formatRow, summarise, type Summary } from '../support/stats';
import type { CallSample } from './browser';

/** Rows in the order a call goes; every "answer →" row counts from the answer click in the callee's page. */
const rows: Array<[keyof CallSample, string]> = [
  ['inviteToRing', 'INVITE at Kamailio → ringing shown'],
  ['inviteToPage', '  of which Kamailio → call in page'],
  ['pageToRing', '  and call in page → shown'],
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

const col = (samples: readonly CallSample[], k: keyof CallSample): Summary =>
  summarise(samples.map((s) => s[k]).filter(Number.isFinite));

/** How `ours` compares with `theirs` at one percentile: the time ratio, then in words. */
function ratio(ours: number, theirs: number): string {
  const r = ours / theirs;
  return `${r.toFixed(2)} (${r <= 1 ? `${(1 / r).toFixed(2)}× faster` : `${r.toFixed(2)}× slower`})`;
}

/**
 * One mode's rows for every callee, then the time ratios: each Diadema callee against `peer` (the web phone) for
 * ringing shown and two-way audible, and the prepared agent against the one not prepared.
 */
export function printMode(
  title: string,
  byPhone: Map<string, CallSample[]>,
  o: { ours: string; peer: string; unprepared: string },
): void {
  const { peer, unprepared } = o;
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
  printTargets(byPhone.get(o.ours), byPhone.get(peer), o.ours);
}

/** The call set-up targets the product aims at, for the Diadema agent as shipped. */
function printTargets(ours: CallSample[] | undefined, peer: CallSample[] | undefined, name: string): void {
  if (!ours) return;
  console.log(`  targets, ${name}`);
  const p95 = (k: keyof CallSample, label: string, max: number) => {
    const v = col(ours, k).p95;
    console.log(
      `    ${label.padEnd(44)} p95 ${v.toFixed(1).padStart(6)} ms  ≤ ${max} ms  ${v <= max ? 'met' : 'not met'}`,
    );
  };
  p95('inviteToRing', 'INVITE at Kamailio → ringing shown', 20);
  p95('answerToOk', 'answer → 200 OK at Kamailio', 10);
  p95('bothFirstBytes', 'answer → first audio bytes, both sides', 120);
  if (!peer) return;
  const [x, y] = [col(ours, 'twoWayAudible'), col(peer, 'twoWayAudible')];
  const [m, q] = [y.median / x.median, y.p95 / x.p95];
  const met = m >= 2 && q >= 2 ? 'met' : 'not met';
  const label = 'answer → two-way audible vs web phone'.padEnd(44);
  console.log(`    ${label} ${m.toFixed(2)}× / ${q.toFixed(2)}× faster (median / p95)  ≥ 2×  ${met}`);
}
