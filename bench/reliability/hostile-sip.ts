import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startHostileSipServer, type HostileSipServer } from '../../test/support/hostile-sip-server';
import { bundleEntries } from '../../test/support/store-build';
import type { AgentChildReport } from './hostile-agent-child';
import { createMutator, mutationKinds, type MutationKind } from './hostile-sip-mutations';
import { Counter, type HostileTally } from './hostile-tally';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Child {
  process: ChildProcess;
  exited: boolean;
  stderr: string;
  report(): Promise<AgentChildReport | undefined>;
}

/** The agent child (hostile-agent-child.ts), started with its arguments; resolves once its core is up. */
export async function startChild(script: URL, ...args: string[]): Promise<Child> {
  const child = fork(fileURLToPath(script), args, {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    execArgv: ['--enable-source-maps'],
    env: { ...process.env, DIADEMA_TEST_LOG: '' },
  });
  const c: Child = {
    process: child,
    exited: false,
    stderr: '',
    async report() {
      if (c.exited) return undefined;
      const got = new Promise<AgentChildReport | undefined>((resolve) => {
        const t = setTimeout(() => resolve(undefined), 10_000);
        const on = (m: AgentChildReport) => {
          if (m.t !== 'report') return;
          clearTimeout(t);
          child.off('message', on);
          resolve(m);
        };
        child.on('message', on);
      });
      child.send({ t: 'report' });
      return got;
    },
  };
  child.stderr!.on('data', (d: Buffer) => {
    if (c.stderr.length < 20_000) c.stderr += d.toString();
  });
  child.once('exit', () => {
    c.exited = true;
  });
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`agent child did not start:\n${c.stderr}`)), 30_000);
    child.once('message', () => {
      clearTimeout(t);
      resolve();
    });
    child.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`agent child exited ${code}:\n${c.stderr}`));
    });
  });
  return c;
}

/** Waits until the agent has an open WebSocket with a REGISTER answered on it, or `ms` passed. */
async function registeredAgain(server: HostileSipServer, since: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (server.connected() && server.registers > since) return true;
    await sleep(20);
  }
  return false;
}

/**
 * R4, SIP: an agent core in a child process registers to a hostile SIP-over-WebSocket server (test support),
 * which then writes mutated SIP onto the agent's own WebSocket: header injection, hostile display names, oversized
 * headers, bad UTF-8, broken SDP, unknown `Require`, bad CSeq, missing Call-ID, bogus Content-Length, huge bodies,
 * responses to nothing, in-dialog requests to no dialog, odd methods, junk. Every call the drill offers is given up
 * as a caller would (CANCEL / ACK / BYE). Counted: child crashes (the child is started again and the drill goes on),
 * uncaught exceptions and unhandled rejections in the core, the agent's refusals (4xx/5xx/6xx it answered) and its
 * logged warnings, WebSockets it had to reopen. State kept: still registered afterwards and a good call answered
 * and hung up.
 */
export async function hostileSip(o: { inputs: number; random: () => number }): Promise<HostileTally> {
  const built = await bundleEntries({
    'hostile-agent': 'bench/reliability/hostile-agent-child.ts',
    'store-worker': 'electron/node/store/store-worker.ts',
  });
  const server = await startHostileSipServer();
  let child = await startChild(built.urls['hostile-agent'], server.url);
  let crashes = 0;
  const crashNotes: string[] = [];
  const sent = new Counter();
  let reconnects = 0;
  let notDelivered = 0;
  try {
    if (!(await registeredAgain(server, 0, 15_000))) throw new Error('the agent never registered');
    const before = await server.goodCall();
    const mutate = createMutator({ random: o.random, contact: () => server.contact ?? 'sip:agent@127.0.0.1' });
    for (let i = 0; i < o.inputs; i++) {
      if (child.exited) {
        crashes++;
        crashNotes.push(
          `child exited ${child.process.exitCode ?? child.process.signalCode}: ${child.stderr.slice(-600)}`,
        );
        child = await startChild(built.urls['hostile-agent'], server.url);
      }
      if (!server.connected()) {
        // The agent's socket died (a text frame that was not UTF-8 does that): it must come back by itself.
        reconnects++;
        if (!(await registeredAgain(server, server.registers, 30_000))) notDelivered++;
      }
      const kind: MutationKind = mutationKinds[i % mutationKinds.length]!;
      const m = mutate(kind);
      if (server.send(m.data, { binary: m.binary })) sent.add(kind);
      else notDelivered++;
      // Paced like a busy proxy rather than a flood: the point is what each message does, not throughput.
      await sleep(m.data.length > 100_000 ? 60 : 8);
      // The child keeps counts only, dropping its log lines at each report: they grow with every message.
      if ((i + 1) % 100 === 0) await child.report();
    }
    await sleep(2000);
    if (child.exited) {
      crashes++;
      crashNotes.push(
        `child exited ${child.process.exitCode ?? child.process.signalCode}: ${child.stderr.slice(-600)}`,
      );
      child = await startChild(built.urls['hostile-agent'], server.url);
    }
    const registered = await registeredAgain(server, 0, 30_000);
    const after = await server.goodCall();
    const last = await child.report();
    const refusals = new Counter();
    for (const s of server.seen) if (s.status && s.status >= 400) refusals.add(`${s.status} to ${s.cseqMethod ?? '?'}`);
    const logged = new Counter();
    for (const [k, v] of Object.entries(last?.logged ?? {})) logged.add(k, v);
    const kept = registered && last?.phone === 'registered' && after.answered && after.ended;
    return {
      kind: 'SIP at the agent (its own WS)',
      inputs: sent.total(),
      crashes,
      uncaught: (last?.uncaught ?? 0) + (last?.rejections ?? 0),
      coded: refusals.total() + logged.total(),
      stateKept: `${kept ? 'yes' : 'NO'} (${last?.phone ?? 'no report'}; good call ${
        after.answered ? 'answered' : `not answered${after.status ? ` (${after.status})` : ''}`
      }${after.answered ? (after.ended ? ' and hung up' : ', BYE unanswered') : ''}; before the barrage ${before.answered ? 'answered' : 'NOT answered'})`,
      notes: [
        `sent by kind: ${sent.toString()}`,
        `agent refusals: ${refusals.toString()}`,
        `agent logged: ${logged.toString()}`,
        `WebSocket reopened by the agent: ${reconnects} (REGISTERs answered: ${server.registers}); not delivered: ${notDelivered}`,
        `calls still listed at the agent afterwards: ${last ? JSON.stringify(last.calls) : '?'}`,
        ...(last?.ringingFrom.length ? [`still ringing, from: ${last.ringingFrom.join('; ')}`] : []),
        ...(last?.firstProblems.length ? [`first problems: ${last.firstProblems.join(' | ')}`] : []),
        ...crashNotes.map((c) => `crash: ${c}`),
      ],
    };
  } finally {
    if (!child.exited) {
      child.process.send({ t: 'stop' });
      await Promise.race([new Promise((r) => child.process.once('exit', r)), sleep(5000)]);
      if (!child.exited) child.process.kill('SIGKILL');
    }
    await server.close();
    built.dispose();
  }
}
