import { closeSync, openSync, readSync, statSync } from 'node:fs';

/**
 * Rows read straight from a damaged database's pages, for what SQLite can no longer reach through its trees: a file
 * cut short loses the schema pages at its end (then no table can be opened at all), a zeroed interior page hides
 * every leaf below it. Every table leaf page of the file (and of its WAL, whose frames are newer) is parsed as
 * SQLite's file format describes it, and a record is taken as a row of a table only when it has that table's shape:
 * its column count and, column by column, the type the STRICT table declares (`Shape`, read from the fresh file's own
 * schema). Rows that break a CHECK constraint are refused later by the insert itself.
 */

export interface Column {
  name: string;
  /** STRICT type: INTEGER, TEXT, REAL, BLOB or ANY. */
  type: string;
  notNull: boolean;
  /** The INTEGER PRIMARY KEY: stored as NULL in the record, its value is the rowid. */
  rowidAlias: boolean;
  /** A column added later with a default: older records end before it. */
  hasDefault: boolean;
}
export type Shape = { table: string; columns: Column[] };
export type ScannedRow = Record<string, unknown>;

const LEAF_TABLE = 0x0d;
const WAL_HEADER = 32;
const FRAME_HEADER = 24;

/** Scans `file` (and `file-wal` when there is one) for rows of the given shapes. */
export function scanPages(file: string, shapes: readonly Shape[]): Map<string, ScannedRow[]> {
  const found = new Map<string, ScannedRow[]>(shapes.map((s) => [s.table, []]));
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return found;
  }
  try {
    const size = statSync(file).size;
    const header = Buffer.alloc(100);
    readSync(fd, header, 0, 100, 0);
    const raw = header.readUInt16BE(16);
    const fromHeader = raw === 1 ? 65536 : raw;
    const pageSize =
      fromHeader >= 512 && fromHeader <= 65536 && (fromHeader & (fromHeader - 1)) === 0 ? fromHeader : 4096;
    const reserved = header[20]! < 64 ? header[20]! : 0;
    const reader = new PageReader(fd, pageSize, reserved);
    for (let p = 1; p * pageSize <= size; p++) reader.scan(reader.page(p), p === 1 ? 100 : 0, shapes, found);
  } finally {
    closeSync(fd);
  }
  try {
    const wal = openSync(`${file}-wal`, 'r');
    try {
      const size = statSync(`${file}-wal`).size;
      const h = Buffer.alloc(WAL_HEADER);
      if (readSync(wal, h, 0, WAL_HEADER, 0) === WAL_HEADER) {
        const pageSize = h.readUInt32BE(8);
        if (pageSize >= 512 && pageSize <= 65536 && (pageSize & (pageSize - 1)) === 0) {
          const reader = new PageReader(wal, pageSize, 0, WAL_HEADER + FRAME_HEADER, FRAME_HEADER);
          const frames = Math.floor((size - WAL_HEADER) / (pageSize + FRAME_HEADER));
          for (let f = 1; f <= frames; f++) reader.scan(reader.page(f), 0, shapes, found);
        }
      }
    } finally {
      closeSync(wal);
    }
  } catch {
    // no WAL
  }
  return found;
}

/** Pages of a file (the database, or the WAL's frames: `first` byte offset, `gap` header bytes between pages). */
class PageReader {
  constructor(
    private readonly fd: number,
    private readonly pageSize: number,
    private readonly reserved: number,
    private readonly first = 0,
    private readonly gap = 0,
  ) {}

  page(n: number): Buffer {
    const b = Buffer.alloc(this.pageSize);
    readSync(this.fd, b, 0, this.pageSize, this.first + (n - 1) * (this.pageSize + this.gap));
    return b;
  }

  /** Overflow pages are numbered in the database file; in the WAL they are not at hand (the row is skipped). */
  private overflow(n: number): Buffer | undefined {
    if (this.gap !== 0 || n < 1) return undefined;
    try {
      return this.page(n);
    } catch {
      return undefined;
    }
  }

  scan(page: Buffer, at: number, shapes: readonly Shape[], found: Map<string, ScannedRow[]>): void {
    if (page[at] !== LEAF_TABLE) return;
    const cells = page.readUInt16BE(at + 3);
    const usable = this.pageSize - this.reserved;
    for (let i = 0; i < cells; i++) {
      const ptrAt = at + 8 + i * 2;
      if (ptrAt + 2 > page.length) return;
      try {
        const payload = this.cell(page, page.readUInt16BE(ptrAt), usable);
        if (!payload) continue;
        const values = parseRecord(payload.bytes);
        if (!values) continue;
        for (const s of shapes) {
          const row = asRow(s, values, payload.rowid);
          if (row) found.get(s.table)!.push(row);
        }
      } catch {
        // a cell that does not parse: skipped
      }
    }
  }

  /** A table-leaf cell's rowid and whole payload (with its overflow chain), as the file format lays it out. */
  private cell(page: Buffer, off: number, usable: number): { rowid: number; bytes: Buffer } | undefined {
    if (off < 8 || off >= page.length) return undefined;
    const [size, a] = varint(page, off);
    const [rowid, b] = varint(page, a);
    if (size < 0 || size > 1 << 30) return undefined;
    const max = usable - 35;
    let local = size;
    if (size > max) {
      const min = Math.floor(((usable - 12) * 32) / 255) - 23;
      const k = min + ((size - min) % (usable - 4));
      local = k <= max ? k : min;
    }
    if (b + local > page.length) return undefined;
    const parts = [page.subarray(b, b + local)];
    let have = local;
    if (local < size) {
      if (b + local + 4 > page.length) return undefined;
      let next = page.readUInt32BE(b + local);
      for (let hops = 0; have < size && next !== 0 && hops < 1 << 16; hops++) {
        const o = this.overflow(next);
        if (!o) return undefined;
        const take = Math.min(size - have, usable - 4);
        parts.push(o.subarray(4, 4 + take));
        have += take;
        next = o.readUInt32BE(0);
      }
      if (have < size) return undefined;
    }
    return { rowid, bytes: Buffer.concat(parts) };
  }
}

/** SQLite's variable-length integer (1–9 bytes, big-endian 7 bits at a time, the ninth byte whole). */
function varint(b: Buffer, at: number): [number, number] {
  let v = 0n;
  for (let i = 0; i < 9; i++) {
    const byte = b[at + i];
    if (byte === undefined) throw new RangeError('varint past the end');
    if (i === 8) return [Number(BigInt.asIntN(64, (v << 8n) | BigInt(byte))), at + 9];
    v = (v << 7n) | BigInt(byte & 0x7f);
    if ((byte & 0x80) === 0) return [Number(BigInt.asIntN(64, v)), at + i + 1];
  }
  throw new RangeError('varint');
}

type Value = null | number | string | Buffer;
const intBytes = [0, 1, 2, 3, 4, 6, 8];

/** A record's values, or undefined when its header and body do not agree. */
function parseRecord(p: Buffer): Value[] | undefined {
  const [headerSize, first] = varint(p, 0);
  if (headerSize < 1 || headerSize > p.length) return undefined;
  const types: number[] = [];
  for (let at = first; at < headerSize;) {
    const [t, next] = varint(p, at);
    types.push(t);
    at = next;
  }
  const values: Value[] = [];
  let at = headerSize;
  for (const t of types) {
    if (t === 0) values.push(null);
    else if (t >= 1 && t <= 6) {
      const n = intBytes[t]!;
      if (at + n > p.length) return undefined;
      let v = 0n;
      for (let i = 0; i < n; i++) v = (v << 8n) | BigInt(p[at + i]!);
      values.push(Number(BigInt.asIntN(n * 8, v)));
      at += n;
    } else if (t === 7) {
      if (at + 8 > p.length) return undefined;
      values.push(p.readDoubleBE(at));
      at += 8;
    } else if (t === 8 || t === 9) values.push(t - 8);
    else if (t >= 12) {
      const n = (t - (t % 2 === 0 ? 12 : 13)) / 2;
      if (at + n > p.length) return undefined;
      const bytes = p.subarray(at, at + n);
      values.push(t % 2 === 0 ? Buffer.from(bytes) : bytes.toString('utf8'));
      at += n;
    } else return undefined;
  }
  return at === p.length ? values : undefined;
}

/** The record as a row of `s`, if it has the table's shape. */
function asRow(s: Shape, values: Value[], rowid: number): ScannedRow | undefined {
  const cols = s.columns;
  if (values.length > cols.length || values.length === 0) return undefined;
  // Older records may end before columns added later with a default.
  for (let i = values.length; i < cols.length; i++) if (!cols[i]!.hasDefault && cols[i]!.notNull) return undefined;
  const row: ScannedRow = {};
  for (let i = 0; i < values.length; i++) {
    const c = cols[i]!;
    const v = values[i]!;
    if (c.rowidAlias) {
      if (v !== null) return undefined;
      row[c.name] = rowid;
      continue;
    }
    if (v === null) {
      if (c.notNull) return undefined;
    } else if (c.type === 'INTEGER') {
      if (typeof v !== 'number' || !Number.isInteger(v)) return undefined;
    } else if (c.type === 'REAL') {
      if (typeof v !== 'number') return undefined;
    } else if (c.type === 'TEXT') {
      if (typeof v !== 'string') return undefined;
    } else if (c.type === 'BLOB') {
      if (!Buffer.isBuffer(v)) return undefined;
    }
    row[c.name] = v;
  }
  return row;
}
