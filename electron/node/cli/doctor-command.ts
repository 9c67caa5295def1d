import type { StepReport } from '../../common/contract/registration';
import { createLogger, silentLogger } from '../log';
import { checkConnection } from '../phone/connection-check';
import { installWebSocketGlobal } from '../phone/sip-websocket';

export interface CliIo {
  out(s: string): void;
  err(s: string): void;
}

const stepNames: Record<StepReport['step'], string> = {
  config: 'account settings',
  dns: 'DNS',
  connect: 'connect',
  websocket: 'WebSocket upgrade',
  register: 'REGISTER sent',
  challenge: 'digest challenge',
  registered: '200 OK (registered)',
};
const advice: Record<string, string> = {
  credentials: 'the server refused the credentials: check the user, the authorisation user and the password',
  unreachable:
    'the server cannot be reached: check the URL, the port, a firewall or proxy between this PC and the server',
  tls: 'TLS failed: check the certificate of the server (name, expiry, trusted issuer) and the clock of this PC',
  timeout: 'the server did not answer in time: check that the URL points at a SIP WebSocket service',
  rejected: 'the server rejected the registration: see the status above and the server log',
  config: 'the account settings are invalid: see the step above',
};

/**
 * `diadema doctor --server URL --user U --password P [--auth-user A] [--display-name N] [--timeout MS] [--trace]`.
 * Exit 0 only when registered; 1 when the registration failed, 2 for usage errors.
 */
export async function runDoctorCommand(args: string[], io: CliIo): Promise<number> {
  const opts: Record<string, string> = {};
  let trace = false;
  for (let i = 0; i < args.length; i++) {
    const k = args[i]!;
    if (k === '--trace') {
      trace = true;
      continue;
    }
    const m = /^--(server|user|password|auth-user|display-name|timeout)$/.exec(k);
    const v = args[i + 1];
    if (!m || v === undefined) {
      io.err(
        `doctor: unexpected argument ${k}\nusage: diadema doctor --server URL --user U --password P [--auth-user A] [--timeout MS] [--trace]\n`,
      );
      return 2;
    }
    opts[m[1]!] = v;
    i++;
  }
  if (!opts.server || !opts.user || opts.password === undefined) {
    io.err('doctor: --server, --user and --password are required\n');
    return 2;
  }
  installWebSocketGlobal();
  const log = trace ? createLogger((l) => io.err(`${l}\n`), 'debug', 'sip') : silentLogger;
  const result = await checkConnection(
    {
      server: opts.server,
      user: opts.user,
      authUser: opts['auth-user'] ?? '',
      displayName: opts['display-name'] ?? '',
      password: opts.password,
    },
    {
      log,
      registerTimeoutMs: opts.timeout ? Number(opts.timeout) : 10_000,
      userAgentString: 'Diadema-doctor',
      onStep: (s) =>
        io.out(
          `${s.status === 'ok' ? 'ok  ' : s.status === 'failed' ? 'FAIL' : 'skip'} ${stepNames[s.step].padEnd(22)}${s.ms !== undefined ? ` ${String(s.ms).padStart(5)} ms` : ''}${s.detail ? `  ${s.detail}` : ''}\n`,
        ),
    },
  );
  if (result.registered) {
    io.out('registered: this account works from this PC\n');
    return 0;
  }
  io.out(`not registered (${result.reason ?? 'unknown'}): ${advice[result.reason ?? ''] ?? 'see the steps above'}\n`);
  return 1;
}
