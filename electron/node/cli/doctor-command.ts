import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { StepReport } from '../../common/contract/registration';
import { createLogger, silentLogger } from '../log';
import { lastGoodFileName, stateFileName } from '../profile/profile-client';
import { parseServerUrl } from '../../common/contract/account';
import { checkConnection } from '../phone/connection-check';
import { worthFailover } from '../phone/registration-service';
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

const usage =
  'usage: diadema doctor [--server URL [--server URL ...] --user U --password P [--auth-user A] [--timeout MS] ' +
  '[--trace]] [--data-dir DIR]\n' +
  '  several --server: the servers of account.servers in order; each is tried as the phone does (the next one only\n' +
  '  when one is unreachable, silent, fails TLS or answers 5xx) and the one the phone would use is named, with why\n';

/**
 * `diadema doctor [--server URL --user U --password P [--auth-user A] [--display-name N] [--timeout MS] [--trace]]
 * [--data-dir DIR]`. Prints the team profile state of the data folder, then (given an account) registers once.
 * Exit 0 only when registered (or, without an account, when the profile state could be read); 1 when the
 * registration failed, 2 for usage errors.
 */
export async function runDoctorCommand(args: string[], io: CliIo, env = process.env): Promise<number> {
  const opts: Record<string, string> = {};
  const servers: string[] = [];
  let trace = false;
  for (let i = 0; i < args.length; i++) {
    const k = args[i]!;
    if (k === '--trace') {
      trace = true;
      continue;
    }
    const m = /^--(server|user|password|auth-user|display-name|timeout|data-dir)$/.exec(k);
    const v = args[i + 1];
    if (!m || v === undefined) {
      io.err(`doctor: unexpected argument ${k}\n${usage}`);
      return 2;
    }
    if (m[1] === 'server') servers.push(v);
    opts[m[1]!] = v;
    i++;
  }
  const account = opts.server !== undefined || opts.user !== undefined || opts.password !== undefined;
  if (account && (!opts.server || !opts.user || opts.password === undefined)) {
    io.err('doctor: --server, --user and --password are required\n');
    return 2;
  }
  const dataDir =
    opts['data-dir'] ??
    env.DIADEMA_DATA_DIR ??
    path.join(env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), 'diadema-browser');
  const profileRead = await printProfileState(dataDir, io);
  if (!account || !opts.server || !opts.user || opts.password === undefined) return profileRead ? 0 : 1;
  installWebSocketGlobal();
  const log = trace ? createLogger((l) => io.err(`${l}\n`), 'debug', 'sip') : silentLogger;
  // An extension alone takes its domain from the first server, on every server (as the phone does).
  const firstHost = parseServerUrl(servers[0]!)?.hostname;
  const user = opts.user.includes('@') || !firstHost ? opts.user : `${opts.user}@${firstHost}`;
  let result: Awaited<ReturnType<typeof checkConnection>> | undefined;
  let firstFailure: string | undefined;
  let usedIndex = 0;
  for (const [i, server] of servers.entries()) {
    usedIndex = i;
    if (servers.length > 1) io.out(`server ${i + 1} of ${servers.length}: ${server}\n`);
    result = await checkConnection(
      {
        server,
        user: i === 0 ? opts.user : user,
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
    if (result.registered || !worthFailover(result)) break;
    if (i === 0) firstFailure = `${result.reason ?? 'unknown'}${result.detail ? `: ${result.detail}` : ''}`;
    if (i + 1 < servers.length) io.out(`server ${i + 1} cannot be used (${result.reason}): the phone tries the next\n`);
  }
  if (result?.registered) {
    io.out('registered: this account works from this PC\n');
    if (servers.length > 1)
      io.out(
        firstFailure
          ? `in use: ${servers[usedIndex]} (server ${usedIndex + 1}), because the first one cannot be used (${firstFailure})\n`
          : `in use: ${servers[0]} (the first server)\n`,
      );
    return 0;
  }
  io.out(`not registered (${result?.reason ?? 'unknown'}): ${advice[result?.reason ?? ''] ?? 'see the steps above'}\n`);
  return 1;
}

/**
 * The team profile as the agent's app left it in the data folder: the profile in force (read from the kept signed
 * document, not re-verified here) and the last check that found something. Returns false when the folder holds no
 * profile state at all.
 */
async function printProfileState(dataDir: string, io: CliIo): Promise<boolean> {
  let state: Record<string, unknown> | undefined;
  try {
    state = JSON.parse(await fs.readFile(path.join(dataDir, stateFileName), 'utf8')) as Record<string, unknown>;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    io.out(`team profile: ${code === 'ENOENT' ? 'none applied on this PC' : `state unreadable (${String(e)})`}\n`);
    if (code !== 'ENOENT') return false;
  }
  let payload: Record<string, unknown> | undefined;
  let kid: unknown;
  try {
    const [header, body] = (await fs.readFile(path.join(dataDir, lastGoodFileName), 'utf8')).trim().split('.');
    kid = (JSON.parse(Buffer.from(header ?? '', 'base64url').toString('utf8')) as Record<string, unknown>).kid;
    payload = JSON.parse(Buffer.from(body ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    payload = undefined;
  }
  const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '?');
  if (payload) {
    io.out(
      `team profile: ${str(payload.team)} v${str(payload.version)} by ${str(payload.author)}, key ${str(kid)}` +
        `${payload.expires ? `, expires ${str(payload.expires)}` : ''}\n`,
    );
  }
  if (state?.appliedAt !== undefined) io.out(`  applied at ${new Date(Number(state.appliedAt)).toISOString()}\n`);
  const highest = state?.highest && typeof state.highest === 'object' ? state.highest : {};
  for (const [team, v] of Object.entries(highest)) io.out(`  highest version applied for ${team}: ${str(v)}\n`);
  const lc = state?.lastCheck as Record<string, unknown> | undefined;
  if (lc) {
    const what = [lc.refusal, lc.problem].filter((x) => typeof x === 'string').join(' ');
    io.out(
      `  last check: ${str(lc.outcome)}${what ? ` (${what})` : ''} at ${new Date(Number(lc.at)).toISOString()}` +
        `${lc.version !== undefined ? `, version ${str(lc.version)}` : ''}${lc.detail ? `: ${str(lc.detail)}` : ''}\n`,
    );
  }
  return true;
}
