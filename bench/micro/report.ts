// Turns measurements into rows, target verdicts, the printed table and the JSON document.
import { median, type LeakResult } from './measure.js';
import { VARIANTS, type BenchCase, type Variant } from './cases.js';

/** What a row says about its case, taken from the case itself. */
export type RowInput = Pick<
  BenchCase,
  | 'id'
  | 'group'
  | 'variant'
  | 'ops'
  | 'concurrency'
  | 'clock'
  | 'floor'
  | 'targetNsPerOp'
  | 'targetNsPerRun'
  | 'skipped'
>;

export interface Row extends RowInput {
  /** Median over rounds of ns per run. */
  readonly nsPerRun: number;
  readonly floorNsPerRun: number;
  /** Median over rounds of (this − floor) measured in the same round, per operation. */
  readonly nsPerOpOverFloor: number;
  /** Median over rounds of (this − floor) measured in the same round, per run. */
  readonly nsPerRunOverFloor: number;
  /** Median over rounds of this / floor in the same round. */
  readonly ratio: number;
  /** Half the range of the rounds' ns/run, in % of the median: how noisy this row was. */
  readonly spreadPct: number;
  readonly roundsNsPerRun: number[];
  readonly heapBytesPerRun: number;
  /** (heap per run − the floor's) / operations. */
  readonly heapBytesPerOpOverFloor: number;
  readonly pass?: boolean;
}

export function buildRows(
  inputs: readonly RowInput[],
  timings: ReadonlyMap<string, number[]>,
  heap: ReadonlyMap<string, number>,
): Row[] {
  return inputs.map((input) => {
    const rounds = timings.get(input.id) ?? [];
    const floorRounds = timings.get(input.floor) ?? [];
    const paired = rounds.map((value, i) => [value, floorRounds[i]] as const);
    const nsPerRun = median(rounds);
    const overhead = median(paired.map(([value, floor]) => value - floor));
    const heapBytesPerRun = heap.get(input.id) ?? NaN;
    const floorHeap = heap.get(input.floor) ?? NaN;
    const nsPerOpOverFloor = overhead / input.ops;
    return {
      id: input.id,
      group: input.group,
      variant: input.variant,
      ops: input.ops,
      concurrency: input.concurrency,
      clock: input.clock,
      floor: input.floor,
      skipped: input.skipped,
      nsPerRun,
      floorNsPerRun: median(floorRounds),
      nsPerOpOverFloor,
      nsPerRunOverFloor: overhead,
      ratio: median(paired.map(([value, floor]) => value / floor)),
      spreadPct:
        rounds.length > 0
          ? ((Math.max(...rounds) - Math.min(...rounds)) / 2 / nsPerRun) * 100
          : NaN,
      roundsNsPerRun: rounds,
      heapBytesPerRun,
      heapBytesPerOpOverFloor: (heapBytesPerRun - floorHeap) / input.ops,
      targetNsPerOp: input.targetNsPerOp,
      targetNsPerRun: input.targetNsPerRun,
      pass:
        input.skipped !== undefined
          ? undefined
          : input.targetNsPerRun !== undefined
            ? overhead <= input.targetNsPerRun
            : input.targetNsPerOp === undefined
              ? undefined
              : nsPerOpOverFloor <= input.targetNsPerOp,
    };
  });
}

/** Least-squares line of the overhead (ns/run over the floor) against operations. */
export interface CostLine {
  readonly variant: Variant;
  readonly mix: string;
  /** Marginal cost of one more operation, ns. */
  readonly nsPerOp: number;
  /** Cost of a run with no operations (setup, result object, ...), ns. */
  readonly nsFixed: number;
}

/**
 * "Heap per run flat as operations grow": each operation adds a metrics entry and an
 * `OperationRun`, so the orchestrator's bytes per run grow with the operation count; what must
 * not happen is bytes per OPERATION growing with pipeline length (super-linear allocation). The
 * check: bytes over the floor per operation at 30 operations ≤ that at 10 operations (+10% and
 * 8 bytes of slack for measurement noise). Fixed per-run costs make a linear runner pass easily.
 */
export interface HeapFlatness {
  readonly variant: Variant;
  readonly mix: string;
  /** Bytes over the floor per operation, by operation count. */
  readonly bytesPerOp: Record<number, number>;
  readonly pass: boolean;
}

const groupMix = (group: string) => group.replace(/-\d+$/, '');

function series(rows: readonly Row[]): Map<string, Row[]> {
  const bySeries = new Map<string, Row[]>();
  for (const row of rows) {
    // Lines and flatness are about the runner's own variants over the floor: rows compared with
    // another row (keyed) or run on another engine (medusa, effect) stay out, as does any variant
    // not measured for every group (a one-point series has no line and fails flatness).
    if (row.variant === 'floor' || row.floor !== `${row.group}/floor`) continue;
    if (!VARIANTS.includes(row.variant)) continue;
    if (row.skipped !== undefined) continue;
    const mix = groupMix(row.group);
    if (!['sync', 'async', 'mixed'].includes(mix)) continue;
    const key = `${row.variant}|${mix}`;
    bySeries.set(key, [...(bySeries.get(key) ?? []), row]);
  }
  return bySeries;
}

export function costLines(rows: readonly Row[]): CostLine[] {
  const lines: CostLine[] = [];
  for (const [key, list] of series(rows)) {
    const [variant, mix] = key.split('|') as [Variant, string];
    const xs = list.map((row) => row.ops);
    const ys = list.map((row) => row.nsPerOpOverFloor * row.ops);
    const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
    const my = ys.reduce((a, b) => a + b, 0) / ys.length;
    const sxx = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
    const sxy = xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0);
    const slope = sxx === 0 ? NaN : sxy / sxx;
    lines.push({ variant, mix, nsPerOp: slope, nsFixed: my - slope * mx });
  }
  return lines;
}

export function heapFlatness(rows: readonly Row[]): HeapFlatness[] {
  const result: HeapFlatness[] = [];
  for (const [key, list] of series(rows)) {
    const [variant, mix] = key.split('|') as [Variant, string];
    const bytesPerOp: Record<number, number> = {};
    for (const row of list) bytesPerOp[row.ops] = row.heapBytesPerOpOverFloor;
    const at10 = bytesPerOp[10] ?? NaN;
    const at30 = bytesPerOp[30] ?? NaN;
    result.push({
      variant,
      mix,
      bytesPerOp,
      pass: Number.isFinite(at10) && Number.isFinite(at30) && at30 <= at10 * 1.1 + 8,
    });
  }
  return result;
}

/** Heap growth allowed across the leak check: 1 MiB, i.e. ~1 byte per run over 1M runs. */
export const LEAK_LIMIT_BYTES = 1024 * 1024;

export interface LeakRow extends LeakResult {
  readonly id: string;
  readonly description: string;
  readonly limitBytes: number;
  readonly pass: boolean;
}

export interface TargetVerdict {
  readonly target: string;
  readonly pass: boolean;
  readonly detail: string;
}

export function verdicts(
  rows: readonly Row[],
  flat: readonly HeapFlatness[],
  leaks: readonly LeakRow[],
  targets: Partial<Record<Variant, number>>,
  perRun: Partial<Record<Variant, number>> = {},
  lineTargets: Partial<Record<Variant, { nsPerOp: number; nsFixed: number }>> = {},
): TargetVerdict[] {
  const out: TargetVerdict[] = [];
  const lines = costLines(rows);
  for (const [variant, target] of Object.entries(lineTargets) as [
    Variant,
    { nsPerOp: number; nsFixed: number },
  ][]) {
    const own = lines.filter((line) => line.variant === variant);
    const failing = own.filter(
      (line) => !(line.nsPerOp <= target.nsPerOp && line.nsFixed <= target.nsFixed),
    );
    out.push({
      target: `${variant} line: ≤ ${target.nsPerOp} ns/op and ≤ ${target.nsFixed} ns/run fixed over the floor`,
      pass: own.length > 0 && failing.length === 0,
      detail:
        own.length === 0
          ? 'not measured'
          : own
              .map((line) => `${line.mix} ${fmt(line.nsPerOp)} ns/op + ${fmt(line.nsFixed)} ns`)
              .join(', '),
    });
  }
  for (const [variant, limit] of Object.entries(targets) as [Variant, number][]) {
    // Rows of the variant that carry its target (the failure and timeout paths carry none).
    const own = rows.filter(
      (row) => row.variant === variant && (row.targetNsPerOp !== undefined || row.skipped),
    );
    const measured = own.filter((row) => row.skipped === undefined);
    const failing = measured.filter((row) => row.pass === false);
    const worst = Math.max(...measured.map((row) => row.nsPerOpOverFloor));
    const baseline = own[0]?.floor.replace(/^.*\//, '') ?? 'floor';
    out.push({
      target: `${variant}: ≤ ${limit} ns/op over ${baseline === 'floor' ? 'the floor' : baseline}`,
      pass: measured.length > 0 && failing.length === 0,
      detail:
        measured.length === 0
          ? `not measured: ${own[0]?.skipped ?? 'no rows'}`
          : failing.length === 0
            ? `all ${measured.length} rows pass (worst ${fmt(worst)} ns/op)`
            : `${failing.length}/${measured.length} rows over: ${failing.map((row) => `${row.group} ${fmt(row.nsPerOpOverFloor)}`).join(', ')}`,
    });
  }
  for (const [variant, limit] of Object.entries(perRun) as [Variant, number][]) {
    const measured = rows.filter((row) => row.variant === variant && row.skipped === undefined);
    const failing = measured.filter((row) => row.pass === false);
    const over = measured[0]?.floor.replace(/^.*\//, '') ?? 'its baseline';
    out.push({
      target: `${variant}: ≤ ${limit} ns/run over ${over}`,
      pass: measured.length > 0 && failing.length === 0,
      detail:
        measured.length === 0
          ? 'not measured'
          : failing.length === 0
            ? `all ${measured.length} rows pass (worst ${fmt(Math.max(...measured.map((row) => row.nsPerRunOverFloor)))} ns/run)`
            : `${failing.length}/${measured.length} rows over: ${failing.map((row) => `${row.group} ${fmt(row.nsPerRunOverFloor)}`).join(', ')}`,
    });
  }
  const flatFailing = flat.filter((item) => !item.pass);
  out.push({
    target: 'heap per run flat as operations grow',
    pass: flat.length > 0 && flatFailing.length === 0,
    detail:
      flatFailing.length === 0
        ? `${flat.length} series: B/op over the floor at 30 ops ≤ at 10 ops`
        : `super-linear: ${flatFailing.map((item) => `${item.variant}/${item.mix}`).join(', ')}`,
  });
  for (const leak of leaks) {
    out.push({
      target: `no leak across ${leak.runs.toLocaleString('en-US')} runs (${leak.id})`,
      pass: leak.pass,
      detail: `heap after GC ${signed(leak.growthBytes)} B (limit ${leak.limitBytes} B)`,
    });
  }
  return out;
}

// --- text ----------------------------------------------------------------------------------

function fmt(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return '—';
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

const signed = (value: number, digits = 0) => (value > 0 ? '+' : '') + fmt(value, digits);

function table(header: string[], body: string[][], rightAligned: boolean[]): string {
  const widths = header.map((title, i) =>
    Math.max(title.length, ...body.map((line) => line[i].length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (rightAligned[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export interface MicroReport {
  readonly meta: Record<string, unknown>;
  readonly rows: Row[];
  readonly costLines: CostLine[];
  readonly heapFlatness: HeapFlatness[];
  readonly leaks: LeakRow[];
  readonly verdicts: TargetVerdict[];
  readonly floorSources: Record<string, string>;
}

export function formatReport(report: MicroReport): string {
  const header = [
    'case',
    'ops',
    'ns/run',
    '±%',
    'floor ns',
    'ns/op over floor',
    '× floor',
    'heap B/run',
    'ΔB/op',
    'target',
  ];
  const body = report.rows.map((row) => {
    if (row.skipped !== undefined) {
      return [row.id, String(row.ops), 'skipped', '', '', '', '', '', '', row.skipped];
    }
    const isFloor = row.variant === 'floor';
    const verdict = row.pass ? 'PASS' : 'FAIL';
    const target =
      row.targetNsPerRun !== undefined
        ? `≤ ${row.targetNsPerRun}/run over ${row.floor} ${verdict} (${fmt(row.nsPerRunOverFloor)})`
        : row.targetNsPerOp === undefined
          ? ''
          : `≤ ${row.targetNsPerOp} ${verdict}`;
    return [
      row.id +
        (row.concurrency > 1 ? ` (×${row.concurrency} concurrent)` : '') +
        (row.clock === 'cpu' ? ' [CPU time]' : ''),
      String(row.ops),
      fmt(row.nsPerRun),
      fmt(row.spreadPct, 1),
      isFloor ? '' : fmt(row.floorNsPerRun),
      isFloor ? '' : fmt(row.nsPerOpOverFloor),
      isFloor ? '' : fmt(row.ratio, 2),
      fmt(row.heapBytesPerRun),
      isFloor ? '' : fmt(row.heapBytesPerOpOverFloor),
      target,
    ];
  });
  const rows = table(header, body, [false, true, true, true, true, true, true, true, true, false]);

  const lines = table(
    ['variant', 'mix', 'marginal ns/op', 'fixed ns/run'],
    report.costLines.map((line) => [line.variant, line.mix, fmt(line.nsPerOp), fmt(line.nsFixed)]),
    [false, false, true, true],
  );
  const flat = table(
    ['variant', 'mix', 'ΔB/op @1', '@3', '@10', '@30', 'flat (@30 ≤ @10)'],
    report.heapFlatness.map((item) => [
      item.variant,
      item.mix,
      ...[1, 3, 10, 30].map((ops) => fmt(item.bytesPerOp[ops] ?? NaN)),
      item.pass ? 'PASS' : 'FAIL',
    ]),
    [false, false, true, true, true, true, false],
  );
  const leaks = table(
    ['leak check', 'runs', 'heap after warm-up', 'heap at end', 'growth B', 'B/run', 'verdict'],
    report.leaks.map((leak) => [
      `${leak.id}: ${leak.description}`,
      fmt(leak.runs),
      fmt(leak.checkpoints[0].heapUsed),
      fmt(leak.checkpoints[leak.checkpoints.length - 1].heapUsed),
      signed(leak.growthBytes),
      fmt(leak.bytesPerRun, 3),
      leak.pass ? 'PASS' : 'FAIL',
    ]),
    [false, true, true, true, true, true, false],
  );
  const verdictLines = report.verdicts.map(
    (v) => `  ${v.pass ? 'PASS' : 'FAIL'}  ${v.target} — ${v.detail}`,
  );
  const meta = report.meta;
  return [
    `nest-orchestrator micro benchmark — ${String(meta.mode)} mode, ${String(meta.node)}, ${String(meta.cpu)} ×${String(meta.cores)}, load ${String(meta.loadAverage)}`,
    `medians of ${String(meta.rounds)} rounds; ns/op over floor and × floor are medians of same-round differences/ratios; heap = bytes allocated per run (GC-free windows, includes the loop's await)`,
    '',
    rows,
    '',
    'Overhead over the floor as a line in operations (least squares over 1, 3, 10, 30):',
    lines,
    '',
    'Heap per run as operations grow (bytes allocated over the floor, per operation):',
    flat,
    '',
    leaks,
    '',
    'Targets:',
    ...verdictLines,
  ].join('\n');
}
