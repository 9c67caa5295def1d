import { startAgentCore, type AgentCore } from './agent-core';
import { labAccount, type LabEnv } from './lab-env';
import { SipParty } from './sip-party';

/** A whole agent core registered to the lab as account n (see agent-core.ts). */
export function labAgent(lab: LabEnv, n: number, settings?: Record<string, unknown>): Promise<AgentCore> {
  const a = labAccount(lab, n);
  return startAgentCore({
    account: { server: lab.ws, user: a.user, password: a.password },
    ...(settings ? { settings } : {}),
  });
}

/** A plain SIP.js party registered to the lab as account n (a caller, a far end, a supervisor). */
export function labParty(lab: LabEnv, n: number, displayName?: string): Promise<SipParty> {
  const a = labAccount(lab, n);
  return new SipParty({
    server: lab.ws,
    aor: a.uri,
    user: a.user,
    password: a.password,
    ...(displayName ? { displayName } : {}),
  }).start();
}
