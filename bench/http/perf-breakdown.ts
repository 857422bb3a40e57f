// `--perf`, the analysis: which run each sample fell in, and what B costs per request more than
// A, by category and by symbol, compared within rounds as the CPU ratio is. A `.cpuprofile`
// shows JavaScript frames only; these samples also cover V8's builtins and runtime, GC and the
// kernel. Sampling is in perf-sampler.ts.
import { median } from '../micro/measure.js';

/** Sampling rate: a prime, so sampling does not beat with timers. */
export const PERF_HZ = 1999;

/** One run of one side, as the A/B loop timed it (seconds on the monotonic clock). */
export interface PerfWindow {
  readonly side: 'a' | 'b';
  readonly round: number;
  readonly from: number;
  readonly to: number;
  readonly requests: number;
}

export interface PerfSample {
  /** Seconds on the monotonic clock. */
  readonly time: number;
  readonly symbol: string;
  /** The binary, map file or `[kernel.kallsyms]` the symbol is in. */
  readonly dso: string;
}

// `   12345.678901:  7f3c382d15b8 JS:*onSendEnd /x/reply.js:599:20 (/tmp/perf-1.map)`
const SAMPLE_LINE = /^\s*(\d+\.\d+):\s+[0-9a-f]+\s+(.*?)\s+\(([^)]*)\)\s*$/;

export function parsePerfScript(text: string): PerfSample[] {
  const samples: PerfSample[] = [];
  for (const line of text.split('\n')) {
    const match = SAMPLE_LINE.exec(line);
    if (match !== null) samples.push({ time: Number(match[1]), symbol: match[2], dso: match[3] });
  }
  return samples;
}

/** A coarse bucket for a symbol: enough to tell the runner, promises, GC and the kernel apart. */
export function categoryOf(sample: PerfSample): string {
  const { symbol, dso } = sample;
  if (/nest-orchestrator\/dist|bench-routes/.test(symbol)) return 'orchestrator and bench routes';
  if (dso.includes('kernel')) return 'kernel';
  if (/Scaveng|Heap::|MarkCompact|ConcurrentMarking|Sweeper|Evacuat|Marking/.test(symbol)) {
    return 'garbage collection';
  }
  if (/Promise|Async|Microtask|Await|ResumeGenerator|async_hooks/.test(symbol)) {
    return 'promises and async hooks';
  }
  if (symbol.includes('node_modules')) return 'packages (Fastify, Nest, ...)';
  if (symbol.includes(' node:')) return 'Node.js core (JS)';
  if (symbol.startsWith('Builtins_')) return 'other V8 builtins';
  return 'other native';
}

export interface PerfRow {
  readonly name: string;
  /** Medians over runs of µs per request. */
  readonly a: number;
  readonly b: number;
  /** Median over rounds of B's µs per request minus A's. */
  readonly bOverA: number;
}

export interface PerfBreakdown {
  /** Every sample, then each category; by `bOverA`, largest first. */
  readonly categories: PerfRow[];
  /** Symbols, by `bOverA`, largest first. */
  readonly symbols: PerfRow[];
}

/** Costs per request of each category and symbol in each run, compared within rounds. */
export function perfBreakdown(
  samples: readonly PerfSample[],
  windows: readonly PerfWindow[],
  hz = PERF_HZ,
): PerfBreakdown {
  const ordered = [...windows].sort((x, y) => x.from - y.from);
  const counts = ordered.map(() => new Map<string, number>());
  const add = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  for (const sample of samples) {
    const index = windowAt(ordered, sample.time);
    if (index === -1) continue;
    add(counts[index], 'all samples');
    add(counts[index], `category:${categoryOf(sample)}`);
    add(counts[index], `symbol:${sample.symbol}`);
  }
  const usPerRequest = (index: number, key: string) =>
    ((counts[index].get(key) ?? 0) / hz / ordered[index].requests) * 1e6;
  // Each B run and the A run of its round, found once for every key.
  const pairs = ordered.flatMap((window, index) => {
    if (window.side !== 'b') return [];
    const partner = ordered.findIndex((w) => w.side === 'a' && w.round === window.round);
    return partner === -1 ? [] : [[index, partner] as const];
  });
  const keys = new Set(counts.flatMap((map) => [...map.keys()]));
  const rows: PerfRow[] = [];
  for (const key of keys) {
    const sideOf = (side: 'a' | 'b') =>
      ordered.flatMap((window, index) => (window.side === side ? [usPerRequest(index, key)] : []));
    rows.push({
      name: key,
      a: median(sideOf('a')),
      b: median(sideOf('b')),
      bOverA: median(pairs.map(([b, a]) => usPerRequest(b, key) - usPerRequest(a, key))),
    });
  }
  const byDifference = (x: PerfRow, y: PerfRow) => y.bOverA - x.bOverA;
  const strip = (prefix: string) =>
    rows
      .filter((row) => row.name.startsWith(prefix))
      .map((row) => ({ ...row, name: row.name.slice(prefix.length) }))
      .sort(byDifference);
  const total = rows.find((row) => row.name === 'all samples');
  return {
    categories: [...(total === undefined ? [] : [total]), ...strip('category:')],
    symbols: strip('symbol:'),
  };
}

/** Index of the window holding `time`, or -1 (between runs, or outside the rounds). */
function windowAt(windows: readonly PerfWindow[], time: number): number {
  let low = 0;
  let high = windows.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (windows[middle].to < time) low = middle + 1;
    else if (windows[middle].from > time) high = middle - 1;
    else return middle;
  }
  return -1;
}
