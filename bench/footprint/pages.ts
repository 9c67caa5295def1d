import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';

/**
 * Resident memory of a group of processes, read from /proc (Linux, root for page frame numbers).
 *
 * - distinct: the resident pages of all the processes together, each physical page counted once (the union of
 *   their page frame numbers from /proc/<pid>/pagemap). What the group costs the machine: a shared library page
 *   mapped by ten processes counts once, a page shared with a process outside the group counts too.
 * - pss: the sum of the processes' proportional set sizes (a shared page split among all its users).
 * - uss: the sum of their private pages.
 */
export interface ProcessMemory {
  pid: number;
  name: string;
  /** Chromium's `--type=` (browser, renderer, gpu-process, utility, zygote, …) or the command. */
  role: string;
  rssKiB: number;
  pssKiB: number;
  ussKiB: number;
}
export interface GroupMemory {
  processes: ProcessMemory[];
  distinctKiB: number;
  pssKiB: number;
  ussKiB: number;
}

const pageKiB = 4;

/** Every pid whose parent chain reaches `root` (root included). */
export function processTree(root: number): number[] {
  const parent = new Map<number, number>();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue;
      parent.set(Number(e), Number(fields[1]));
    } catch {
      // Gone while reading.
    }
  }
  const out = new Set<number>([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, ppid] of parent)
      if (!out.has(pid) && out.has(ppid)) {
        out.add(pid);
        grew = true;
      }
  }
  return [...out].filter((p) => parent.has(p));
}

function roleOf(pid: number): { name: string; role: string } {
  const name = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  // Chromium rewrites its helpers' command lines into one space-separated string.
  const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/);
  const type = cmd.find((a) => a.startsWith('--type='))?.slice('--type='.length);
  const util = cmd.find((a) => a.startsWith('--utility-sub-type='))?.slice('--utility-sub-type='.length);
  return { name, role: type ? (util ? `${type} (${util.split('.').at(-1) ?? util})` : type) : name };
}

/** Resident ranges (start page, page count) of a process: its mappings with a non-zero Rss. */
function residentRanges(pid: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let current: [number, number] | undefined;
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const range = /^([0-9a-f]+)-([0-9a-f]+) /.exec(line);
    if (range) {
      const start = parseInt(range[1]!, 16) / 4096;
      current = [start, parseInt(range[2]!, 16) / 4096 - start];
      continue;
    }
    if (current && line.startsWith('Rss:') && Number(line.split(/\s+/)[1]) > 0) out.push(current);
  }
  return out;
}

/** Adds the page frame numbers of `pid`'s present pages to `frames`. */
function addFrames(pid: number, frames: Set<number>): void {
  const fd = openSync(`/proc/${pid}/pagemap`, 'r');
  try {
    const chunkPages = 1 << 16;
    const buf = Buffer.alloc(chunkPages * 8);
    for (const [start, count] of residentRanges(pid)) {
      for (let done = 0; done < count; done += chunkPages) {
        const n = Math.min(chunkPages, count - done);
        const got = readSync(fd, buf, 0, n * 8, (start + done) * 8);
        for (let i = 0; i + 8 <= got; i += 8) {
          const hi = buf.readUInt32LE(i + 4);
          if (!(hi & 0x80000000)) continue; // not present
          const pfn = (hi & 0x7fffff) * 2 ** 32 + buf.readUInt32LE(i); // bits 0–54
          if (pfn !== 0) frames.add(pfn);
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

function rollup(pid: number): { rss: number; pss: number; uss: number } {
  const kb = (text: string, key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
  const t = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  return { rss: kb(t, 'Rss'), pss: kb(t, 'Pss'), uss: kb(t, 'Private_Clean') + kb(t, 'Private_Dirty') };
}

/** Memory of the given processes now. Page frame numbers read as 0 without root: then `distinctKiB` is 0. */
export function groupMemory(pids: number[]): GroupMemory {
  const frames = new Set<number>();
  const processes: ProcessMemory[] = [];
  for (const pid of pids) {
    try {
      const r = rollup(pid);
      processes.push({ pid, ...roleOf(pid), rssKiB: r.rss, pssKiB: r.pss, ussKiB: r.uss });
      addFrames(pid, frames);
    } catch {
      // Exited while being read.
    }
  }
  return {
    processes,
    distinctKiB: frames.size * pageKiB,
    pssKiB: processes.reduce((s, p) => s + p.pssKiB, 0),
    ussKiB: processes.reduce((s, p) => s + p.ussKiB, 0),
  };
}
