import type { LabEnv } from '../../test/support/lab-env';
import { labAccount } from '../../test/support/lab-env';
import { labParty } from '../../test/support/lab-parties';
import type { SipParty } from '../../test/support/sip-party';
import { bundleEntries } from '../../test/support/store-build';
import { startChild } from './hostile-sip';
import { Counter, type HostileTally } from './hostile-tally';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * R4, SIP through the lab's real Kamailio: the agent core in a child process (account 6) registered to Kamailio's
 * WebSocket, and a SIP.js caller (account 7, authenticated by Kamailio like any user) calling it with hostile
 * extra headers: CR/LF injected into header values (SIP.js writes them as given, so they reach the wire), unknown
 * `Require`, hostile display names in P-Asserted-Identity, oversized headers, odd Call-Info and Replaces. Kamailio
 * relays what passes its sanity checks; the agent answers what reaches it (calls that ring are rejected by the
 * child at once). Counted: child crashes, uncaught exceptions / unhandled rejections, calls given a final answer
 * (agent refusal or Kamailio's) versus left without one. State kept: still registered and a call from the caller
 * without hostile headers (from another account) answered.
 */
export async function hostileSipThroughKamailio(o: {
  inputs: number;
  random: () => number;
  lab: LabEnv;
}): Promise<HostileTally> {
  const int = (n: number) => Math.floor(o.random() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const hex = (n: number) => Array.from({ length: n }, () => '0123456789abcdef'[int(16)]).join('');
  const agentAccount = labAccount(o.lab, 6);
  const callerN = 7;
  // The good call comes from another account: the child answers that number only and rejects every other call.
  const goodN = 5;
  const goodCaller = labAccount(o.lab, goodN);
  const built = await bundleEntries({
    'hostile-agent': 'bench/reliability/hostile-agent-child.ts',
    'store-worker': 'electron/node/store/store-worker.ts',
  });
  const agentChild = () =>
    startChild(built.urls['hostile-agent'], o.lab.ws, agentAccount.user, agentAccount.password, goodCaller.user);
  let child = await agentChild();
  let party: SipParty | undefined;
  let goodParty: SipParty | undefined;
  let crashes = 0;
  const finals = new Counter();
  const kinds = new Counter();
  const unanswered = new Counter();
  try {
    party = await labParty(o.lab, callerN);
    const headers: Array<[string, () => string[]]> = [
      ['header-injection', () => [`Subject: hi${pick(['\r\n', '\n', '\r'])}Require: evil-${hex(3)}`]],
      ['header-injection', () => [`X-Note: a\r\nContent-Length: ${int(500)}`]],
      ['unknown-require', () => [`Require: ${pick(['foo', `x-${hex(4)}`, 'timer, 100rel, gruu, foo'])}`]],
      [
        'hostile-display-name',
        () => [
          `P-Asserted-Identity: "${pick(['\u202Egnp.exe', '<script>', '🙂'.repeat(300), 'a\\"b'])}" <sip:x@127.0.0.1>`,
        ],
      ],
      ['hostile-display-name', () => [`P-Asserted-Identity: "${'a'.repeat(3000 + int(20_000))}" <sip:x@127.0.0.1>`]],
      ['oversized-header', () => [`X-Big: ${'y'.repeat(8_000 + int(40_000))}`]],
      ['oversized-header', () => Array.from({ length: 200 + int(500) }, (_, i) => `X-Many-${i}: ${hex(8)}`)],
      [
        'odd-call-info',
        () => [
          `Call-Info: <${pick(['javascript:alert(1)', 'http://evil.invalid/', '%%%'])}>;${pick(['answer-after=x', 'purpose=icon', ''])}`,
        ],
      ],
      ['odd-replaces', () => [`Replaces: ${hex(8)};to-tag=${hex(4)};from-tag=${hex(4)}`]],
      ['bad-cseq', () => [`CSeq: ${pick(['abc INVITE', '1 BYE'])}`]],
    ];
    for (let i = 0; i < o.inputs; i++) {
      if (child.exited) {
        crashes++;
        child = await agentChild();
      }
      // Kamailio closes the caller's WebSocket on a message it will not take (an oversized one): a new caller then.
      if (!party.ua.isConnected()) {
        finals.add('caller connection closed by Kamailio');
        await party.stop().catch(() => undefined);
        party = await labParty(o.lab, callerN);
      }
      const [kind, make] = headers[i % headers.length]!;
      kinds.add(kind);
      const before = party.rejections.length;
      const inviter = party.call(agentAccount.uri, make());
      const end = Date.now() + 8000;
      while (
        Date.now() < end &&
        party.rejections.length === before &&
        inviter.state !== 'Established' &&
        inviter.state !== 'Terminated'
      )
        await sleep(10);
      if (party.rejections.length > before) finals.add(String(party.rejections.at(-1)));
      else if (inviter.state === 'Established') {
        finals.add('200 (answered)');
        await inviter.bye().catch(() => undefined);
      } else if (inviter.state === 'Terminated') finals.add('ended without a status');
      else {
        unanswered.add(kind);
        await inviter.cancel().catch(() => undefined);
      }
    }
    await sleep(1000);
    if (child.exited) {
      crashes++;
      child = await agentChild();
    }
    // A call with no hostile header, from the number the child answers.
    goodParty = await labParty(o.lab, goodN);
    const good = goodParty.call(agentAccount.uri);
    const end = Date.now() + 10_000;
    while (Date.now() < end && good.state !== 'Established' && good.state !== 'Terminated') await sleep(20);
    const goodAnswered = good.state === 'Established';
    if (goodAnswered) await good.bye().catch(() => undefined);
    const last = await child.report();
    const kept = goodAnswered && last?.phone === 'registered';
    return {
      kind: 'SIP through Kamailio',
      inputs: kinds.total(),
      crashes,
      uncaught: (last?.uncaught ?? 0) + (last?.rejections ?? 0),
      coded: finals.total(),
      stateKept: `${kept ? 'yes' : 'NO'} (${last?.phone ?? 'no report'}; a plain call ${goodAnswered ? 'answered' : 'NOT answered'})`,
      notes: [
        `sent by kind: ${kinds.toString()}`,
        `final answers the caller got: ${finals.toString()}; none within 8 s: ${unanswered.toString()}`,
        ...(last?.firstProblems.length ? [`first problems: ${last.firstProblems.join(' | ')}`] : []),
      ],
    };
  } finally {
    await party?.stop().catch(() => undefined);
    await goodParty?.stop().catch(() => undefined);
    if (!child.exited) {
      child.process.send({ t: 'stop' });
      await Promise.race([new Promise((r) => child.process.once('exit', r)), sleep(5000)]);
      if (!child.exited) child.process.kill('SIGKILL');
    }
    built.dispose();
  }
}
