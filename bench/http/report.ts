// The printed HTTP table.
import type { SideResult } from './ab.js';
import { PERF_HZ, type PerfBreakdown, type PerfRow } from './perf-breakdown.js';
import type { HttpReport, PairResult } from './run.js';

const int = (value: number) =>
  Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '—';
const fixed = (value: number, digits: number) =>
  Number.isFinite(value) ? value.toFixed(digits) : '—';
const signed = (value: number, digits: number) =>
  Number.isFinite(value) ? `${value >= 0 ? '+' : ''}${value.toFixed(digits)}` : '—';

function sideLine(pair: string, side: SideResult): string {
  return [
    pair.padEnd(9),
    side.name.padEnd(24),
    int(side.requestsPerSec).padStart(8),
    fixed(side.p50Ms, 2).padStart(8),
    fixed(side.p99Ms, 2).padStart(8),
    fixed(side.cpuUsPerRequest, 1).padStart(11),
  ].join('  ');
}

function targetText(pair: PairResult): string {
  const targets = pair.targets;
  if (targets === undefined) return '(information, no target)';
  const parts = [`target ≥ ${targets.minRatio.toFixed(2)}×`];
  if (targets.maxCpuRatio !== undefined) {
    parts.push(`CPU ${fixed(pair.cpuRatio, 3)}× [≤ ${targets.maxCpuRatio.toFixed(2)}×]`);
  }
  return `${parts.join(', ')}  ${pair.pass ? 'PASS' : 'FAIL'}`;
}

function ratioLine(pair: PairResult): string {
  const verdict = pair.invalid !== undefined ? `VOID (${pair.invalid})` : targetText(pair);
  const cpu = Number.isFinite(pair.cpuUsPerRequestOverA)
    ? `  server CPU ${signed(pair.cpuUsPerRequestOverA, 1)} µs/req (${fixed(pair.cpuSharePct, 1)} % of ${pair.b.name}'s)`
    : '';
  return `${''.padEnd(9)}  ${`${pair.b.name} / ${pair.a.name}`.padEnd(24)}  ${`${fixed(pair.ratio, 3)}×`.padStart(8)}${cpu}   ${verdict}`;
}

export function formatHttpReport(report: HttpReport): string {
  const m = report.meta;
  const lines = [
    `HTTP: hand-written vs @Pipeline routes in the starter (${m.server === 'child' ? 'server in its own process' : 'server in the same process as autocannon'}), ${m.database}, ${m.auth}`,
    `autocannon on ${m.host}, ${m.connections} connections, ${m.rounds} rounds × ${m.durationSec} s per side, alternating A/B, ${m.warmupSec} s warm-up per side; medians`,
    `${m.node}, ${m.cores} cores (${m.cpu}), load average ${m.loadAverageBefore} → ${m.loadAverageAfter}`,
    ...(m.mode === 'quick'
      ? ['quick mode: one cold 1 s run per side, the numbers and the verdict mean nothing']
      : []),
    '',
    [
      'pair'.padEnd(9),
      'route'.padEnd(24),
      'req/s'.padStart(8),
      'p50 ms'.padStart(8),
      'p99 ms'.padStart(8),
      'CPU µs/req'.padStart(11),
    ].join('  '),
  ];
  for (const pair of report.pairs) {
    lines.push(sideLine(pair.id, pair.a), sideLine('', pair.b), ratioLine(pair));
  }
  lines.push('', 'pairs:');
  for (const pair of report.pairs) lines.push(`  ${pair.id.padEnd(9)} ${pair.description}`);
  lines.push(
    '',
    "req/s: responses over the run's wall time; p50/p99: from each response's own time; CPU µs/req:",
    "the server process's CPU time over the responses of a run. Ratio and CPU delta are medians of",
    'per-round comparisons. The machine is shared: compare rows of one run, not across runs.',
    '',
    `verdict: ${report.pass ? 'PASS' : 'FAIL'} (every pair with targets meets its req/s ratio, and the CPU ratio where it has one)`,
  );
  for (const pair of report.pairs) {
    if (pair.perf === undefined) continue;
    lines.push('', `perf, pair ${pair.id}:`, ...perfLines(pair.perf, [pair.a.name, pair.b.name]));
  }
  return lines.join('\n');
}

/** `--perf`: µs per request of each side, by category, then the symbols with the largest B − A. */
function perfLines(breakdown: PerfBreakdown, sides: readonly [string, string], top = 25): string[] {
  const cell = (value: number) => value.toFixed(2).padStart(8);
  const signed = (value: number) => (value >= 0 ? '+' : '') + value.toFixed(2);
  const line = (row: PerfRow) =>
    `${cell(row.a)} ${cell(row.b)} ${signed(row.bOverA).padStart(8)}  ${row.name}`;
  return [
    `A: ${sides[0]}, B: ${sides[1]}; samples at ${PERF_HZ} Hz, medians of same-round differences`,
    `${'A'.padStart(8)} ${'B'.padStart(8)} ${'B − A'.padStart(8)}  µs per request (sampling's own cost included)`,
    ...breakdown.categories.map(line),
    '',
    'symbols with the largest B − A:',
    ...breakdown.symbols.slice(0, top).map(line),
  ];
}
