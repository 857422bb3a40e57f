// A/B load runs with autocannon, alternated (A, B, A, B, ...) so drift on a busy machine hits
// both sides alike. Independent of the starter: give it two URLs on 127.0.0.1.
import autocannon from 'autocannon';
import { median } from '../micro/measure.js';

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
  /** Seconds per run (bounded so `npm run bench` stays under 5 minutes). */
  readonly durationSec: number;
  readonly connections: number;
  /** Seconds of unrecorded load on each side first, so both are warm. */
  readonly warmupSec: number;
}

export interface SideResult {
  readonly name: string;
  /** Medians over rounds. */
  readonly requestsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly non2xx: number;
  readonly runs: { requestsPerSec: number; p50Ms: number; p99Ms: number }[];
}

export interface AbResult {
  readonly a: SideResult;
  readonly b: SideResult;
  /** Median over rounds of B's requests/s over A's in the same pair. */
  readonly ratio: number;
}

async function load(side: Side, durationSec: number, connections: number) {
  return autocannon({
    url: side.url,
    method: side.method ?? 'GET',
    body: side.body,
    headers: { 'content-type': 'application/json', ...side.headers },
    duration: durationSec,
    connections,
  });
}

export async function runAb(a: Side, b: Side, options: AbOptions): Promise<AbResult> {
  if (options.warmupSec > 0) {
    await load(a, options.warmupSec, options.connections);
    await load(b, options.warmupSec, options.connections);
  }
  const runs = { a: [] as autocannon.Result[], b: [] as autocannon.Result[] };
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? (['a', 'b'] as const) : (['b', 'a'] as const);
    for (const key of order) {
      runs[key].push(await load(key === 'a' ? a : b, options.durationSec, options.connections));
    }
  }
  const summarise = (side: Side, results: autocannon.Result[]): SideResult => {
    const perRun = results.map((r) => ({
      requestsPerSec: r.requests.average,
      p50Ms: r.latency.p50,
      p99Ms: r.latency.p99,
    }));
    return {
      name: side.name,
      requestsPerSec: median(perRun.map((r) => r.requestsPerSec)),
      p50Ms: median(perRun.map((r) => r.p50Ms)),
      p99Ms: median(perRun.map((r) => r.p99Ms)),
      errors: results.reduce((sum, r) => sum + r.errors, 0),
      non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
      runs: perRun,
    };
  };
  return {
    a: summarise(a, runs.a),
    b: summarise(b, runs.b),
    ratio: median(runs.a.map((r, i) => runs.b[i].requests.average / r.requests.average)),
  };
}
