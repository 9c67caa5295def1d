import { spawnSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import { diffProfiles, type ProfileSettingsPart } from '@common/profile/diff-profiles';
import { profileDescriptions, starterDraft } from '@common/profile/starter-draft';
import { validateDraft } from '@common/profile/validate-draft';
import { writeFileAtomic } from '../fs-atomic';
import {
  defaultKeyName,
  generateSigningKey,
  parsePublicKeyLine,
  ProfileKeyError,
  readSigningKey,
} from '../profile/keys';
import { publishProfile, PublishError } from '../profile/publish';
import {
  looksSigned,
  ProfileDraftError,
  readPayloadUnverified,
  signProfile,
  verifyProfile,
} from '../profile/signed-profile';
import type { CliIo } from './doctor-command';

export const profileUsage = `usage: diadema profile <subcommand> [options]

A team lead's tools for the signed team profile every agent's PC applies.

  keygen --dir DIR [--name NAME]
      Writes DIR/NAME.key (the private signing key, mode 0600; keep it safe, it is never overwritten) and
      DIR/NAME.pub (the public key as one line), and prints that line: IT adds it to the profile.trustedKeys
      policy. NAME defaults to ${defaultKeyName}.
  init --team ID --out FILE [--author A]
      Writes an unsigned profile to start from: every setting a team profile may carry at its default value
      (delete those the team should not get), with a description of each under "$descriptions".
  edit --in FILE
      Opens FILE in $VISUAL or $EDITOR (else vi), then checks it and lists each problem.
  sign --key KEY --in FILE --out SIGNED
      Checks the unsigned profile FILE against the settings schema and signs it with KEY. Any problem (a value
      the schema refuses, a key a profile may not carry such as account.user) is listed with the key and the
      reason, and nothing is written.
  verify --in SIGNED --trust PUB... [--team ID]
      Verifies SIGNED as an agent would and prints what it found as JSON. PUB is a .pub file or the public key
      line itself; give several to accept any of them (key rotation).
  diff --in NEW --against OLD [--json]
      What agents see change going from OLD to NEW (each signed or unsigned).
  publish --in SIGNED --to DIR|https://URL
      Writes SIGNED as DIR/<team>.jws atomically (the version it replaces stays as <team>.v<N>.jws), or PUTs it
      to the https:// URL (a URL ending in / gets <team>.jws appended) over verified TLS; the bearer token, if
      the server needs one, comes from DIADEMA_PUBLISH_TOKEN. Agents' profile.url then names that document.

The unsigned profile is plain JSON:
  { "team": "sales-north", "version": 12, "author": "Marta Ruiz", "expires": "2027-06-30T00:00:00Z",
    "defaults": { "acw.durationSec": 90 }, "enforced": { "calls.supervisorExtension": "7001" } }
"defaults" the agent may change; "enforced" the agent may not. "expires" is optional. Each published version must
be higher than the last: agents never go back to an older one.

Exit codes: 0 done (verify: valid, trusted, unexpired), 1 refused or invalid, 2 usage error.
`;

export interface ProfileCommandDeps {
  now?: () => Date;
  /** Extra CA (PEM) for an https:// publish (tests; otherwise the system's CAs and NODE_EXTRA_CA_CERTS). */
  ca?: string;
}

type Spec = Record<string, 'one' | 'many' | 'flag'>;
type Parsed = { ok: true; one: Record<string, string>; many: Record<string, string[]>; flags: Set<string> };

class UsageError extends Error {}

function parseOptions(sub: string, args: string[], spec: Spec, required: string[]): Parsed {
  const one: Record<string, string> = {};
  const many: Record<string, string[]> = {};
  const flags = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    const kind = name !== undefined ? spec[name] : undefined;
    if (name === undefined || kind === undefined) throw new UsageError(`profile ${sub}: unexpected ${arg}`);
    if (kind === 'flag') {
      flags.add(name);
      continue;
    }
    const values: string[] = [];
    while (i + 1 < args.length && !(kind === 'one' && values.length === 1) && !args[i + 1]!.startsWith('--'))
      values.push(args[++i]!);
    if (values.length === 0) throw new UsageError(`profile ${sub}: --${name} needs a value`);
    if (kind === 'one') {
      if (one[name] !== undefined) throw new UsageError(`profile ${sub}: --${name} given twice`);
      one[name] = values[0]!;
    } else (many[name] ??= []).push(...values);
  }
  for (const r of required) {
    if (one[r] === undefined && many[r] === undefined) throw new UsageError(`profile ${sub}: --${r} is required`);
  }
  return { ok: true, one, many, flags };
}

/** `diadema profile …`: keygen, init, edit, sign, verify, diff, publish (see `profileUsage`). */
export async function runProfileCommand(
  args: string[],
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
  deps: ProfileCommandDeps = {},
): Promise<number> {
  const now = deps.now ?? (() => new Date());
  const [sub, ...rest] = args;
  if (sub === '--help' || sub === '-h' || sub === 'help') {
    io.out(profileUsage);
    return 0;
  }
  try {
    switch (sub) {
      case 'keygen':
        return await keygen(parseOptions(sub, rest, { dir: 'one', name: 'one' }, ['dir']), io, now());
      case 'init':
        return await init(parseOptions(sub, rest, { team: 'one', out: 'one', author: 'one' }, ['team', 'out']), io);
      case 'edit':
        return await edit(parseOptions(sub, rest, { in: 'one' }, ['in']), io, env, now());
      case 'sign':
        return await sign(
          parseOptions(sub, rest, { key: 'one', in: 'one', out: 'one' }, ['key', 'in', 'out']),
          io,
          now(),
        );
      case 'verify':
        return await verify(
          parseOptions(sub, rest, { in: 'one', trust: 'many', team: 'one' }, ['in', 'trust']),
          io,
          now(),
        );
      case 'diff':
        return await diff(parseOptions(sub, rest, { in: 'one', against: 'one', json: 'flag' }, ['in', 'against']), io);
      case 'publish':
        return await publish(parseOptions(sub, rest, { in: 'one', to: 'one' }, ['in', 'to']), io, env, deps);
      case undefined:
        io.err(profileUsage);
        return 2;
      default:
        io.err(`profile: unknown subcommand ${sub}\n\n${profileUsage}`);
        return 2;
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`${err.message}\nrun: diadema profile --help\n`);
      return 2;
    }
    if (err instanceof ProfileKeyError || err instanceof PublishError || err instanceof CliRefusal) {
      io.err(`profile ${sub}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

/** A refusal with its message (exit 1). */
class CliRefusal extends Error {}

async function readText(file: string, what: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new CliRefusal(`cannot read ${what} ${file}: ${(err as Error).message}`);
  }
}

async function readJson(file: string): Promise<unknown> {
  const text = await readText(file, 'the profile');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new CliRefusal(`${file} is not JSON: ${(err as Error).message}`);
  }
}

async function keygen(p: Parsed, io: CliIo, now: Date): Promise<number> {
  const k = await generateSigningKey(p.one.dir!, p.one.name ?? defaultKeyName, now);
  io.out(`${k.publicLine}\n`);
  io.err(
    `private key: ${k.keyFile} (mode 0600; keep it safe)\npublic key:  ${k.pubFile} (give this line to IT for ` +
      `profile.trustedKeys)\nkey id:      ${k.kid}\n`,
  );
  return 0;
}

async function init(p: Parsed, io: CliIo): Promise<number> {
  const out = p.one.out!;
  if (existsSync(out)) throw new CliRefusal(`${out} already exists; edit it, or choose another --out`);
  const draft = starterDraft({ team: p.one.team!, author: p.one.author ?? safeUserName() });
  const problems = validateDraft(draft).filter((x) => x.key === 'team' || x.key === 'author');
  if (problems.length > 0) throw new CliRefusal(problems.map((x) => x.detail).join('\n'));
  const doc = {
    $comment:
      'Unsigned team profile. "defaults": the agent may change them; "enforced": the agent may not. Delete the ' +
      'settings the team should not get, raise "version" for every new publication, then: diadema profile sign. ' +
      'Fields starting with $ are ignored.',
    ...draft,
    $descriptions: profileDescriptions(),
  };
  await writeFileAtomic(out, `${JSON.stringify(doc, null, 2)}\n`, 0o644);
  io.out(
    `wrote ${out}: team ${draft.team}, version ${draft.version}, ${Object.keys(draft.defaults).length} settings\n`,
  );
  return 0;
}

function reportProblems(io: CliIo, file: string, problems: ReturnType<typeof validateDraft>): void {
  io.err(`${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n`);
  for (const x of problems) io.err(`  ${x.key}: ${x.detail} [${x.code}]\n`);
}

async function edit(p: Parsed, io: CliIo, env: NodeJS.ProcessEnv, now: Date): Promise<number> {
  const file = p.one.in!;
  if (!existsSync(file)) throw new CliRefusal(`${file} does not exist; start one with: diadema profile init`);
  const editor = env.VISUAL || env.EDITOR || 'vi';
  // Through the shell, so an EDITOR with arguments ("code --wait") works as it does for git.
  const r = spawnSync(`${editor} ${shellQuote(file)}`, { shell: true, stdio: 'inherit', env });
  if (r.error || r.status !== 0)
    throw new CliRefusal(`the editor (${editor}) failed: ${r.error?.message ?? `exit ${String(r.status)}`}`);
  const problems = validateDraft(await readJson(file), { now });
  if (problems.length > 0) {
    reportProblems(io, file, problems);
    return 1;
  }
  io.out(`${file}: no problems; sign it with: diadema profile sign --key KEY --in ${file} --out SIGNED\n`);
  return 0;
}

async function sign(p: Parsed, io: CliIo, now: Date): Promise<number> {
  const draft = await readJson(p.one.in!);
  const key = await readSigningKey(p.one.key!);
  let jws: string;
  try {
    jws = await signProfile(draft, key, now);
  } catch (err) {
    if (!(err instanceof ProfileDraftError)) throw err;
    reportProblems(io, p.one.in!, err.problems);
    io.err('nothing was signed\n');
    return 1;
  }
  await writeFileAtomic(p.one.out!, `${jws}\n`, 0o644);
  const d = draft as { team: string; version: number };
  io.out(`signed team ${d.team} version ${d.version} with key ${key.kid} → ${p.one.out}\n`);
  return 0;
}

async function verify(p: Parsed, io: CliIo, now: Date): Promise<number> {
  const trustedKeys: string[] = [];
  for (const t of p.many.trust ?? []) {
    if (parsePublicKeyLine(t)) trustedKeys.push(t.trim());
    else if (existsSync(t)) {
      const lines = (await readText(t, 'the public key')).split(/\r?\n/).filter((l) => l.trim() !== '');
      const bad = lines.find((l) => !parsePublicKeyLine(l));
      if (bad !== undefined || lines.length === 0)
        throw new CliRefusal(`${t} does not hold ed25519: public key lines (as diadema profile keygen writes)`);
      trustedKeys.push(...lines.map((l) => l.trim()));
    } else throw new UsageError(`profile verify: --trust ${t} is neither a .pub file nor a public key line`);
  }
  const signed = await fs.readFile(p.one.in!).catch((err: Error) => {
    throw new CliRefusal(`cannot read ${p.one.in}: ${err.message}`);
  });
  const outcome = await verifyProfile(signed, {
    trustedKeys,
    now,
    ...(p.one.team !== undefined ? { team: p.one.team } : {}),
  });
  if (outcome.ok) {
    const { identity, defaults, enforced } = outcome.profile;
    io.out(`${JSON.stringify({ valid: true, ...identity, defaults, enforced }, null, 2)}\n`);
    return 0;
  }
  io.out(
    `${JSON.stringify({ valid: false, refusal: outcome.refusal, detail: outcome.detail, version: outcome.version }, null, 2)}\n`,
  );
  return 1;
}

interface Side extends ProfileSettingsPart {
  team?: string;
  version?: number;
}

async function readSide(file: string): Promise<Side> {
  const text = await readText(file, 'the profile');
  if (looksSigned(text)) {
    const payload = readPayloadUnverified(text);
    if (!payload) throw new CliRefusal(`${file} is signed but its content is not a team profile`);
    return payload;
  }
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch (err) {
    throw new CliRefusal(`${file} is neither a signed profile nor JSON: ${(err as Error).message}`);
  }
  const d = json as Partial<Side> | null;
  const isRecord = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isRecord(d) || !isRecord(d?.defaults) || !isRecord(d?.enforced))
    throw new CliRefusal(`${file} is not a team profile (it needs "defaults" and "enforced" objects)`);
  return d as Side;
}

async function diff(p: Parsed, io: CliIo): Promise<number> {
  const next = await readSide(p.one.in!);
  const old = await readSide(p.one.against!);
  const changes = diffProfiles(old, next);
  if (p.flags.has('json')) {
    io.out(`${JSON.stringify(changes, null, 2)}\n`);
  } else {
    const v = (x: Side) => (x.version === undefined ? '?' : String(x.version));
    io.out(`team ${next.team ?? '?'}: version ${v(old)} → ${v(next)}\n`);
    const width = Math.max(0, ...changes.map((c) => c.key.length));
    for (const c of changes) {
      const show = (x: unknown) => (x === undefined ? '(not set)' : JSON.stringify(x));
      io.out(`  ${c.key.padEnd(width)}  ${c.mode.padEnd(8)}  ${show(c.before)} → ${show(c.after)}\n`);
    }
    io.out(`${changes.length} setting${changes.length === 1 ? '' : 's'} change${changes.length === 1 ? 's' : ''}\n`);
  }
  if (old.team !== undefined && next.team !== undefined && old.team !== next.team)
    io.err(`note: the two profiles are for different teams (${old.team}, ${next.team})\n`);
  if (old.version !== undefined && next.version !== undefined && next.version <= old.version)
    io.err(`note: agents will refuse version ${next.version}: it is not higher than ${old.version}\n`);
  return 0;
}

async function publish(p: Parsed, io: CliIo, env: NodeJS.ProcessEnv, deps: ProfileCommandDeps): Promise<number> {
  const signed = await readText(p.one.in!, 'the signed profile');
  const token = env.DIADEMA_PUBLISH_TOKEN;
  const r = await publishProfile(signed, p.one.to!, {
    ...(token ? { token } : {}),
    ...(deps.ca ? { ca: deps.ca } : {}),
  });
  io.out(`published ${r.publishedTo}\n`);
  if (r.kept) io.err(`the version it replaced is kept as ${r.kept}\n`);
  return 0;
}

function safeUserName(): string {
  try {
    return os.userInfo().username.slice(0, 128);
  } catch {
    return '';
  }
}

const shellQuote = (s: string) =>
  process.platform === 'win32' ? `"${s.replace(/"/g, '""')}"` : `'${s.replace(/'/g, `'\\''`)}'`;
