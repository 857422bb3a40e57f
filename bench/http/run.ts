// Runs the whole HTTP benchmark and returns its report; the CLI (bench/http.bench.ts) calls
// `runHttp`, and so can a smoke test (`server: 'in-process'`, HTTP_QUICK).
import { fork, type ChildProcess } from 'node:child_process';
import { loadAverage, machine } from '../machine.js';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '../micro/run.js';
import { perfWindows, runAb, type AbResult } from './ab.js';
import { perfBreakdown, type PerfBreakdown } from './perf-breakdown.js';
import { readPerf, recordPerf, type PerfRecording } from './perf-sampler.js';
import { BENCH_QUERY } from './constants.js';
import type { ChildMessage, ParentMessage } from './server-child.js';
import { writeReportJson } from '../results-file.js';

/** Pipeline route's requests/s over the hand-written route's must be at least this (issue 6). */
/** What a pair must reach (issue 12); a pair without targets is shown for information. */
export interface PairTargets {
  /** Pipeline req/s over hand-written req/s, at least. */
  readonly minRatio: number;
  /** Pipeline server CPU per request over hand-written, at most. */
  readonly maxCpuRatio?: number;
}

export interface PairSpec {
  readonly id: string;
  readonly description: string;
  /** Paths of the hand-written (A) and pipeline (B) routes. */
  readonly a: string;
  readonly b: string;
  readonly targets?: PairTargets;
  /** Run only when `--pairs` names it. */
  readonly onRequest?: boolean;
  /** Names of the A and B sides in the table (default: hand-written, pipeline). */
  readonly sides?: readonly [string, string];
}

export const PAIRS: readonly PairSpec[] = [
  {
    id: 'cpu',
    description: '3 operations, no I/O (parse, async price, quote)',
    a: '/bench/cpu/hand-written',
    b: '/bench/cpu/pipeline',
    // req/s swings ±10 % round to round here; the server's CPU per request is the steadier test.
    targets: { minRatio: 0.95, maxCpuRatio: 1.05 },
  },
  {
    id: 'db',
    description: '3 operations, one a Prisma read on PGlite (parse, stock, quote)',
    a: '/bench/db/hand-written',
    b: '/bench/db/pipeline',
    targets: { minRatio: 0.97 },
  },
  {
    id: 'db-reply',
    description:
      'the db pipeline answered as the starter routes do (requestSignal + sendPipelineResult)',
    a: '/bench/db/hand-written',
    b: '/bench/db/pipeline-reply',
  },
  {
    id: 'budget',
    description:
      "the no-I/O pipeline without and with the starter's 2 s default operation budget: what the budget costs (--pairs=budget)",
    a: '/bench/cpu/pipeline-unbudgeted',
    b: '/bench/cpu/pipeline',
    onRequest: true,
    sides: ['no budget', '2 s budget'],
  },
  {
    id: 'same',
    description:
      "the no-I/O hand-written route against itself: the method's own noise, around 0 (--pairs=same)",
    a: '/bench/cpu/hand-written',
    b: '/bench/cpu/hand-written',
    onRequest: true,
    sides: ['hand-written (A)', 'hand-written (B)'],
  },
  {
    id: 'twin',
    description:
      'the no-I/O hand-written route against a second route calling the same handler: what two distinct routes read (--pairs=twin)',
    a: '/bench/cpu/hand-written',
    b: '/bench/cpu/hand-written-twin',
    onRequest: true,
    sides: ['hand-written', 'hand-written twin'],
  },
];

export interface HttpOptions {
  readonly mode: 'full' | 'quick';
  readonly rounds: number;
  readonly durationSec: number;
  readonly warmupSec: number;
  readonly connections: number;
  /** Only these pair ids (default: all). */
  readonly pairs?: readonly string[];
  /**
   * `child` (the CLI): the starter in a process of its own, compiled code only; CPU per request
   * measured. `in-process` (Jest): same process as autocannon, so no CPU figure.
   */
  readonly server: 'child' | 'in-process';
  /** Child only: run the server under `--cpu-prof`, profiles written here when it exits. */
  readonly cpuProfDir?: string;
  /** Child only: sample the server with Linux `perf` into this file (perf-sampler.ts). */
  readonly perfFile?: string;
  readonly log?: (line: string) => void;
}

/**
 * ~4.5 minutes: per pair 2 × 2 s warm-up + 40 rounds × 2 sides × 1 s, three pairs, plus the boot.
 * Many short rounds rather than a few long ones: this shared 2-core machine runs in fast and slow
 * phases a few seconds long, and with 2 s runs one side of a round often fell in each (the route
 * against itself read −12 to −1 µs of CPU per request over three runs of 8 rounds). With 1 s runs
 * both sides of a round mostly share a phase, and the median of 40 rounds settles (−0.4 and
 * −0.5 µs). 0.4 s runs read +1.1 µs once: shorter is not better, connecting costs more.
 */
export const HTTP_FULL: Omit<HttpOptions, 'mode' | 'server'> = {
  rounds: 40,
  durationSec: 1,
  warmupSec: 2,
  connections: 10,
};

/** Seconds, for a smoke run: every pair once, numbers meaningless. */
export const HTTP_QUICK: Omit<HttpOptions, 'mode' | 'server'> = {
  rounds: 1,
  durationSec: 1,
  warmupSec: 0,
  connections: 2,
};

export interface PairResult extends AbResult {
  readonly id: string;
  readonly description: string;
  readonly targets?: PairTargets;
  /** (pipeline − hand-written) server CPU per request over the pipeline's: its share of a request. */
  readonly cpuSharePct: number;
  /** Why the comparison is void (errors or non-2xx responses), if it is. */
  readonly invalid?: string;
  /** Every target of the pair met; undefined where none applies. */
  readonly pass?: boolean;
  /** With `perfFile`: B's extra per request, by category and symbol. */
  readonly perf?: PerfBreakdown;
}

export interface HttpReport {
  readonly meta: Record<string, unknown>;
  readonly pairs: PairResult[];
  /** Every pair with targets meets them (and none is invalid). */
  readonly pass: boolean;
}

function meets(ab: AbResult, targets: PairTargets): boolean {
  return (
    ab.ratio >= targets.minRatio &&
    (targets.maxCpuRatio === undefined || ab.cpuRatio <= targets.maxCpuRatio)
  );
}

interface RunningServer {
  readonly baseUrl: string;
  /** The server's own process, when it runs in one. */
  readonly pid?: number;
  readonly cpuProbe?: () => Promise<number>;
  close(): Promise<void>;
}

const CHILD_BOOT_TIMEOUT_MS = 120_000;
const CHILD_CLOSE_TIMEOUT_MS = 15_000;

/** Node flags for the server process: a CPU profile, or JIT frame names for `perf`. */
function childFlags(options: HttpOptions): string[] {
  const flags: string[] = [];
  if (options.cpuProfDir !== undefined) {
    flags.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`);
  }
  if (options.perfFile !== undefined) flags.push('--perf-basic-prof-only-functions');
  return flags;
}

async function startChild(execArgv: string[]): Promise<RunningServer> {
  const entry = fileURLToPath(new URL('./server-child.js', import.meta.url));
  const child: ChildProcess = fork(entry, [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv,
  });
  const pending = new Map<number, (micros: number) => void>();
  let nextId = 0;
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`the bench server did not start within ${CHILD_BOOT_TIMEOUT_MS} ms`));
    }, CHILD_BOOT_TIMEOUT_MS);
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve(message.baseUrl);
      } else if (message.type === 'failed') {
        clearTimeout(timer);
        reject(new Error(`the bench server failed to start:\n${message.message}`));
      } else if (message.type === 'cpu') {
        pending.get(message.id)?.(message.micros);
        pending.delete(message.id);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the bench server exited (code ${code}) before it was ready`));
    });
  });

  const send = (message: ParentMessage) => child.send(message);
  return {
    baseUrl,
    pid: child.pid,
    cpuProbe: () =>
      new Promise<number>((resolve) => {
        const id = nextId++;
        pending.set(id, resolve);
        send({ type: 'cpu', id });
      }),
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      send({ type: 'close' });
      const timer = setTimeout(() => child.kill(), CHILD_CLOSE_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function startInProcess(): Promise<RunningServer> {
  const { applyBenchEnv } = await import('./env.js');
  const restore = applyBenchEnv({ production: false });
  try {
    // Loaded only now: src/ modules read the environment when they load.
    const { bootBenchServer } = await import('./server.js');
    const server = await bootBenchServer({ swaggerUi: false, logger: false });
    return { baseUrl: server.baseUrl, close: () => server.close() };
  } finally {
    restore();
  }
}

/** One request to each side; both must answer 200 with the same `data`. */
async function checkPair(baseUrl: string, pair: PairSpec): Promise<void> {
  const datas: unknown[] = [];
  for (const path of [pair.a, pair.b]) {
    const response = await fetch(`${baseUrl}${path}?${BENCH_QUERY}`);
    const text = await response.text();
    if (response.status !== 200) {
      throw new Error(`GET ${path} answered ${response.status}: ${text.slice(0, 500)}`);
    }
    datas.push(JSON.stringify((JSON.parse(text) as { data: unknown }).data));
  }
  if (datas[0] !== datas[1]) {
    throw new Error(`${pair.a} and ${pair.b} disagree: ${datas[0]} vs ${datas[1]}`);
  }
}

export async function runHttp(options: HttpOptions): Promise<HttpReport> {
  const log = options.log ?? (() => undefined);
  const pairs = PAIRS.filter((p) =>
    options.pairs === undefined ? p.onRequest !== true : options.pairs.includes(p.id),
  );
  if (pairs.length === 0) throw new Error(`no pair among ${options.pairs?.join(', ')}`);

  const loadBefore = loadAverage();
  const bootStarted = Date.now();
  const server =
    options.server === 'child' ? await startChild(childFlags(options)) : await startInProcess();
  log(
    `starter listening on ${server.baseUrl} (${options.server}) after ${Date.now() - bootStarted} ms`,
  );
  const results: PairResult[] = [];
  let perf: PerfRecording | undefined;
  try {
    const { perfFile } = options;
    if (perfFile !== undefined) {
      if (server.pid === undefined) throw new Error('--perf needs the server in its own process');
      perf = await recordPerf(server.pid, perfFile);
    }
    for (const pair of pairs) await checkPair(server.baseUrl, pair);
    for (const pair of pairs) {
      log(`${pair.id}: ${pair.a} vs ${pair.b}`);
      const url = (path: string) => `${server.baseUrl}${path}?${BENCH_QUERY}`;
      const ab = await runAb(
        { name: pair.sides?.[0] ?? 'hand-written', url: url(pair.a) },
        { name: pair.sides?.[1] ?? 'pipeline', url: url(pair.b) },
        {
          rounds: options.rounds,
          durationSec: options.durationSec,
          warmupSec: options.warmupSec,
          connections: options.connections,
          cpuProbe: server.cpuProbe,
        },
        (line) => log(`  ${line}`),
      );
      const bad = ab.a.errors + ab.a.non2xx + ab.b.errors + ab.b.non2xx;
      const invalid =
        bad === 0
          ? undefined
          : `errors/non-2xx: hand-written ${ab.a.errors}/${ab.a.non2xx}, pipeline ${ab.b.errors}/${ab.b.non2xx}`;
      results.push({
        ...ab,
        id: pair.id,
        description: pair.description,
        targets: pair.targets,
        cpuSharePct: (100 * ab.cpuUsPerRequestOverA) / ab.b.cpuUsPerRequest,
        invalid,
        pass:
          pair.targets === undefined ? undefined : invalid === undefined && meets(ab, pair.targets),
      });
    }
  } finally {
    try {
      await perf?.stop();
    } finally {
      await server.close();
    }
  }
  if (perf !== undefined) {
    log(`reading ${options.perfFile}`);
    const samples = await readPerf(options.perfFile!);
    for (const [index, result] of results.entries()) {
      results[index] = { ...result, perf: perfBreakdown(samples, perfWindows(result)) };
    }
  }

  return {
    meta: {
      mode: options.mode,
      ...machine(),
      loadAverageBefore: loadBefore,
      loadAverageAfter: loadAverage(),
      server: options.server,
      host: '127.0.0.1',
      database: 'PGlite in memory',
      auth: '@Public() routes (no JWT)',
      connections: options.connections,
      rounds: options.rounds,
      durationSec: options.durationSec,
      warmupSec: options.warmupSec,
      query: BENCH_QUERY,
    },
    pairs: results,
    pass: results.every((r) => r.pass !== false),
  };
}

/** Writes `http-<mode>-node<major>-<date>.json` and its `-latest.json`; returns the dated path. */
export function writeHttpJson(
  report: HttpReport,
  dir = join(repoRoot(), 'bench', 'results'),
): Promise<string> {
  return writeReportJson('http', report, dir);
}
