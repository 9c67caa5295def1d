import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';

/**
 * The cheap part of deciding whether a notes database is sound, done before SQLite opens it: the 100-byte header,
 * the file's size against the page count the header claims, and an empty file where a database existed before.
 * What only reading every page can find (a zeroed run inside a table or index page) is left to `quick_check`, run in
 * a background thread when the file may have changed outside a session of ours (`meta.closed`).
 */

/** What a clean close of ours left: the file as it was then (anything else changing it shows as a difference). */
export interface ClosedStamp {
  size: number;
  mtimeMs: number;
}

/**
 * `<file>.meta`: beside the database from the first time a session of ours opened it. Its existence says a database
 * was created here, so an empty or vanished file reads as "emptied", never as "never existed".
 */
export interface StoreMeta {
  createdAt: number;
  /** When `quick_check` last passed over the whole file (a fresh file counts as checked). */
  checkedAt?: number;
  /** The file at our last clean close. */
  closed?: ClosedStamp;
}

export const metaOf = (file: string): string => `${file}.meta`;

/** The meta file as written, `{ createdAt: 0 }` when it exists but cannot be read (it still says a file existed). */
export function readMeta(file: string): StoreMeta | undefined {
  const meta = metaOf(file);
  if (!existsSync(meta)) return undefined;
  try {
    const v = JSON.parse(readFileSync(meta, 'utf8')) as Partial<StoreMeta>;
    const closed = v.closed;
    return {
      createdAt: typeof v.createdAt === 'number' ? v.createdAt : 0,
      ...(typeof v.checkedAt === 'number' ? { checkedAt: v.checkedAt } : {}),
      ...(closed && typeof closed.size === 'number' && typeof closed.mtimeMs === 'number'
        ? { closed: { size: closed.size, mtimeMs: closed.mtimeMs } }
        : {}),
    };
  } catch {
    return { createdAt: 0 };
  }
}

/** Writes the meta file whole (temporary file, fsync, rename, fsync of the folder): never half of it. */
export function writeMeta(file: string, meta: StoreMeta): void {
  const target = metaOf(file);
  const tmp = `${target}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(meta)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, target);
  syncDir(path.dirname(target));
}

/** Makes a new directory entry durable (some file systems cannot: then it is as durable as they allow). */
export function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // not supported here
  }
}

/** The file as it is now, to compare with what a clean close left. */
export function stampOf(file: string): ClosedStamp | undefined {
  try {
    const s = statSync(file);
    return { size: s.size, mtimeMs: s.mtimeMs };
  } catch {
    return undefined;
  }
}

export type FileVerdict =
  /** No file (or an empty one where none was ever made): SQLite starts a new database. */
  | { state: 'new' }
  | { state: 'sound' }
  /** `emptied`: zero bytes where a database existed; `damaged`: the header or the size is wrong. */
  | { state: 'unsound'; cause: 'emptied' | 'damaged'; reason: string };

const MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const HEADER = 100;

/**
 * Looks at the file without SQLite: the header's fixed fields, and — when no WAL holds newer pages — that the file
 * is as long as the page count in its header says (a file cut short loses the pages at its end without a word
 * from SQLite until a query reaches them). `existed`: a database was created here before (the meta file).
 */
export function inspectFile(file: string, existed: boolean): FileVerdict {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return { state: 'new' };
  }
  if (size === 0)
    return existed
      ? { state: 'unsound', cause: 'emptied', reason: 'the notes database is empty (0 bytes); one existed here' }
      : { state: 'new' };
  const damaged = (reason: string): FileVerdict => ({ state: 'unsound', cause: 'damaged', reason });
  if (size < HEADER) return damaged(`cut short: ${size} bytes, less than a database header`);
  const h = Buffer.alloc(HEADER);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, h, 0, HEADER, 0);
  } finally {
    closeSync(fd);
  }
  if (!h.subarray(0, 16).equals(MAGIC)) return damaged('header: not an SQLite database header');
  const raw = h.readUInt16BE(16);
  const pageSize = raw === 1 ? 65536 : raw;
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0)
    return damaged(`header: page size ${raw} is not a power of two from 512 to 65536`);
  if (![1, 2].includes(h[18]!) || ![1, 2].includes(h[19]!))
    return damaged(`header: file format versions ${h[18]}/${h[19]}`);
  if (h[21] !== 64 || h[22] !== 32 || h[23] !== 32)
    return damaged(`header: payload fractions ${h[21]}/${h[22]}/${h[23]} (always 64/32/32)`);
  // A WAL with frames may hold pages beyond the file's end (a checkpoint under way when the process stopped): the
  // size then proves nothing, and quick_check (owed after such a stop) reads the file with its WAL.
  if (walHasFrames(file)) return { state: 'sound' };
  if (size % pageSize !== 0) return damaged(`cut short: ${size} bytes is not a whole number of ${pageSize}-byte pages`);
  const pages = h.readUInt32BE(28);
  // The page count is only valid when written by the same change as the change counter (SQLite's own rule).
  const countValid = pages > 0 && h.readUInt32BE(24) === h.readUInt32BE(92);
  if (countValid && size < pages * pageSize)
    return damaged(`cut short: ${size / pageSize} pages of the ${pages} the header counts`);
  return { state: 'sound' };
}

const WAL_HEADER = 32;
function walHasFrames(file: string): boolean {
  try {
    return statSync(`${file}-wal`).size > WAL_HEADER;
  } catch {
    return false;
  }
}
