// The HTTP bench's `--perf` analysis: `perf script` lines in, B's extra µs per request out. The
// sampling itself needs Linux `perf` and is not run here; its text format is what these lines are.
import { perfWindows, type AbResult, type RunFigures } from '../bench/http/ab.js';
import {
  categoryOf,
  parsePerfScript,
  perfBreakdown,
  type PerfRow,
  type PerfSample,
} from '../bench/http/perf-breakdown.js';
import { formatHttpReport } from '../bench/http/report.js';
import type { HttpReport } from '../bench/http/run.js';

const RUNNER = 'JS:*run file:///app/node_modules/nest-orchestrator/dist/pipeline.runner.js:57:14';
const FASTIFY = 'JS:*routeHandler /app/node_modules/fastify/lib/route.js:465:25';

const SCRIPT = [
  `   50648.344026:      7f3c382d15b8 ${RUNNER} (/tmp/perf-12885.map)`,
  '   50648.344526:      7f3c57e41aac Builtins_CallFunction_ReceiverIsAny (/usr/bin/node)',
  '   50648.345540:  ffffffff8225fd19 pvm_irq_enable ([kernel.kallsyms])',
  '   50648.346025:      7f3c57e90d60 v8::internal::Scavenger::ScavengePage (/usr/bin/node)',
  'a line perf prints that is not a sample',
  '',
].join('\n');

/** `count` samples of `symbol` spread over [from, to). */
function samples(symbol: string, from: number, to: number, count: number): PerfSample[] {
  return Array.from({ length: count }, (_, i) => ({
    time: from + ((to - from) * (i + 0.5)) / count,
    symbol,
    dso: '/usr/bin/node',
  }));
}

/** A measured run as the A/B loop records it: what the analysis reads is `from`, `to`, `requests`. */
function run(from: number, requests: number): RunFigures {
  return {
    from,
    to: from + 1,
    requests,
    requestsPerSec: requests,
    p50Ms: 1,
    p99Ms: 2,
    cpuUsPerRequest: NaN,
    errors: 0,
    non2xx: 0,
  };
}

const side = (name: string, runs: RunFigures[]) => ({
  name,
  url: `http://127.0.0.1/${name}`,
  requestsPerSec: 0,
  p50Ms: 0,
  p99Ms: 0,
  cpuUsPerRequest: NaN,
  errors: 0,
  non2xx: 0,
  runs,
});

/** µs rounded to 6 decimals: per-request costs come out of divisions. */
const rounded = (row: PerfRow | undefined) =>
  row && { a: +row.a.toFixed(6), b: +row.b.toFixed(6), bOverA: +row.bOverA.toFixed(6) };

describe('HTTP bench --perf analysis', () => {
  it("reads each sample's time, symbol and binary from perf script's text", () => {
    const parsed = parsePerfScript(SCRIPT);
    expect(parsed).toEqual([
      { time: 50648.344026, symbol: RUNNER, dso: '/tmp/perf-12885.map' },
      { time: 50648.344526, symbol: 'Builtins_CallFunction_ReceiverIsAny', dso: '/usr/bin/node' },
      { time: 50648.34554, symbol: 'pvm_irq_enable', dso: '[kernel.kallsyms]' },
      { time: 50648.346025, symbol: 'v8::internal::Scavenger::ScavengePage', dso: '/usr/bin/node' },
    ]);
    expect(parsed.map(categoryOf)).toEqual([
      'orchestrator and bench routes',
      'other V8 builtins',
      'kernel',
      'garbage collection',
    ]);
  });

  it("gives each sample to the run it fell in and compares B's cost with A's of the same round", () => {
    // Three rounds, A B / B A / A B, one second each with a gap between; the machine drifts, so
    // the framework's cost per request changes from round to round, the same on both sides.
    const a = [run(0, 100), run(3.4, 200), run(4.8, 100)];
    const b = [run(1.2, 100), run(2.2, 200), run(6, 100)];
    const ab = { a: side('hand-written', a), b: side('pipeline', b) } as unknown as AbResult;
    const all = [
      // Framework: 50, 40 and 80 µs a request in rounds 0, 1 and 2 (at 1,000 samples a second).
      ...samples(FASTIFY, 0, 1, 5),
      ...samples(FASTIFY, 1.2, 2.2, 5),
      ...samples(FASTIFY, 2.2, 3.2, 8),
      ...samples(FASTIFY, 3.4, 4.4, 8),
      ...samples(FASTIFY, 4.8, 5.8, 8),
      ...samples(FASTIFY, 6, 7, 8),
      // The runner, on B only: 10, 15 and 20 µs a request.
      ...samples(RUNNER, 1.2, 2.2, 1),
      ...samples(RUNNER, 2.2, 3.2, 3),
      ...samples(RUNNER, 6, 7, 2),
      // Between runs (warm-up, the CPU probe): counted nowhere.
      ...samples(RUNNER, 1.05, 1.15, 50),
      ...samples(FASTIFY, 3.25, 3.35, 50),
    ];
    const { categories, symbols } = perfBreakdown(all, perfWindows(ab), 1000);

    const row = (rows: PerfRow[], name: string) => rounded(rows.find((r) => r.name === name));
    expect(categories[0].name).toBe('all samples');
    // Same-round differences 10, 15 and 20: median 15 (B's median minus A's would be 60 − 50).
    expect(row(categories, 'all samples')).toEqual({ a: 50, b: 60, bOverA: 15 });
    expect(row(categories, 'orchestrator and bench routes')).toEqual({ a: 0, b: 15, bOverA: 15 });
    expect(row(categories, 'packages (Fastify, Nest, ...)')).toEqual({ a: 50, b: 50, bOverA: 0 });
    expect(symbols[0].name).toBe(RUNNER);

    const report = {
      meta: {},
      pass: true,
      pairs: [
        {
          ...ab,
          id: 'cpu',
          description: 'no I/O',
          cpuSharePct: NaN,
          perf: { categories, symbols },
        },
      ],
    } as unknown as HttpReport;
    const text = formatHttpReport(report);
    expect(text).toContain('perf, pair cpu:\nA: hand-written, B: pipeline');
    expect(text).toMatch(/ +0\.00 +15\.00 +\+15\.00 {2}JS:\*run /);
  });
});
