import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { SourceMapConsumer, type RawSourceMap } from 'source-map-js';
import { formatRow, summarise } from '../support/stats';

/**
 * Where a callee page's time goes between the call reaching the page and the ringing card in the DOM
 * (`--trace=N`): a Chromium performance trace (tasks, style, layout, paint, GC) and a V8 CPU profile sampled every
 * 50 µs, both on the renderer's one clock, recorded across N rings. The page marks the two instants with
 * `performance.mark` only while `window.__traceMarks` is set, so ordinary runs carry no marks.
 */
export const callInMark = 'diadema-call-in';
export const ringShownMark = 'diadema-ring-shown';

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: Record<string, unknown>;
}
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  parent?: number;
}
interface CpuProfile {
  nodes: Array<ProfileNode & { children?: number[] }>;
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const categories = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'blink.user_timing',
  'v8.execute',
  'v8',
  'toplevel',
];

/** Starts recording on `page`; the returned function stops and returns both recordings. */
export async function startRingTrace(
  page: Page,
): Promise<() => Promise<{ events: TraceEvent[]; profile: CpuProfile }>> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  await page.evaluate(() => {
    (window as unknown as { __traceMarks: boolean }).__traceMarks = true;
  });
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (d) => void events.push(...(d.value as unknown as TraceEvent[])));
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: categories }, transferMode: 'ReportEvents' });
  await cdp.send('Profiler.start');
  return async () => {
    const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
    const done = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
    await cdp.send('Tracing.end');
    await done;
    await page.evaluate(() => {
      (window as unknown as { __traceMarks: boolean }).__traceMarks = false;
    });
    await cdp.detach();
    return { events, profile };
  };
}

/** Source file of a bundled frame, through the renderer bundle's source maps; the bucket a frame's time goes to. */
function frameBucket(distDir: string): (f: ProfileNode['callFrame']) => string {
  const maps = new Map<string, SourceMapConsumer | null>();
  const consumer = (url: string) => {
    const file = /\/assets\/([^/?#]+\.js)/.exec(url)?.[1];
    if (!file) return null;
    if (!maps.has(file)) {
      try {
        const raw = JSON.parse(readFileSync(path.join(distDir, 'assets', `${file}.map`), 'utf8')) as RawSourceMap;
        maps.set(file, new SourceMapConsumer(raw));
      } catch {
        maps.set(file, null);
      }
    }
    return maps.get(file) ?? null;
  };
  return (f) => {
    if (!f.url) return f.functionName ? `(${f.functionName.replace(/[()]/g, '')})` : '(native)';
    const map = consumer(f.url);
    if (!map) return f.url.startsWith('pptr:') || f.url.startsWith('__') ? '(bench probe)' : '(other script)';
    const pos = map.originalPositionFor({ line: f.lineNumber + 1, column: f.columnNumber });
    const src = (pos.source ?? '').replace(/^(\.\.\/)+/, '');
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(src)?.[1];
    return pkg ? `${pkg}` : `${src}${pos.name ? ` ${pos.name}` : ''}`;
  };
}

const timelineNames: Record<string, string> = {
  UpdateLayoutTree: 'style',
  Layout: 'layout',
  Paint: 'paint',
  PrePaint: 'paint',
  Commit: 'paint',
  MinorGC: 'GC',
  MajorGC: 'GC',
  'V8.GCScavenger': 'GC',
  'V8.GCFinalizeMC': 'GC',
  ParseHTML: 'parse html',
  'v8.compile': 'compile',
  'V8.DeserializeContext': 'compile',
};

/**
 * Per ring: window from the call-in mark to the ring-shown mark on the page's main thread. Prints how long the
 * main thread ran tasks in it (the rest it waited: for the scheduler's next task, or idle), the time in style,
 * layout, paint and GC, and the JS self time by source (sampled), summed over the rings and per ring.
 */
export function printRingTrace(rec: { events: TraceEvent[]; profile: CpuProfile }, distDir: string): void {
  const { events, profile } = rec;
  const marks = events.filter((e) => e.name === callInMark || e.name === ringShownMark).sort((a, b) => a.ts - b.ts);
  const main = marks[0];
  if (!main) {
    console.log('ring trace: no marks recorded');
    return;
  }
  const windows: Array<[number, number]> = [];
  let open: number | undefined;
  for (const m of marks) {
    if (m.name === callInMark) open = m.ts;
    else if (open !== undefined) {
      windows.push([open, m.ts]);
      open = undefined;
    }
  }
  const onMain = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined);
  const overlap = (e: { ts: number; dur?: number }, [a, b]: [number, number]) =>
    Math.max(0, Math.min(b, e.ts + (e.dur ?? 0)) - Math.max(a, e.ts));
  const tasks = onMain
    .filter((e) => e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask')
    .sort((a, b) => a.ts - b.ts);
  const bucketOf = frameBucket(distDir);
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const bucketCache = new Map<number, string>();
  const nodeBucket = (id: number) => {
    let b = bucketCache.get(id);
    if (b === undefined) {
      b = bucketOf(nodes.get(id)!.callFrame);
      bucketCache.set(id, b);
    }
    return b;
  };
  const sampleTimes: number[] = [];
  let t = profile.startTime;
  for (const d of profile.timeDeltas) sampleTimes.push((t += d));
  const total = { window: [] as number[], busy: [] as number[] };
  const byKind = new Map<string, number>();
  const byJs = new Map<string, number>();
  for (const w of windows) {
    total.window.push((w[1] - w[0]) / 1000);
    // Tasks nest (a task runner's task around the task): count the union of their spans.
    let busy = 0;
    let reach = w[0];
    for (const e of tasks) {
      const from = Math.max(reach, e.ts, w[0]);
      const to = Math.min(w[1], e.ts + (e.dur ?? 0));
      if (to > from) busy += to - from;
      reach = Math.max(reach, to);
    }
    total.busy.push(busy / 1000);
    for (const e of onMain) {
      const kind = timelineNames[e.name];
      if (kind) byKind.set(kind, (byKind.get(kind) ?? 0) + overlap(e, w) / 1000);
    }
    for (let i = 0; i < profile.samples.length; i++) {
      const at = sampleTimes[i]!;
      if (at < w[0] || at > w[1]) continue;
      const next = sampleTimes[i + 1] ?? at;
      const b = nodeBucket(profile.samples[i]!);
      byJs.set(b, (byJs.get(b) ?? 0) + Math.min(1, (next - at) / 1000));
    }
  }
  // Inclusive time of each kind of trace event on the main thread (nested events count in their parents too).
  const byEvent = new Map<string, number>();
  for (const w of windows)
    for (const e of onMain) {
      const o = overlap(e, w);
      if (o > 0) byEvent.set(e.name, (byEvent.get(e.name) ?? 0) + o / 1000);
    }
  const n = windows.length;
  console.log(`ring trace: call in page → ringing card in the DOM, ${n} rings (ms)`);
  console.log(formatRow('  window', summarise(total.window), 'ms'));
  console.log(formatRow('  main thread running a task', summarise(total.busy), 'ms'));
  console.log('  per ring, mean ms:');
  for (const [k, v] of [...byKind].sort((a, b) => b[1] - a[1]))
    console.log(`    ${k.padEnd(54)} ${(v / n).toFixed(2)}`);
  console.log('  trace events on the main thread (inclusive), per ring, mean ms:');
  for (const [k, v] of [...byEvent].sort((a, b) => b[1] - a[1]).slice(0, 12))
    console.log(`    ${k.slice(0, 54).padEnd(54)} ${(v / n).toFixed(2)}`);
  const sampled = [...byJs.values()].reduce((a, b) => a + b, 0);
  console.log(
    `  JS and V8 self time by source (sampled every 50 µs; ${(sampled / n).toFixed(2)} ms per ring in all), mean ms:`,
  );
  for (const [k, v] of [...byJs].sort((a, b) => b[1] - a[1]).slice(0, 25))
    console.log(`    ${k.slice(0, 54).padEnd(54)} ${(v / n).toFixed(2)}`);
}
