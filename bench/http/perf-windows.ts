// `--perf`: where the server's extra CPU per request goes, by category and by symbol. Linux `perf`
// samples the server (JIT frames named through `--perf-basic-prof-only-functions`) for the whole
// of a pair's measured rounds, on the monotonic clock; each sample is then given to the A or B run
// it fell in, and costs are per request in that run, compared within a round as the CPU ratio is.
// A `.cpuprofile` shows JavaScript frames only; this also shows V8's builtins and runtime, GC and
// the kernel. `perf` must be installed (Debian's `linux-perf`) and allowed to attach.
import { spawn, type ChildProcess } from 'node:child_process';
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

/** Seconds on the clock `perf record -k CLOCK_MONOTONIC` stamps samples with. */
export function monotonicSeconds(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

/** Samples the process `pid` into `file` until `stop`. */
export function recordPerf(pid: number, file: string): { stop(): Promise<void> } {
  const child: ChildProcess = spawn(
    'perf',
    ['record', '-F', String(PERF_HZ), '-k', 'CLOCK_MONOTONIC', '-p', String(pid), '-o', file],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(signal ?? String(code)));
  });
  return {
    async stop() {
      child.kill('SIGINT');
      // perf writes its file on SIGINT and then ends by that signal.
      const how = await exited;
      if (how !== '0' && how !== 'SIGINT') {
        throw new Error(`perf record failed (${how}):\n${stderr}`);
      }
    },
  };
}

/** The samples in `file`, from `perf script` (its innermost frame only). */
export async function readPerf(file: string): Promise<PerfSample[]> {
  const child = spawn('perf', ['script', '-i', file, '-G', '-F', 'time,ip,sym,dso'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  return parsePerfScript(text);
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
  const keys = new Set(counts.flatMap((map) => [...map.keys()]));
  const rows: PerfRow[] = [];
  for (const key of keys) {
    const sideOf = (side: 'a' | 'b') =>
      ordered.flatMap((window, index) => (window.side === side ? [usPerRequest(index, key)] : []));
    const differences: number[] = [];
    for (const [index, window] of ordered.entries()) {
      if (window.side !== 'b') continue;
      const partner = ordered.findIndex((w) => w.side === 'a' && w.round === window.round);
      if (partner !== -1) differences.push(usPerRequest(index, key) - usPerRequest(partner, key));
    }
    rows.push({
      name: key,
      a: median(sideOf('a')),
      b: median(sideOf('b')),
      bOverA: median(differences),
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

export function formatPerfBreakdown(
  breakdown: PerfBreakdown,
  sides: readonly [string, string],
  topSymbols = 25,
): string {
  const cell = (value: number) => value.toFixed(2).padStart(8);
  const line = (row: PerfRow) =>
    `${cell(row.a)} ${cell(row.b)} ${(row.bOverA >= 0 ? '+' : '') + row.bOverA.toFixed(2)}`.padEnd(
      30,
    ) + `  ${row.name}`;
  const head = `${'A'.padStart(8)} ${'B'.padStart(8)} B − A, µs per request (perf's own cost included)`;
  return [
    `A: ${sides[0]}, B: ${sides[1]}; samples at ${PERF_HZ} Hz, medians of same-round differences`,
    head,
    ...breakdown.categories.map(line),
    '',
    `symbols with the largest B − A:`,
    ...breakdown.symbols.slice(0, topSymbols).map(line),
  ].join('\n');
}
