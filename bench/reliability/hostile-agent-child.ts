import { startAgentCore, type AgentCore } from '../../test/support/agent-core';

/**
 * The agent core as the shells compose it, in a child process of the hostile-SIP drill so that a crash ends only
 * this process and is counted by the parent. An uncaught exception or unhandled rejection (each would end the
 * product) is counted here instead, so one run counts every one. Argument: the account server's WebSocket URL.
 * Calls from `good-caller` are answered at once; every other call is left to the caller. Over IPC it answers
 * `{ t: 'report' }` with its counts and `{ t: 'stop' }` by stopping the core and exiting 0.
 * Arguments: `SERVER [USER PASSWORD [ANSWER-NUMBER]]`; with an answer number (a lab party calling through Kamailio)
 * calls from that number are answered and every other call is rejected at once (the caller then has its answer).
 */
export interface AgentChildReport {
  t: 'report';
  phone: string;
  /** Who the calls still ringing are from (cut short): which mutation left them. */
  ringingFrom: string[];
  /** Calls the agent still lists, by state. */
  calls: Record<string, number>;
  answered: number;
  uncaught: number;
  rejections: number;
  firstProblems: string[];
  /** Warnings and errors the core logged, by message. */
  logged: Record<string, number>;
}

const [server, user = '1001', password = 'hostile-drill', answerNumber] = process.argv.slice(2);
const goodNumber = answerNumber ?? 'good-caller';
let uncaught = 0;
let rejections = 0;
const firstProblems: string[] = [];
const note = (what: string, e: unknown) => {
  if (firstProblems.length < 5)
    firstProblems.push(`${what}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
};
process.on('uncaughtException', (e) => {
  uncaught++;
  note('uncaught exception', e);
});
process.on('unhandledRejection', (e) => {
  rejections++;
  note('unhandled rejection', e);
});

let answered = 0;
const totals: Record<string, number> = {};
/** Warnings and errors logged so far, by message; the lines are dropped (they grow with every message). */
const logged = (lines: string[]): Record<string, number> => {
  for (const line of lines) {
    const m = /^\S+ (warn|error)\s+\[[^\]]*\] ([^{]*)/.exec(line);
    if (m) totals[`${m[1]} ${m[2]!.trim()}`] = (totals[`${m[1]} ${m[2]!.trim()}`] ?? 0) + 1;
  }
  lines.splice(0);
  return totals;
};

const agent: AgentCore = await startAgentCore({
  account: { server: server!, user, password },
});
await agent.core.handlers['agent.set']({ state: 'available' });
agent.core.calls.onEvent((e) => {
  if (e.type !== 'offered') return;
  if (e.call.remote.number !== goodNumber) {
    // Rejecting a call may end in after-call work or not-ready; the agent makes itself available again at once.
    if (answerNumber)
      agent.core.calls
        .reject(e.call.id)
        .then(() => agent.core.handlers['agent.set']({ state: 'available' }))
        .catch((err: unknown) => note('reject', err));
    return;
  }
  agent.core.calls.answer(e.call.id).then(
    () => answered++,
    (err: unknown) => note('answer', err),
  );
});
process.on('message', (m: { t: string }) => {
  if (m.t === 'report') {
    const report: AgentChildReport = {
      t: 'report',
      phone: agent.core.phone.snapshot().state,
      calls: agent.core.calls
        .snapshot()
        .calls.reduce<Record<string, number>>((acc, c) => ({ ...acc, [c.state]: (acc[c.state] ?? 0) + 1 }), {}),
      answered,
      ringingFrom: agent.core.calls
        .snapshot()
        .calls.filter((c) => c.state === 'ringing')
        .map((c) => `${c.remote.name.slice(0, 30)} <${c.remote.number.slice(0, 30)}>`),
      uncaught,
      rejections,
      firstProblems,
      logged: logged(agent.logLines),
    };
    process.send!(report);
  } else if (m.t === 'stop') {
    void agent.dispose().finally(() => process.exit(0));
  }
});
process.send!({ t: 'ready' });
