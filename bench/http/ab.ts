// A/B load runs with autocannon, alternated (A, B, B, A, A, B, ...) so drift on a busy machine
// hits both sides alike. Independent of the starter: give it two URLs on 127.0.0.1, and
// optionally a probe that reads the server's CPU time (the server must then run in a process of
// its own, or the probe would count autocannon's work too).
import autocannon from 'autocannon';
import { median } from '../micro/measure.js';
import type { PerfWindow } from './perf-breakdown.js';
import { monotonicSeconds } from './perf-sampler.js';

export interface Side {
  readonly name: string;
  readonly url: string;
  readonly method?: 'GET' | 'POST';
  readonly body?: string;
  readonly headers?: Record<string, string>;
}

export interface AbOptions {
  /** Pairs of runs (A then B, reversed every other pair). */
  readonly rounds: number;
  /**
   * Seconds per run; fractions allowed. Short runs alternate A and B often, so a slow phase of a
   * shared machine (they last seconds) falls on both sides of a round.
   */
  readonly durationSec: number;
  readonly connections: number;
  /** Seconds of unrecorded load on each side first, so both are warm (0: none). */
  readonly warmupSec: number;
  /** The server process's CPU time so far (user + system, µs); adds CPU per request. */
  readonly cpuProbe?: () => Promise<number>;
}

export interface RunFigures {
  /** Responses over the run's wall time (autocannon's own figure samples whole seconds only). */
  readonly requestsPerSec: number;
  /** From every response's own time (ms, sub-millisecond; autocannon's histogram is whole ms). */
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Responses received in the run. */
  readonly requests: number;
  /** When the load ran, in seconds on the monotonic clock (for `--perf`). */
  readonly from: number;
  readonly to: number;
  /** Server CPU time per response (µs); NaN without a probe. */
  readonly cpuUsPerRequest: number;
  readonly errors: number;
  readonly non2xx: number;
}

export interface SideResult {
  readonly name: string;
  readonly url: string;
  /** Medians over rounds. */
  readonly requestsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly cpuUsPerRequest: number;
  /** Totals over rounds: anything but 0 makes the comparison worthless. */
  readonly errors: number;
  readonly non2xx: number;
  readonly runs: RunFigures[];
}

export interface AbResult {
  readonly a: SideResult;
  readonly b: SideResult;
  /** Median over rounds of B's requests/s over A's in the same round. */
  readonly ratio: number;
  /** Median over rounds of B's CPU µs per request minus A's in the same round; NaN without probe. */
  readonly cpuUsPerRequestOverA: number;
  /** Median over rounds of B's CPU µs per request over A's in the same round; NaN without probe. */
  readonly cpuRatio: number;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

async function load(
  side: Side,
  durationSec: number,
  connections: number,
  cpuProbe?: () => Promise<number>,
): Promise<RunFigures> {
  const cpuBefore = cpuProbe === undefined ? NaN : await cpuProbe();
  let times = new Float64Array(1 << 14);
  let count = 0;
  const from = monotonicSeconds();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: side.url,
        method: side.method ?? 'GET',
        body: side.body,
        headers: { 'content-type': 'application/json', ...side.headers },
        duration: durationSec,
        // autocannon acts on `duration` only at its next sample, once a second by default, and its
        // clients keep sending until then: without this a 0.4 s run lasted a whole second.
        sampleInt: durationSec * 1000,
        connections,
      },
      (error: unknown, done: autocannon.Result) => (error ? reject(error) : resolve(done)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      if (count === times.length) {
        const bigger = new Float64Array(times.length * 2);
        bigger.set(times);
        times = bigger;
      }
      times[count++] = responseTime;
    });
  });
  const to = monotonicSeconds();
  const elapsedSec = to - from;
  const cpuAfter = cpuProbe === undefined ? NaN : await cpuProbe();
  const sorted = times.subarray(0, count).sort();
  return {
    requestsPerSec: count / elapsedSec,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    requests: count,
    from,
    to,
    cpuUsPerRequest: count === 0 ? NaN : (cpuAfter - cpuBefore) / count,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

function summarise(side: Side, runs: RunFigures[]): SideResult {
  return {
    name: side.name,
    url: side.url,
    requestsPerSec: median(runs.map((r) => r.requestsPerSec)),
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
    cpuUsPerRequest: median(runs.map((r) => r.cpuUsPerRequest)),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    non2xx: runs.reduce((sum, r) => sum + r.non2xx, 0),
    runs,
  };
}

export async function runAb(
  a: Side,
  b: Side,
  options: AbOptions,
  progress: (line: string) => void = () => undefined,
): Promise<AbResult> {
  const { durationSec, connections, cpuProbe } = options;
  if (options.warmupSec > 0) {
    await load(a, options.warmupSec, connections);
    await load(b, options.warmupSec, connections);
  }
  const runs = { a: [] as RunFigures[], b: [] as RunFigures[] };
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? (['a', 'b'] as const) : (['b', 'a'] as const);
    for (const key of order) {
      runs[key].push(await load(key === 'a' ? a : b, durationSec, connections, cpuProbe));
    }
    const [ra, rb] = [runs.a[round], runs.b[round]];
    progress(
      `round ${round + 1}/${options.rounds}: ${a.name} ${Math.round(ra.requestsPerSec)} req/s, ` +
        `${b.name} ${Math.round(rb.requestsPerSec)} req/s (${(rb.requestsPerSec / ra.requestsPerSec).toFixed(3)}×)`,
    );
  }
  return {
    a: summarise(a, runs.a),
    b: summarise(b, runs.b),
    ratio: median(runs.a.map((r, i) => runs.b[i].requestsPerSec / r.requestsPerSec)),
    cpuUsPerRequestOverA: median(
      runs.a.map((r, i) => runs.b[i].cpuUsPerRequest - r.cpuUsPerRequest),
    ),
    cpuRatio: median(runs.a.map((r, i) => runs.b[i].cpuUsPerRequest / r.cpuUsPerRequest)),
  };
}

/** Each measured run of a pair as a `--perf` window. */
export function perfWindows(result: AbResult): PerfWindow[] {
  const of = (side: 'a' | 'b') => result[side].runs.map((run, round) => ({ side, round, ...run }));
  return [...of('a'), ...of('b')];
}
