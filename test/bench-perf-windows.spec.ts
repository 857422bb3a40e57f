// The HTTP bench's `--perf` analysis: `perf script` lines in, B's extra µs per request out. The
// sampling itself needs Linux `perf` and is not run here; its text format is what these lines are.
import {
  categoryOf,
  formatPerfBreakdown,
  parsePerfScript,
  perfBreakdown,
  type PerfSample,
  type PerfWindow,
} from '../bench/http/perf-windows.js';

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

  it("gives each sample to the run it fell in and compares B's cost per request with A's in the same round", () => {
    // Round 0: A then B, 100 responses each; round 1: B then A, 200 each. Times in seconds.
    const windows: PerfWindow[] = [
      { side: 'a', round: 0, from: 0, to: 1, requests: 100 },
      { side: 'b', round: 0, from: 1.2, to: 2.2, requests: 100 },
      { side: 'b', round: 1, from: 2.4, to: 3.4, requests: 200 },
      { side: 'a', round: 1, from: 3.6, to: 4.6, requests: 200 },
    ];
    const all = [
      // The framework costs 50 µs a request on both sides (at 1,000 samples a second).
      ...samples(FASTIFY, 0, 1, 5),
      ...samples(FASTIFY, 1.2, 2.2, 5),
      ...samples(FASTIFY, 2.4, 3.4, 10),
      ...samples(FASTIFY, 3.6, 4.6, 10),
      // The runner, on B only: 20 µs a request in both rounds.
      ...samples(RUNNER, 1.2, 2.2, 2),
      ...samples(RUNNER, 2.4, 3.4, 4),
      // Between runs (warm-up, the CPU probe): counted nowhere.
      ...samples(RUNNER, 1.05, 1.15, 50),
      ...samples(FASTIFY, 5, 6, 50),
    ];
    const { categories, symbols } = perfBreakdown(all, windows, 1000);

    // Rounded: µs per request come out of divisions.
    const row = (rows: typeof symbols, name: string) => {
      const found = rows.find((r) => r.name === name)!;
      const round = (value: number) => Math.round(value * 1e6) / 1e6;
      return { name, a: round(found.a), b: round(found.b), bOverA: round(found.bOverA) };
    };
    expect(categories[0].name).toBe('all samples');
    expect(row(categories, 'all samples')).toMatchObject({ a: 50, b: 70, bOverA: 20 });
    expect(row(categories, 'orchestrator and bench routes')).toMatchObject({ a: 0, bOverA: 20 });
    expect(row(categories, 'packages (Fastify, Nest, ...)')).toMatchObject({ a: 50, bOverA: 0 });
    expect(symbols[0].name).toBe(RUNNER);
    expect(row(symbols, RUNNER)).toMatchObject({ a: 0, b: 20, bOverA: 20 });

    const text = formatPerfBreakdown({ categories, symbols }, ['hand-written', 'pipeline']);
    expect(text).toContain('A: hand-written, B: pipeline');
    expect(text).toMatch(/0\.00 +20\.00 \+20\.00 +JS:\*run /);
  });
});
