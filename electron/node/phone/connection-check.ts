import { parseAccount, type AccountForm } from '@common/contract/account';
import type { FailureReason, StepReport } from '@common/contract/registration';
import type { Logger } from '../log';
import { probeServer } from './connection-probe';
import { attemptRegistration, bounded } from './registration-attempt';

export interface CheckResult {
  registered: boolean;
  steps: StepReport[];
  reason?: FailureReason;
  detail?: string;
}

/**
 * *Test connection* and `diadema doctor`: validate the account, walk DNS → connect → WebSocket upgrade, then
 * REGISTER through the digest challenge to 200, and unregister again. Each step is reported as it finishes.
 */
export async function checkConnection(
  form: AccountForm,
  o: { log: Logger; onStep?: (s: StepReport) => void; registerTimeoutMs?: number; userAgentString?: string },
): Promise<CheckResult> {
  const steps: StepReport[] = [];
  const step = (s: StepReport) => {
    steps.push(s);
    o.onStep?.(s);
  };
  const parsed = parseAccount(form);
  if (!parsed.ok) {
    step({
      step: 'config',
      status: 'failed',
      detail: Object.entries(parsed.errors)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', '),
    });
    return { registered: false, steps, reason: 'config', detail: 'invalid account settings' };
  }
  if (!form.password) {
    step({ step: 'config', status: 'failed', detail: 'password: required' });
    return { registered: false, steps, reason: 'config', detail: 'no password' };
  }
  step({ step: 'config', status: 'ok', detail: parsed.account.aor });
  const probe = await probeServer(parsed.account, { onStep: step });
  if (!probe.ok) return { registered: false, steps, reason: probe.reason, detail: probe.detail };
  const outcome = await attemptRegistration({
    account: parsed.account,
    password: form.password,
    log: o.log,
    onStep: step,
    registerTimeoutMs: o.registerTimeoutMs ?? 10_000,
    userAgentString: o.userAgentString,
  });
  if (!outcome.ok) return { registered: false, steps, reason: outcome.reason, detail: outcome.detail };
  // A test must not leave a second contact behind that would fork calls to nowhere.
  await bounded(outcome.registerer.unregister(), 2000);
  await bounded(outcome.ua.stop(), 2000);
  return { registered: true, steps };
}
