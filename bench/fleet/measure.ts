import { readdirSync, readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** Clock ticks per second of /proc/<pid>/stat on Linux (USER_HZ; 100 on every mainstream build). */
const ticksPerSec = 100;

/** CPU seconds (user + system) used so far by a process and all its descendants that are still alive. */
export function treeCpuSeconds(rootPid: number): number {
  const stats = new Map<number, { ppid: number; cpu: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const text = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: the fields that follow start after the last ')'.
      const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(name), { ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12])) / ticksPerSec });
    } catch {
      // the process ended while we read
    }
  }
  let total = 0;
  const want = new Set([rootPid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, s] of stats) {
      if (!want.has(pid) && want.has(s.ppid)) {
        want.add(pid);
        grew = true;
      }
    }
  }
  for (const pid of want) total += stats.get(pid)?.cpu ?? 0;
  return total;
}

export interface PhaseFigures {
  wallMs: number;
  /** Share of one CPU the agents' process used (its main thread and the store workers). */
  agentCpuPct: number;
  kamailioCpuPct: number;
  loopP99Ms: number;
  loopMaxMs: number;
}

/** Measures one phase: wall time, CPU of this process and of Kamailio's process tree, event-loop delay. */
export async function measurePhase<T>(
  kamailioPid: number,
  run: () => Promise<T>,
): Promise<{ value: T } & PhaseFigures> {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const cpu0 = process.cpuUsage();
  const kam0 = treeCpuSeconds(kamailioPid);
  const t0 = performance.now();
  const value = await run();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const kam = treeCpuSeconds(kamailioPid) - kam0;
  loop.disable();
  return {
    value,
    wallMs,
    agentCpuPct: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
    kamailioCpuPct: ((kam * 1000) / wallMs) * 100,
    loopP99Ms: loop.percentile(99) / 1e6,
    loopMaxMs: loop.max / 1e6,
  };
}
