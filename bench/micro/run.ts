// Runs the whole micro benchmark and returns its report; the CLI (micro.bench.ts) and the smoke
// test (test/bench-smoke.spec.ts) both call `runMicro`.
import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { loadAverage, machine } from '../machine.js';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildCases,
  TARGET_LINE,
  TARGET_NS_PER_OP,
  TARGET_NS_PER_RUN,
  type BenchCase,
} from './cases.js';
import {
  allocatedPerRun,
  gcAccess,
  leakCheck,
  stopWatchingGc,
  timeRounds,
  type AllocationOptions,
  type TimingOptions,
} from './measure.js';
import { loadPrometheusHook, type ObserverHook } from './prometheus.hook.js';
import {
  buildRows,
  costLines,
  heapFlatness,
  LEAK_LIMIT_BYTES,
  verdicts,
  type LeakRow,
  type MicroReport,
} from './report.js';
import { writeReportJson } from '../results-file.js';
import { timingOrder } from './order.js';

export interface MicroOptions {
  readonly mode: 'full' | 'quick';
  readonly timing: TimingOptions;
  readonly allocation: AllocationOptions;
  readonly leakRuns: number;
  readonly leakWarmupRuns: number;
  /** Only cases whose id contains one of these (their floors are always kept). */
  readonly filter?: readonly string[];
  /** Print progress to stderr. */
  readonly log?: (line: string) => void;
  /** Replaces the Prometheus hook (tests). */
  readonly prometheus?: ObserverHook;
}

/** ~1 minute on 2 busy cores: 7 rounds of ~80 cases, then heap windows and 2 × 1M leak runs. */
export const FULL: Omit<MicroOptions, 'mode'> = {
  timing: {
    rounds: 7,
    timeMs: 40,
    iterations: 16,
    warmupMs: 10,
    warmupIterations: 4,
    firstWarmupMs: 60,
    batchOps: 300,
  },
  allocation: { windows: 7, windowBytes: 512 * 1024, maxCalls: 20_000 },
  leakRuns: 1_000_000,
  leakWarmupRuns: 20_000,
};

/** Seconds, for the smoke test: every row, no meaningful numbers. */
export const QUICK: Omit<MicroOptions, 'mode'> = {
  timing: {
    rounds: 2,
    timeMs: 0,
    iterations: 2,
    warmupMs: 0,
    warmupIterations: 1,
    firstWarmupMs: 0,
    batchOps: 3,
  },
  allocation: { windows: 2, windowBytes: 64 * 1024, maxCalls: 50 },
  leakRuns: 400,
  leakWarmupRuns: 100,
};

/**
 * Rows measured only when a filter names them with `tracing`: an SDK's AsyncLocalStorage turns
 * on promise hooks for the whole process, and once they ran every other row in the same run
 * allocated more per promise and slowed down (the fan-out-4 floor 398 → 773 ns).
 */
const SOLO_VARIANTS: readonly string[] = ['tracing-sdk'];

function asked(c: BenchCase, filter: readonly string[] | undefined): boolean {
  return filter?.some((part) => part.includes('tracing') && c.id.includes(part)) ?? false;
}

function selected(cases: readonly BenchCase[], filter?: readonly string[]): BenchCase[] {
  const pool = cases.filter((c) => !SOLO_VARIANTS.includes(c.variant) || asked(c, filter));
  if (filter === undefined || filter.length === 0) return pool;
  const byId = new Map(pool.map((c) => [c.id, c]));
  // A case, the row it is compared with, and that row's own floor (keyed → runner → floor).
  const wanted = new Set(
    pool
      .filter((c) => filter.some((part) => c.id.includes(part)))
      .flatMap((c) => [c.id, c.floor, byId.get(c.floor)?.floor ?? c.floor]),
  );
  return pool.filter((c) => wanted.has(c.id));
}

export async function runMicro(options: MicroOptions): Promise<MicroReport> {
  const log = options.log ?? (() => undefined);
  const gc = gcAccess();
  const prometheus = options.prometheus ?? (await loadPrometheusHook());

  const set = await buildCases(prometheus);
  try {
    const cases = selected(set.cases, options.filter);
    const live = cases.filter((c) => c.skipped === undefined);
    for (const c of live) await c.check();
    log(`${live.length} cases checked; timing ${options.timing.rounds} rounds (+1 warm-up)`);

    const started = Date.now();
    const timings = await timeRounds(timingOrder(live), options.timing, (round, of) =>
      log(round === 0 ? 'warm-up round' : `round ${round}/${of}`),
    );
    log(`timing took ${((Date.now() - started) / 1000).toFixed(1)} s; measuring heap per run`);

    const heap = new Map<string, number>();
    for (const c of live) {
      heap.set(c.id, (await allocatedPerRun(c, options.allocation, gc)).bytesPerRun);
    }

    const leaks: LeakRow[] = [];
    const leakCases = options.filter === undefined || options.filter.length === 0 ? set.leak : [];
    for (const leak of leakCases) {
      log(`leak check ${leak.id}: ${options.leakRuns.toLocaleString('en-US')} runs`);
      const result = await leakCheck(leak.call, options.leakRuns, options.leakWarmupRuns, gc);
      leaks.push({
        ...result,
        id: leak.id,
        description: leak.description,
        limitBytes: LEAK_LIMIT_BYTES,
        pass: result.growthBytes < LEAK_LIMIT_BYTES,
      });
    }

    const rows = buildRows(cases, timings, heap);
    const flat = heapFlatness(rows);
    return {
      meta: {
        mode: options.mode,
        ...machine(),
        loadAverage: loadAverage(),
        rounds: options.timing.rounds,
        timing: options.timing,
        allocation: options.allocation,
        gc: gc.source,
        prometheus: 'on',
      },
      rows,
      costLines: costLines(rows),
      heapFlatness: flat,
      leaks,
      verdicts: verdicts(rows, flat, leaks, TARGET_NS_PER_OP, TARGET_NS_PER_RUN, TARGET_LINE),
      floorSources: set.floorSources,
    };
  } finally {
    stopWatchingGc();
    await set.close();
  }
}

/** The repository root: the nearest folder above this file holding package.json. */
export function repoRoot(from = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
  return dir;
}

/** Writes `micro-<mode>-node<major>-<date>.json` and its `-latest.json`; returns the dated path. */
export function writeJson(
  report: MicroReport,
  dir = join(repoRoot(), 'bench', 'results'),
): Promise<string> {
  return writeReportJson('micro', report, dir);
}
