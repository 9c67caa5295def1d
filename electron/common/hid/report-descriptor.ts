/**
 * A USB HID report-descriptor parser (HID 1.11 §6.2.2): short items (main, global, local), long items skipped,
 * push/pop, nested collections, report IDs, usages (16-bit and extended 32-bit) and usage ranges, signed logical
 * ranges. The usage page of a 16-bit usage is bound when the main item is reached, as Linux does, so the Jabra
 * "Programmable Button then Usage Page (Button)" case reads as Button 7.
 */
export type FieldKind = 'input' | 'output' | 'feature';
export interface FieldFlags {
  constant: boolean;
  variable: boolean;
  relative: boolean;
  nullState: boolean;
  preferred: boolean;
}
export interface CollectionRef {
  usagePage: number;
  usage: number;
  type: number;
}
export interface ReportField {
  kind: FieldKind;
  reportId: number;
  /** Offset in bits within the report payload, after the report-ID byte. */
  bitOffset: number;
  bitSize: number;
  count: number;
  flags: FieldFlags;
  /** Full 32-bit usages (page << 16 | id), one per element for variable fields; the list for arrays. */
  usages: number[];
  usageMin?: number;
  usageMax?: number;
  logicalMin: number;
  logicalMax: number;
  /** Application collection at the top, innermost last. */
  collections: CollectionRef[];
}
export interface ParsedDescriptor {
  fields: ReportField[];
  usesReportIds: boolean;
  topLevel: CollectionRef[];
}

export class DescriptorError extends Error {
  constructor(
    readonly code: 'truncated' | 'unbalanced' | 'bad-item' | 'empty' | 'too-large',
    readonly offset: number,
  ) {
    super(`report descriptor ${code} at byte ${offset}`);
    this.name = 'DescriptorError';
  }
}

interface Globals {
  usagePage: number;
  logicalMin: number;
  logicalMax: number;
  reportSize: number;
  reportCount: number;
  reportId: number;
}

const signed = (v: number, size: number) => (size === 1 ? (v << 24) >> 24 : size === 2 ? (v << 16) >> 16 : v | 0);

export function parseReportDescriptor(bytes: Uint8Array): ParsedDescriptor {
  if (bytes.length === 0) throw new DescriptorError('empty', 0);
  if (bytes.length > 16384) throw new DescriptorError('too-large', 16384);
  const fields: ReportField[] = [];
  const topLevel: CollectionRef[] = [];
  const stack: Globals[] = [];
  let g: Globals = { usagePage: 0, logicalMin: 0, logicalMax: 0, reportSize: 0, reportCount: 0, reportId: 0 };
  let usages: Array<{ value: number; extended: boolean }> = [];
  let usageMin: { value: number; extended: boolean } | undefined;
  let usageMax: { value: number; extended: boolean } | undefined;
  const collections: CollectionRef[] = [];
  const offsets = new Map<string, number>();
  let usesReportIds = false;
  const resetLocals = () => {
    usages = [];
    usageMin = undefined;
    usageMax = undefined;
  };
  const full = (u: { value: number; extended: boolean }) =>
    u.extended ? u.value >>> 0 : ((g.usagePage << 16) | (u.value & 0xffff)) >>> 0;

  let i = 0;
  while (i < bytes.length) {
    const prefix = bytes[i]!;
    if (prefix === 0xfe) {
      // Long item: size byte, tag byte, data. None are defined; skip it whole.
      if (i + 2 >= bytes.length) throw new DescriptorError('truncated', i);
      const size = bytes[i + 1]!;
      if (i + 3 + size > bytes.length) throw new DescriptorError('truncated', i);
      i += 3 + size;
      continue;
    }
    const sizeCode = prefix & 3;
    const size = sizeCode === 3 ? 4 : sizeCode;
    const type = (prefix >> 2) & 3;
    const tag = prefix >> 4;
    if (i + 1 + size > bytes.length) throw new DescriptorError('truncated', i);
    let data = 0;
    for (let k = 0; k < size; k++) data |= bytes[i + 1 + k]! << (8 * k);
    data >>>= 0;
    const at = i;
    i += 1 + size;
    if (type === 0) {
      if (tag === 8 || tag === 9 || tag === 11) {
        const kind: FieldKind = tag === 8 ? 'input' : tag === 9 ? 'output' : 'feature';
        const flags: FieldFlags = {
          constant: (data & 1) !== 0,
          variable: (data & 2) !== 0,
          relative: (data & 4) !== 0,
          preferred: (data & 0x20) === 0,
          nullState: (data & 0x40) !== 0,
        };
        const key = `${kind}:${g.reportId}`;
        const bitOffset = offsets.get(key) ?? 0;
        const bits = g.reportSize * g.reportCount;
        if (bits > 65536) throw new DescriptorError('bad-item', at);
        offsets.set(key, bitOffset + bits);
        const list = usages.map(full);
        if (usageMin && usageMax && flags.variable) {
          const lo = full(usageMin),
            hi = full(usageMax);
          for (let u = lo; u <= hi && list.length < 4096; u++) list.push(u);
        }
        fields.push({
          kind,
          reportId: g.reportId,
          bitOffset,
          bitSize: g.reportSize,
          count: g.reportCount,
          flags,
          usages: list,
          ...(usageMin ? { usageMin: full(usageMin) } : {}),
          ...(usageMax ? { usageMax: full(usageMax) } : {}),
          logicalMin: g.logicalMin,
          logicalMax: g.logicalMax,
          collections: [...collections],
        });
        resetLocals();
      } else if (tag === 10) {
        const u = usages[0] ? full(usages[0]) : (g.usagePage << 16) >>> 0;
        const ref = { usagePage: u >>> 16, usage: u & 0xffff, type: data & 0xff };
        if (collections.length === 0) topLevel.push(ref);
        collections.push(ref);
        resetLocals();
      } else if (tag === 12) {
        if (collections.length === 0) throw new DescriptorError('unbalanced', at);
        collections.pop();
        resetLocals();
      } else {
        throw new DescriptorError('bad-item', at);
      }
    } else if (type === 1) {
      switch (tag) {
        case 0:
          g.usagePage = data & 0xffff;
          break;
        case 1:
          g.logicalMin = signed(data, size);
          break;
        case 2:
          g.logicalMax = g.logicalMin < 0 ? signed(data, size) : data;
          break;
        case 7:
          g.reportSize = data;
          break;
        case 8:
          if (data === 0 || data > 255) throw new DescriptorError('bad-item', at);
          g.reportId = data;
          usesReportIds = true;
          break;
        case 9:
          g.reportCount = data;
          break;
        case 10:
          stack.push({ ...g });
          break;
        case 11: {
          const top = stack.pop();
          if (!top) throw new DescriptorError('unbalanced', at);
          g = top;
          break;
        }
        default:
          break; // physical range, unit, unit exponent: not needed for telephony
      }
    } else if (type === 2) {
      const u = { value: data, extended: size === 4 };
      if (tag === 0) usages.push(u);
      else if (tag === 1) usageMin = u;
      else if (tag === 2) usageMax = u;
    } else {
      throw new DescriptorError('bad-item', at);
    }
  }
  if (collections.length !== 0) throw new DescriptorError('unbalanced', bytes.length);
  if (stack.length !== 0) throw new DescriptorError('unbalanced', bytes.length);
  return { fields, usesReportIds, topLevel };
}

export function hexToBytes(hex: string): Uint8Array {
  const clean = hex.replace(/[\s:,-]|0x/gi, '');
  if (clean.length % 2 !== 0 || /[^0-9a-f]/i.test(clean)) throw new Error('not a hex string');
  const out = new Uint8Array(clean.length / 2);
  for (let k = 0; k < out.length; k++) out[k] = parseInt(clean.slice(2 * k, 2 * k + 2), 16);
  return out;
}
export const bytesToHex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
