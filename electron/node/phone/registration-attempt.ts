import { Registerer, RegistererState, UserAgent, type UserAgentDelegate } from 'sip.js';
import type { ParsedAccount } from '@common/contract/account';
import type { FailureReason, StepReport } from '@common/contract/registration';
import { ignorePromise } from '@common/ignore-promise';
import { redact, type Logger } from '../log';
import { classifyNetworkError, probeServer } from './connection-probe';
import { screenRawRequest } from './raw-request-screen';

export interface AttemptOptions {
  account: ParsedAccount;
  password: string;
  log: Logger;
  /** No final answer to REGISTER within this time means `timeout`. */
  registerTimeoutMs: number;
  connectTimeoutSec?: number;
  expiresSec?: number;
  userAgentString?: string;
  delegate?: UserAgentDelegate;
  /** Extra user-agent options (session description handler factory for calls, …). */
  extraOptions?: Partial<ConstructorParameters<typeof UserAgent>[0]>;
  onStep?: (step: StepReport) => void;
  traceSip?: boolean;
}

export type AttemptOutcome =
  | { ok: true; ua: UserAgent; registerer: Registerer; ms: number }
  | { ok: false; reason: FailureReason; detail: string; ms: number };

/**
 * One registration from scratch: a fresh UserAgent connects, REGISTERs, answers the digest challenge and gets
 * its 200. On any failure everything it created is stopped, and the reason is classified for the agent.
 */
export async function attemptRegistration(o: AttemptOptions): Promise<AttemptOutcome> {
  const started = Date.now();
  const step = (s: StepReport) => o.onStep?.(s);
  const uri = UserAgent.makeURI(o.account.aor);
  if (!uri) return { ok: false, reason: 'config', detail: 'invalid SIP address', ms: 0 };
  const ua = new UserAgent({
    uri,
    displayName: o.account.displayName || undefined,
    authorizationUsername: o.account.authUser,
    authorizationPassword: o.password,
    transportOptions: {
      server: o.account.server,
      connectionTimeout: o.connectTimeoutSec ?? 5,
      traceSip: o.traceSip ?? false,
    },
    userAgentString: o.userAgentString ?? 'Diadema',
    logBuiltinEnabled: false,
    logLevel: o.traceSip ? 'debug' : 'warn',
    logConnector: (level, category, _label, content) => {
      const line = `${category}: ${redact(content)}`;
      if (level === 'error') o.log.warn(line);
      else o.log.debug(line);
    },
    delegate: o.delegate,
    ...o.extraOptions,
  });

  const stopQuietly = () => bounded(ua.stop(), 2000);
  try {
    await ua.start();
  } catch (err) {
    // SIP.js does not say why the socket failed; ask the network, layer by layer.
    const probe = await probeServer(o.account, { timeoutMs: 3000 });
    await stopQuietly();
    if (!probe.ok)
      return { ok: false, reason: probe.reason ?? 'unreachable', detail: probe.detail ?? '', ms: Date.now() - started };
    const c = classifyNetworkError(err);
    return { ok: false, reason: c.reason, detail: c.detail || 'WebSocket transport failed', ms: Date.now() - started };
  }

  // Watch raw responses to report the digest challenge as its own step.
  const transport = ua.transport;
  const deliver = transport.onMessage;
  let challenged = false;
  const screenLogger = ua.getLogger('sip.screen');
  transport.onMessage = (message: string) => {
    // Requests SIP.js would drop or wrongly accept get their error response here (see raw-request-screen.ts).
    const refused = screenRawRequest(message, ua.userAgentCore.configuration.supportedOptionTags, screenLogger);
    if (refused) {
      o.log.warn('incoming request refused', { status: refused.status, why: refused.why });
      ignorePromise(transport.send(refused.response));
      return;
    }
    const status = /^SIP\/2\.0 (\d{3})/.exec(message)?.[1];
    if (!challenged && (status === '401' || status === '407') && /\bCSeq:\s*\d+\s+REGISTER/i.test(message)) {
      challenged = true;
      step({ step: 'challenge', status: 'ok', detail: `${status} digest challenge`, ms: Date.now() - started });
    }
    deliver?.(message);
  };

  const registerer = new Registerer(ua, { expires: o.expiresSec ?? 300 });
  step({ step: 'register', status: 'ok', detail: `REGISTER ${o.account.aor}`, ms: Date.now() - started });
  const outcome = await new Promise<AttemptOutcome>((resolve) => {
    let settled = false;
    const settle = (v: AttemptOutcome) => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        sub.dispose();
        resolve(v);
      }
    };
    const timer = setTimeout(
      () =>
        settle({
          ok: false,
          reason: 'timeout',
          detail: `no final response to REGISTER within ${o.registerTimeoutMs} ms`,
          ms: Date.now() - started,
        }),
      o.registerTimeoutMs,
    );
    const sub = { dispose: () => registerer.stateChange.removeListener(onState) };
    const onState = (s: RegistererState) => {
      if (s === RegistererState.Registered) settle({ ok: true, ua, registerer, ms: Date.now() - started });
    };
    registerer.stateChange.addListener(onState);
    registerer
      .register({
        requestDelegate: {
          onReject: (response) => {
            const code = response.message.statusCode ?? 0;
            const text = `${code} ${response.message.reasonPhrase ?? ''}`.trim();
            const reason: FailureReason =
              code === 401 || code === 403 || code === 407
                ? 'credentials'
                : code === 408 || code === 504
                  ? 'timeout'
                  : 'rejected';
            settle({ ok: false, reason, detail: text, ms: Date.now() - started });
          },
        },
      })
      .catch((err: unknown) =>
        settle({
          ok: false,
          reason: 'unreachable',
          detail: String((err as Error)?.message ?? err),
          ms: Date.now() - started,
        }),
      );
  });
  if (outcome.ok) {
    step({ step: 'registered', status: 'ok', detail: '200 OK', ms: outcome.ms });
  } else {
    if (outcome.reason === 'credentials' && !challenged)
      step({ step: 'challenge', status: 'failed', detail: outcome.detail, ms: outcome.ms });
    step({ step: 'registered', status: 'failed', detail: outcome.detail, ms: outcome.ms });
    // A server that never answers would keep dispose() (which un-REGISTERs) waiting for ever.
    await bounded(registerer.dispose(), 1000);
    await stopQuietly();
  }
  return outcome;
}

/** Waits for a SIP.js clean-up step, but never longer than `ms`, and never throws. */
export function bounded(p: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    p.then(
      () => {
        clearTimeout(t);
        resolve();
      },
      () => {
        clearTimeout(t);
        resolve();
      },
    );
  });
}
