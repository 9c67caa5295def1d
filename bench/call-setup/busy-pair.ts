import { callState, clickTestId } from '../../test/support/e2e-agent';
import { dial, waitFor } from './page-probe';
import type { Phone } from './phone';

/**
 * The busy machine: a second pair of Diadema agents calling each other in a loop while the measured calls run
 * (dial, answer, talk 1–2 s with real WebRTC audio, hang up, again). Failures are counted, not thrown: the
 * measured calls decide whether the run is good, and the report says how busy the machine really was.
 */
export interface BusyPair {
  stop(): Promise<{ calls: number; failures: string[] }>;
}

export function startBusyPair(caller: Phone, callee: Phone): BusyPair {
  let stopping = false;
  let calls = 0;
  const failures: string[] = [];
  const hasCall = (p: Phone, state: string) =>
    p.page.evaluate((s) => document.querySelector(`[data-testid=call][data-state=${s}]`) !== null, state);
  const idle = async (p: Phone) => /ended|none/.test(await callState(p.page));
  const loop = (async () => {
    for (let i = 0; !stopping; i++) {
      try {
        await dial(caller.page, callee.user);
        await waitFor(() => hasCall(callee, 'ringing'), 10_000, 'busy pair ringing', 25);
        await clickTestId(callee.page, 'call-answer');
        await waitFor(() => hasCall(caller, 'active'), 10_000, 'busy pair answered', 25);
        await new Promise((r) => setTimeout(r, 1000 + (i % 3) * 500));
        await clickTestId(caller.page, 'call-hangup');
        await waitFor(async () => (await idle(caller)) && (await idle(callee)), 10_000, 'busy pair hang-up', 25);
        calls++;
      } catch (e) {
        failures.push(e instanceof Error ? e.message : String(e));
        await clickTestId(caller.page, 'call-hangup').catch(() => undefined);
        await clickTestId(callee.page, 'call-hangup').catch(() => undefined);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  })();
  return {
    async stop() {
      stopping = true;
      await loop;
      return { calls, failures };
    },
  };
}
