import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { teamIdPattern } from '@common/profile/profile-payload';
import { maxProfileBytes, readPayloadUnverified } from './signed-profile';

/**
 * Publishing a signed profile where agents fetch it: a folder (a file share, a web server's document root) or an
 * https:// location that accepts PUT (object storage, WebDAV). In a folder the document is `<team>.jws`, written to
 * a temporary file beside it, flushed and renamed over it, so an agent never reads half a document; the version it
 * replaces stays beside it as `<team>.v<N>.jws` for the team lead to go back to (by publishing it again, newer).
 */

export type PublishErrorCode =
  | 'not-a-profile'
  | 'too-large'
  | 'insecure-url'
  | 'bad-target'
  | 'not-newer'
  | 'write-failed'
  | 'http-status'
  | 'tls'
  | 'unreachable'
  | 'timeout';

export class PublishError extends Error {
  constructor(
    readonly code: PublishErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PublishError';
  }
}

export interface HttpsOptions {
  /** Bearer token for the PUT (from `DIADEMA_PUBLISH_TOKEN`); never logged. */
  token?: string;
  /** Extra CA certificates (PEM) trusted besides the system's: a private CA, or a test's. */
  ca?: string | Buffer;
  /** Deadline for the whole exchange (default 30 s). */
  deadlineMs?: number;
}

export type PublishTarget = { kind: 'folder'; dir: string; file: string } | { kind: 'https'; url: string };

/**
 * Where a profile of `team` goes: a folder (a path or a file:// URL) gets `<team>.jws`; an https:// URL ending in
 * `/` gets `<team>.jws` appended, any other https:// URL is the document's own address. Anything else (http://)
 * is refused: agents only fetch over verified TLS, so publishing in the clear would invite tampering.
 */
export function publishTarget(to: string, team: string): PublishTarget {
  if (!teamIdPattern.test(team))
    throw new PublishError('not-a-profile', `team ${JSON.stringify(team)} is not a team id`);
  const name = `${team}.jws`;
  if (/^https:\/\//i.test(to)) {
    let url: URL;
    try {
      url = new URL(to);
    } catch {
      throw new PublishError('bad-target', `${to} is not a URL`);
    }
    if (url.username || url.password)
      throw new PublishError('bad-target', 'put no credentials in the URL; use DIADEMA_PUBLISH_TOKEN');
    return { kind: 'https', url: to.endsWith('/') ? new URL(name, url).toString() : url.toString() };
  }
  if (/^file:\/\//i.test(to)) {
    const dir = fileURLToPath(to);
    return { kind: 'folder', dir, file: path.join(dir, name) };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(to))
    throw new PublishError('insecure-url', `${to}: publish to a folder or an https:// URL only`);
  if (to.trim() === '') throw new PublishError('bad-target', 'no place to publish to (a folder or an https:// URL)');
  const dir = path.resolve(to);
  return { kind: 'folder', dir, file: path.join(dir, name) };
}

/** Publishes a signed profile document; returns where it went. */
export async function publishProfile(
  signed: string,
  to: string,
  o: HttpsOptions = {},
): Promise<{ publishedTo: string; kept?: string }> {
  const doc = signed.trim();
  if (Buffer.byteLength(doc) > maxProfileBytes)
    throw new PublishError('too-large', `the document is over ${maxProfileBytes} bytes; agents would refuse it`);
  const payload = readPayloadUnverified(doc);
  if (!payload)
    throw new PublishError('not-a-profile', 'not a signed team profile (sign it first: diadema profile sign)');
  const target = publishTarget(to, payload.team);
  if (target.kind === 'https') {
    // The same guard as in a folder; a server that will not let us read is no reason not to write.
    const current = await httpsGet(target.url, o).catch(() => undefined);
    if (current?.trim() === doc) return { publishedTo: target.url };
    const old = current === undefined ? undefined : readPayloadUnverified(current);
    if (old && old.team === payload.team && old.version >= payload.version)
      throw new PublishError(
        'not-newer',
        `${target.url} already holds version ${old.version}; agents only apply a higher version than ${payload.version}`,
      );
    await httpsPut(target.url, doc, o);
    return { publishedTo: target.url };
  }
  return publishToFolder(target, doc, payload.version);
}

async function publishToFolder(
  target: Extract<PublishTarget, { kind: 'folder' }>,
  doc: string,
  version: number,
): Promise<{ publishedTo: string; kept?: string }> {
  const st = await fs.stat(target.dir).catch(() => undefined);
  if (!st?.isDirectory()) throw new PublishError('bad-target', `${target.dir} is not an existing folder`);
  const current = await fs.readFile(target.file, 'utf8').catch(() => undefined);
  let kept: string | undefined;
  if (current !== undefined) {
    if (current.trim() === doc) return { publishedTo: target.file };
    const old = readPayloadUnverified(current);
    if (old && old.version >= version)
      throw new PublishError(
        'not-newer',
        `${target.file} already holds version ${old.version}; agents only apply a higher version than ${version}`,
      );
    if (old) {
      kept = path.join(target.dir, `${path.basename(target.file, '.jws')}.v${old.version}.jws`);
      await writeAtomic(kept, current);
    }
  }
  await writeAtomic(target.file, `${doc}\n`);
  return kept ? { publishedTo: target.file, kept } : { publishedTo: target.file };
}

/** Temporary file in the same folder (same file system, so the rename is atomic), flushed, renamed; or nothing. */
async function writeAtomic(file: string, data: string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await fs.open(tmp, 'wx', 0o644);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw new PublishError('write-failed', `could not write ${file}: ${(err as Error).message}`);
  }
  // The rename is durable once the folder's entry is: best effort (not every file system lets a folder be synced).
  const dirHandle = await fs.open(path.dirname(file), 'r').catch(() => undefined);
  await dirHandle?.sync().catch(() => undefined);
  await dirHandle?.close();
}

/** PUT over verified TLS; redirects are not followed (a PUT must land where the team lead said). */
function httpsPut(url: string, doc: string, o: HttpsOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const body = Buffer.from(`${doc}\n`);
    const headers: Record<string, string> = {
      'content-type': 'application/jose',
      'content-length': String(body.length),
    };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    let settled = false;
    const finish = (err?: PublishError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve();
    };
    const req = https.request(url, { method: 'PUT', headers, agent: false, ...(o.ca ? { ca: o.ca } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < 2048) chunks.push(c);
        size += c.length;
      });
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) return finish();
        const text = Buffer.concat(chunks).toString('utf8').replace(/\s+/g, ' ').trim().slice(0, 200);
        finish(new PublishError('http-status', `${url} answered ${status}${text ? `: ${text}` : ''}`));
      });
      res.on('error', (err) => finish(new PublishError('unreachable', `${url}: ${err.message}`)));
    });
    const timer = setTimeout(() => {
      finish(new PublishError('timeout', `${url} did not answer within ${(o.deadlineMs ?? 30_000) / 1000} s`));
      req.destroy();
    }, o.deadlineMs ?? 30_000);
    req.on('error', (err: NodeJS.ErrnoException) => {
      const tls = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/i.test(`${err.code ?? ''} ${err.message}`);
      finish(new PublishError(tls ? 'tls' : 'unreachable', `${url}: ${err.message}`));
    });
    req.end(body);
  });
}

/**
 * The document currently published (to diff against, and to start the next version from), or undefined when none
 * is there yet. In a folder without a team given, the one `<team>.jws` there (several: undefined).
 */
export async function readPublished(to: string, o: HttpsOptions & { team?: string } = {}): Promise<string | undefined> {
  if (/^https:\/\//i.test(to)) {
    if (to.endsWith('/') && !o.team) return undefined;
    const target = publishTarget(to, o.team ?? 'x');
    return target.kind === 'https' ? httpsGet(target.url, o) : undefined;
  }
  if (o.team) {
    const target = publishTarget(to, o.team);
    if (target.kind !== 'folder') return undefined;
    return fs.readFile(target.file, 'utf8').catch(() => undefined);
  }
  const dir = publishTarget(to, 'x');
  if (dir.kind !== 'folder') return undefined;
  const names = (await fs.readdir(dir.dir).catch(() => [] as string[])).filter(
    (n) => n.endsWith('.jws') && !/\.v\d+\.jws$/.test(n) && !n.startsWith('.'),
  );
  return names.length === 1 ? fs.readFile(path.join(dir.dir, names[0]!), 'utf8').catch(() => undefined) : undefined;
}

function httpsGet(url: string, o: HttpsOptions): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (v: string | undefined, err?: PublishError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(v);
    };
    const req = https.request(url, { method: 'GET', agent: false, ...(o.ca ? { ca: o.ca } : {}) }, (res) => {
      const status = res.statusCode ?? 0;
      if (status === 404) {
        res.resume();
        return finish(undefined);
      }
      if (status !== 200) {
        res.resume();
        return finish(undefined, new PublishError('http-status', `${url} answered ${status}`));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxProfileBytes) {
          req.destroy();
          finish(undefined, new PublishError('too-large', `${url} holds more than ${maxProfileBytes} bytes`));
        } else chunks.push(c);
      });
      res.on('end', () => finish(Buffer.concat(chunks).toString('utf8')));
      res.on('error', (err) => finish(undefined, new PublishError('unreachable', `${url}: ${err.message}`)));
    });
    const timer = setTimeout(() => {
      finish(undefined, new PublishError('timeout', `${url} did not answer in time`));
      req.destroy();
    }, o.deadlineMs ?? 30_000);
    req.on('error', (err) => finish(undefined, new PublishError('unreachable', `${url}: ${err.message}`)));
    req.end();
  });
}
