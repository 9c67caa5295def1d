import type { Registerer, UserAgent, UserAgentDelegate } from 'sip.js';
import type { FailureReason } from '@common/contract/registration';
import type { AttemptOptions, AttemptOutcome } from '../../electron/node/phone/registration-attempt';

/**
 * Stands in for `attemptRegistration` in state-machine tests: each attempt takes the next scripted outcome, and
 * the test can drop the transport of the current one as a network failure would.
 */
export class ScriptedRegistrar {
  readonly attempts: AttemptOptions[] = [];
  /** Un-REGISTERs sent (by a registered phone leaving its server). */
  unregisters = 0;
  private script: Array<{ ok: true } | { ok: false; reason: FailureReason; detail?: string }> = [];
  private delegate: UserAgentDelegate | undefined;
  /** Outcomes of the next attempts: 'ok', a failure reason, or a failure with its detail (e.g. a status line). */
  queue(...outcomes: Array<'ok' | FailureReason | { reason: FailureReason; detail: string }>) {
    this.script.push(
      ...outcomes.map((o) =>
        o === 'ok'
          ? { ok: true as const }
          : typeof o === 'string'
            ? { ok: false as const, reason: o }
            : { ok: false as const, ...o },
      ),
    );
  }
  attempt = async (o: AttemptOptions): Promise<AttemptOutcome> => {
    this.attempts.push(o);
    this.delegate = o.delegate;
    const next = this.script.shift() ?? { ok: false, reason: 'unreachable' as const };
    if (!next.ok) return { ok: false, reason: next.reason, detail: next.detail ?? `scripted ${next.reason}`, ms: 1 };
    const listeners = new Set<(s: string) => void>();
    const registerer = {
      stateChange: {
        addListener: (l: (s: string) => void) => listeners.add(l),
        removeListener: (l: (s: string) => void) => listeners.delete(l),
      },
      unregister: async () => {
        this.unregisters++;
      },
      dispose: async () => undefined,
    } as unknown as Registerer;
    const ua = { stop: async () => undefined, isConnected: () => true } as unknown as UserAgent;
    return { ok: true, ua, registerer, ms: 1 };
  };
  /** The server went away under a registered phone. */
  dropTransport() {
    this.delegate?.onDisconnect?.(new Error('WebSocket closed 1006'));
  }
}
