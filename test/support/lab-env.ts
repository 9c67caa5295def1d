import 'vitest';

/** The lab as tests see it (see test/lab/lab-core.mjs). */
export interface LabEnv {
  ws: string;
  udp: string;
  host: string;
  domain: string;
  wsPort: number;
  udpPort: number;
  ngPort: number;
  rtpMin: number;
  rtpMax: number;
  dir: string;
  logs: string;
  accounts: Array<{ user: string; password: string }>;
  /** Extra accounts when the lab was started with `fleet: n` (empty otherwise). */
  fleet: Array<{ user: string; password: string }>;
  /** Kamailio's JSON-RPC URL (loopback, with the lab's random token): `labRpc`, `registeredContacts`. */
  rpc: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    lab: LabEnv;
  }
}

/** Account n (1-based; 7 is the supervisor 1900) with its SIP address on the lab's domain. */
export function labAccount(env: LabEnv, n: number): { user: string; password: string; uri: string } {
  const a = env.accounts[n - 1];
  if (!a) throw new Error(`the lab has no account ${n}`);
  return { ...a, uri: `sip:${a.user}@${env.domain}` };
}
