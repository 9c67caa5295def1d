import { callState, clickTestId } from '../../test/support/e2e-agent';
import type { KamailioMarks } from './kamailio-marks';
import {
  clickAnswer,
  dial,
  firstAudio,
  lastCallIn,
  lastRing,
  pcCount,
  ringCount,
  waitFor,
  watchRinging,
} from './page-probe';
import type { Phone } from './phone';

/**
 * One call as the phones see it: a Diadema caller dials a callee (a Diadema agent or the SIP.js web phone), the
 * bench clicks the callee's Answer button, both pages poll for the first inbound audio, the caller hangs up. Every
 * figure is milliseconds on the machine's one wall clock: Kamailio's `$TV(Sn)` in its log, the pages'
 * `performance.timeOrigin + performance.now()`. Figures from the answer click are negative when that step was
 * done before the click (while the call rang).
 */
export interface CallSample {
  inviteToPage: number;
  pageToRing: number;
  inviteToRing: number;
  dialToRing: number;
  answerToOk: number;
  answerToAck: number;
  okToAck: number;
  calleeIce: number;
  calleeDtls: number;
  callerDtls: number;
  calleeFirstBytes: number;
  callerFirstBytes: number;
  bothFirstBytes: number;
  calleeAudible: number;
  callerAudible: number;
  twoWayAudible: number;
}

/** Ready to measure calls to `callee`: its page reports each ringing call card the instant it appears. */
export const prepareCallee = (callee: Phone): Promise<void> => watchRinging(callee.page);

/**
 * How long the callee lets a call ring before the click, by default: about the quickest an agent answers a ring they
 * see and hear (a reaction, then the button or the shortcut). Work a phone does while it rings is done by then, as it
 * is for a real answer; clicking the instant the card appears would time a ring no agent can answer.
 */
export const answerAfterMsDefault = 500;

export async function measureCall(
  marks: KamailioMarks,
  caller: Phone,
  callee: Phone,
  answerAfterMs = answerAfterMsDefault,
): Promise<CallSample> {
  const [calleeFrom, callerFrom, rings] = [
    await pcCount(callee.page),
    await pcCount(caller.page),
    await ringCount(callee.page),
  ];
  const offset = marks.offset();
  const dialAt = await dial(caller.page, callee.user);
  await waitFor(async () => (await ringCount(callee.page)) > rings, 10_000, `${callee.name} ringing`);
  const ringAt = await lastRing(callee.page);
  // A diagnostic split, read from the wire format: not seen (NaN, left out of its row) rather than a failed run.
  const seenIn = await lastCallIn(callee.page);
  const inPageAt = seenIn >= dialAt && seenIn <= ringAt ? seenIn : NaN;
  const calleeAudio = firstAudio(callee.page, calleeFrom);
  const callerAudio = firstAudio(caller.page, callerFrom);
  await new Promise((r) =>
    setTimeout(r, Math.max(0, ringAt + answerAfterMs - (performance.timeOrigin + performance.now()))),
  );
  const answerAt = await clickAnswer(callee.page);
  const [a, c] = await Promise.all([calleeAudio, callerAudio]);
  if (!a.bytesAt || !a.levelAt || !a.iceAt || !a.dtlsAt || !c.bytesAt || !c.levelAt || !c.dtlsAt)
    throw new Error(`${callee.name}: no audio or no connection (${JSON.stringify({ callee: a, caller: c })})`);
  await clickTestId(caller.page, 'call-hangup');
  await waitFor(
    async () => /ended|none/.test(await callState(callee.page)) && /ended|none/.test(await callState(caller.page)),
    10_000,
    `${callee.name} hang-up`,
  );
  const k = marks.call(offset, caller.user, callee.user);
  const from = (t: number) => t - answerAt;
  return {
    inviteToPage: inPageAt - k.inviteAt,
    pageToRing: ringAt - inPageAt,
    inviteToRing: ringAt - k.inviteAt,
    dialToRing: ringAt - dialAt,
    answerToOk: from(k.okAt),
    answerToAck: from(k.ackAt),
    okToAck: k.ackAt - k.okAt,
    calleeIce: from(a.iceAt),
    calleeDtls: from(a.dtlsAt),
    callerDtls: from(c.dtlsAt),
    calleeFirstBytes: from(a.bytesAt),
    callerFirstBytes: from(c.bytesAt),
    bothFirstBytes: from(Math.max(a.bytesAt, c.bytesAt)),
    calleeAudible: from(a.levelAt),
    callerAudible: from(c.levelAt),
    twoWayAudible: from(Math.max(a.levelAt, c.levelAt)),
  };
}

/**
 * `rounds` calls to each callee, alternating (one to each in turn, the order turning every round) so the
 * machine's state weighs on all of them alike. One unrecorded round first warms every page up.
 */
export async function alternateCalls(
  marks: KamailioMarks,
  caller: Phone,
  callees: readonly Phone[],
  rounds: number,
  onProgress: (done: number) => void,
  answerAfterMs = answerAfterMsDefault,
): Promise<Map<string, CallSample[]>> {
  const samples = new Map(callees.map((c) => [c.name, [] as CallSample[]]));
  for (const callee of callees) await measureCall(marks, caller, callee, answerAfterMs);
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < callees.length; j++) {
      const callee = callees[(r + j) % callees.length]!;
      samples.get(callee.name)!.push(await measureCall(marks, caller, callee, answerAfterMs));
    }
    onProgress(r + 1);
  }
  return samples;
}
