// Time, allocation and leak measurements. Timing uses tinybench (warm-up, then measured
// iterations); each iteration runs a batch of runs back to back so the timer's own cost and
// tinybench's await are spread over many runs and cancel out against the floor.
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Bench } from 'tinybench';

export interface Measurable {
  readonly id: string;
  readonly ops: number;
  readonly concurrency: number;
  /**
   * `wall`: elapsed time. `cpu`: this process's CPU time (user + system), for cases that wait on
   * a real timer: the wait costs no CPU, so what remains is the work of the path itself.
   */
  readonly clock: 'wall' | 'cpu';
  readonly call: () => Promise<unknown>;
}

export interface TimingOptions {
  /** Measured rounds; every case runs once per round, and its figure is the median of rounds. */
  readonly rounds: number;
  /** tinybench time budget per case per round (ms) and minimum iterations. */
  readonly timeMs: number;
  readonly iterations: number;
  readonly warmupMs: number;
  readonly warmupIterations: number;
  /** An unrecorded first round with this much warm-up per case, so the JIT settles. */
  readonly firstWarmupMs: number;
  /** Operations per iteration: runs per batch = max(1, round(batchOps / ops)). */
  readonly batchOps: number;
}

/** Runs back to back in one tinybench iteration; the same for a floor and its variants. */
export function batchSize(item: Measurable, batchOps: number): number {
  return item.concurrency > 1 ? 1 : Math.max(1, Math.round(batchOps / item.ops));
}

function task(item: Measurable, batch: number): () => Promise<unknown> {
  const call = item.call;
  if (item.clock === 'cpu') {
    return async () => {
      const before = process.cpuUsage();
      for (let i = 0; i < batch; i++) await call();
      const used = process.cpuUsage(before);
      // tinybench records this instead of the wall time it measured (ms).
      return { overriddenDuration: (used.user + used.system) / 1000 };
    };
  }
  return async () => {
    for (let i = 0; i < batch; i++) await call();
  };
}

/**
 * ns per run of every item, one value per measured round (the median latency of that round's
 * iterations divided by runs per iteration). Odd rounds run the items in reverse order, so slow
 * drift on a busy machine does not always favour the same side.
 */
export async function timeRounds(
  items: readonly Measurable[],
  options: TimingOptions,
  progress: (round: number, of: number) => void = () => undefined,
): Promise<Map<string, number[]>> {
  const perRound = new Map<string, number[]>(items.map((item) => [item.id, []]));
  for (let round = 0; round <= options.rounds; round++) {
    const warmupOnly = round === 0;
    progress(round, options.rounds);
    const bench = new Bench({
      time: warmupOnly ? 0 : options.timeMs,
      iterations: warmupOnly ? 1 : options.iterations,
      warmupTime: warmupOnly ? options.firstWarmupMs : options.warmupMs,
      warmupIterations: options.warmupIterations,
      throws: true,
    });
    const order = round % 2 === 1 ? [...items].reverse() : items;
    for (const item of order) {
      bench.add(item.id, task(item, batchSize(item, options.batchOps)), { async: true });
    }
    await bench.run();
    if (warmupOnly) continue;
    for (const item of items) {
      const result = bench.getTask(item.id)?.result;
      if (result === undefined || !('latency' in result)) {
        throw new Error(`tinybench produced no latency for ${item.id} (${result?.state})`);
      }
      const runs = batchSize(item, options.batchOps) * item.concurrency;
      perRound.get(item.id)!.push((result.latency.p50 * 1e6) / runs);
    }
  }
  return perRound;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// ---------------------------------------------------------------------------------------------
// Heap
//
// Node 20 has no `total_allocated_bytes` in v8.getHeapStatistics(), so allocation is measured as
// the growth of `heapUsed` over a window of runs that starts right after a full GC and contains
// no GC at all (checked with a 'gc' PerformanceObserver: a window a scavenge ran in is thrown
// away, because a scavenge frees the window's garbage and the delta would under-count). V8
// counts a young-generation object in `heapUsed` as soon as it is bump-allocated, so such a
// window gives the bytes allocated per run. Right after a full GC the young generation is small
// (~1 MB), so windows are sized to allocate about `windowBytes`. The figure includes what the
// measuring loop's own `await` allocates; that part is the same for a case and its floor.
// ---------------------------------------------------------------------------------------------

export interface GcAccess {
  readonly gc: () => void;
  /** How `gc` was obtained: `--expose-gc`, or switched on at run time (tests). */
  readonly source: 'expose-gc' | 'setFlagsFromString';
}

export function gcAccess(): GcAccess {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return { gc: exposed, source: 'expose-gc' };
  v8.setFlagsFromString('--expose-gc');
  return { gc: vm.runInNewContext('gc') as () => void, source: 'setFlagsFromString' };
}

const gcStarts: number[] = [];
let gcObserver: PerformanceObserver | undefined;

function watchGc(): void {
  if (gcObserver !== undefined) return;
  gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcStarts.push(entry.startTime);
    if (gcStarts.length > 10_000) gcStarts.splice(0, gcStarts.length - 1000);
  });
  gcObserver.observe({ entryTypes: ['gc'] });
}

export function stopWatchingGc(): void {
  gcObserver?.disconnect();
  gcObserver = undefined;
}

/** Lets timers and the GC observer's queued entries be delivered. */
const settle = () => sleep(1);

const heapUsed = () => process.memoryUsage().heapUsed;

export interface AllocationOptions {
  readonly windows: number;
  readonly windowBytes: number;
  readonly maxCalls: number;
}

export interface Allocation {
  /** Median over GC-free windows; NaN when none was GC-free. */
  readonly bytesPerRun: number;
  readonly windows: number;
  readonly callsPerWindow: number;
}

async function window(
  item: Measurable,
  calls: number,
  gc: () => void,
): Promise<number | undefined> {
  const call = item.call;
  gc();
  await settle();
  const t0 = performance.now();
  const h0 = heapUsed();
  for (let i = 0; i < calls; i++) await call();
  const h1 = heapUsed();
  const t1 = performance.now();
  await settle();
  await settle();
  if (gcStarts.some((start) => start >= t0 && start <= t1)) return undefined;
  return (h1 - h0) / (calls * item.concurrency);
}

export async function allocatedPerRun(
  item: Measurable,
  options: AllocationOptions,
  { gc }: GcAccess,
): Promise<Allocation> {
  watchGc();
  // A small probe sizes the windows.
  let probe: number | undefined;
  for (let calls = 16; probe === undefined && calls >= 1; calls >>= 1) {
    probe = await window(item, calls, gc);
  }
  const perCall = Math.max(64, (probe ?? 4096) * item.concurrency);
  const calls = Math.max(1, Math.min(options.maxCalls, Math.floor(options.windowBytes / perCall)));
  const samples: number[] = [];
  for (let i = 0; i < options.windows; i++) {
    const bytes = await window(item, calls, gc);
    if (bytes !== undefined) samples.push(bytes);
  }
  return { bytesPerRun: median(samples), windows: samples.length, callsPerWindow: calls };
}

export interface LeakResult {
  readonly runs: number;
  /** heapUsed after a full GC, at each checkpoint (the first is right after warm-up). */
  readonly checkpoints: { runs: number; heapUsed: number }[];
  readonly growthBytes: number;
  readonly bytesPerRun: number;
}

async function heapAfterGc(gc: () => void): Promise<number> {
  await settle();
  gc();
  gc();
  return heapUsed();
}

/** Runs `call` `runs` times one after another and reports heap-after-GC growth. */
export async function leakCheck(
  call: () => Promise<unknown>,
  runs: number,
  warmupRuns: number,
  { gc }: GcAccess,
  checkpointsCount = 4,
): Promise<LeakResult> {
  for (let i = 0; i < warmupRuns; i++) await call();
  const checkpoints = [{ runs: 0, heapUsed: await heapAfterGc(gc) }];
  const step = Math.max(1, Math.ceil(runs / checkpointsCount));
  for (let done = 0; done < runs;) {
    const until = Math.min(runs, done + step);
    for (; done < until; done++) await call();
    checkpoints.push({ runs: done, heapUsed: await heapAfterGc(gc) });
  }
  const growthBytes = checkpoints[checkpoints.length - 1].heapUsed - checkpoints[0].heapUsed;
  return { runs, checkpoints, growthBytes, bytesPerRun: growthBytes / runs };
}
