// The store bench's rows, the keyed-run cost they add up to, and the printed table.
import { median } from '../micro/measure.js';
import type { OperationSamples } from './measure.js';
import type { OperationId, StoreOperation } from './operations.js';

export const BASELINE: OperationId = 'select-1';

export interface StepRow {
  readonly name: string;
  readonly msPerCall: number;
  /** Median over rounds of this step's ms / the baseline's ms in the same round. */
  readonly roundTrips: number;
}

export interface StoreRow {
  readonly id: OperationId;
  readonly label: string;
  readonly statements: number;
  /** Median over rounds of each round's median call. */
  readonly msPerCall: number;
  /** 90th percentile over every measured call. */
  readonly p90Ms: number;
  /** Median over rounds of ms / the baseline's ms in the same round: "≈ N round trips". */
  readonly roundTrips: number;
  readonly roundsMs: number[];
  /** Each part of a multi-statement operation, when it has more than one. */
  readonly steps: StepRow[];
}

/** What a keyed run pays on this store that an unkeyed one does not (it makes no store call). */
export interface KeyedCost {
  readonly overUnkeyedMs: number;
  readonly overUnkeyedRoundTrips: number;
  readonly replayMs: number;
  readonly replayRoundTrips: number;
}

export interface StoreReport {
  readonly meta: Record<string, unknown>;
  readonly rows: StoreRow[];
  readonly keyedCost: KeyedCost;
}

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

export function buildRows(
  operations: readonly StoreOperation[],
  samples: ReadonlyMap<OperationId, OperationSamples>,
): StoreRow[] {
  const baseline = samples.get(BASELINE)!.rounds.map((round) => round.total);
  const ratio = (values: number[]) => median(values.map((ms, round) => ms / baseline[round]));
  return operations.map((operation) => {
    const { rounds, calls } = samples.get(operation.id)!;
    const totals = rounds.map((round) => round.total);
    const steps =
      operation.steps.length < 2
        ? []
        : operation.steps.map((name, step) => {
            const ms = rounds.map((round) => round.steps[step]);
            return { name, msPerCall: median(ms), roundTrips: ratio(ms) };
          });
    return {
      id: operation.id,
      label: operation.label,
      statements: operation.statements,
      msPerCall: median(totals),
      p90Ms: percentile(calls, 0.9),
      roundTrips: ratio(totals),
      roundsMs: totals,
      steps,
    };
  });
}

export function keyedCost(rows: readonly StoreRow[]): KeyedCost {
  const row = (id: OperationId) => rows.find((r) => r.id === id)!;
  return {
    overUnkeyedMs: row('first-keyed').msPerCall,
    overUnkeyedRoundTrips: row('first-keyed').roundTrips,
    replayMs: row('replay').msPerCall,
    replayRoundTrips: row('replay').roundTrips,
  };
}

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(3) : '—');
const times = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : '—');

function line(label: string, statements: string, perCall: string, p90: string, trips: string) {
  return [
    label.padEnd(46),
    statements.padStart(10),
    perCall.padStart(8),
    p90.padStart(8),
    trips.padStart(10),
  ].join('  ');
}

/** The sentence the benchmark exists for (issue 14). */
export function costSentence(report: StoreReport): string {
  const cost = report.keyedCost;
  const first = report.rows.find((r) => r.id === 'first-keyed')!;
  const parts = first.steps.map((step) => `${step.name} ${ms(step.msPerCall)}`).join(' + ');
  return (
    `A keyed run pays ${ms(cost.overUnkeyedMs)} ms over an unkeyed one on ${report.meta.database}: ` +
    `${parts} ms, ${first.statements} statements, ≈ ${cost.overUnkeyedRoundTrips.toFixed(1)} round trips of SELECT 1;\n` +
    `a replay answers in ${ms(cost.replayMs)} ms (≈ ${cost.replayRoundTrips.toFixed(1)} round trips) ` +
    'without running the pipeline.'
  );
}

export function formatStoreReport(report: StoreReport): string {
  const m = report.meta;
  const lines = [
    `Store: the starter's PrismaRunStore (RunsModule, PrismaService) on ${m.database}, ${m.target}${m.durability === undefined ? '' : `; ${m.durability}`}`,
    `${m.rounds} rounds (+1 warm-up) × ${m.callsPerRound} calls per operation, one call at a time, alternating order; medians`,
    `${m.node}, ${m.cores} cores (${m.cpu}), load average ${m.loadAverageBefore} → ${m.loadAverageAfter}`,
    ...(m.mode === 'quick' ? ['quick mode: a handful of calls, the numbers mean nothing'] : []),
    '',
    line('operation', 'statements', 'ms/call', 'p90 ms', '× SELECT 1'),
  ];
  for (const row of report.rows) {
    const label = row.id === BASELINE ? `${row.label} (baseline)` : row.label;
    lines.push(
      line(label, String(row.statements), ms(row.msPerCall), ms(row.p90Ms), times(row.roundTrips)),
    );
    for (const step of row.steps) {
      lines.push(line(`  ${step.name}`, '1', ms(step.msPerCall), '', times(step.roundTrips)));
    }
  }
  lines.push(
    '',
    `Each key is "idempotency:<uuid>"; complete stores a ${m.resultBytes}-byte create-order result as jsonb.`,
    'ms/call: median over rounds of each round\'s median call; "× SELECT 1": median over rounds of',
    'the ratio to SELECT 1 in the same round (steps are medians too, so they need not add up).',
    'An unkeyed run makes no store call at all.',
    '',
    costSentence(report),
  );
  return lines.join('\n');
}
