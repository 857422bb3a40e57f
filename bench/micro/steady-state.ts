// `--steady=A,B`: two cases run back to back for whole seconds, in alternating windows, timed
// by the process's CPU clock with every GC included. Rounds of a few milliseconds (the table)
// take their median over rounds, so a row whose cost is mostly GC (a keyed run retaining its
// result) looks cheaper there than it is; this mode shows what such a run costs in a steady state.
import type { BenchCase } from './cases.js';

export interface SteadyWindow {
  readonly id: string;
  readonly runs: number;
  readonly cpuNsPerRun: number;
}

export interface SteadyReport {
  readonly a: string;
  readonly b: string;
  readonly windows: readonly SteadyWindow[];
  /** Median over window pairs of B − A, in CPU ns per run. */
  readonly medianDiffNs: number;
}

async function window(item: BenchCase, ms: number): Promise<SteadyWindow> {
  const cpu = process.cpuUsage();
  const until = Date.now() + ms;
  let runs = 0;
  while (Date.now() < until) {
    for (let i = 0; i < 1000; i++) await item.call();
    runs += 1000 * item.concurrency;
  }
  const used = process.cpuUsage(cpu);
  return { id: item.id, runs, cpuNsPerRun: ((used.user + used.system) * 1000) / runs };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** `pairs` windows of `ms` per case, A B then B A, after one unrecorded window each. */
export async function steadyState(
  a: BenchCase,
  b: BenchCase,
  pairs: number,
  ms: number,
): Promise<SteadyReport> {
  await window(a, ms);
  await window(b, ms);
  const windows: SteadyWindow[] = [];
  const diffs: number[] = [];
  for (let i = 0; i < pairs; i++) {
    const order = i % 2 === 0 ? [a, b] : [b, a];
    const first = await window(order[0], ms);
    const second = await window(order[1], ms);
    const [wa, wb] = order[0] === a ? [first, second] : [second, first];
    windows.push(wa, wb);
    diffs.push(wb.cpuNsPerRun - wa.cpuNsPerRun);
  }
  return { a: a.id, b: b.id, windows, medianDiffNs: median(diffs) };
}

export function formatSteady(report: SteadyReport): string {
  const perCase = (id: string) =>
    median(report.windows.filter((w) => w.id === id).map((w) => w.cpuNsPerRun));
  const fmt = (ns: number) => Math.round(ns).toLocaleString('en-US');
  return [
    `steady state, CPU ns/run with GC (median of ${report.windows.length / 2} windows each):`,
    `  ${report.a}: ${fmt(perCase(report.a))}`,
    `  ${report.b}: ${fmt(perCase(report.b))}`,
    `  ${report.b} − ${report.a}: ${fmt(report.medianDiffNs)} (median of same-pair differences)`,
  ].join('\n');
}
