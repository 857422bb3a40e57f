// Compares micro results written with --json: before (A) and after (B) a change, each side the
// median of one or more runs (alternate A/B/A/B runs on a busy machine). Compares the figures
// taken against the floor in the same process, so machine drift between runs mostly cancels.
//
//   node dist-bench/bench/compare.js --a=a1.json,a2.json --b=b1.json,b2.json [--filter=runner]
import { readFile } from 'node:fs/promises';
import { median } from './micro/measure.js';
import type { MicroReport, Row } from './micro/report.js';

export interface Comparison {
  readonly id: string;
  readonly ops: number;
  readonly aNsPerOp: number;
  readonly bNsPerOp: number;
  readonly aBytesPerOp: number;
  readonly bBytesPerOp: number;
}

export function compare(a: readonly MicroReport[], b: readonly MicroReport[]): Comparison[] {
  const pick = (reports: readonly MicroReport[], id: string, field: keyof Row) =>
    median(
      reports
        .map((report) => report.rows.find((row) => row.id === id)?.[field])
        .filter((value): value is number => typeof value === 'number' && Number.isFinite(value)),
    );
  return a[0].rows
    .filter((row) => row.variant !== 'floor' && row.skipped === undefined)
    .map((row) => ({
      id: row.id,
      ops: row.ops,
      aNsPerOp: pick(a, row.id, 'nsPerOpOverFloor'),
      bNsPerOp: pick(b, row.id, 'nsPerOpOverFloor'),
      aBytesPerOp: pick(a, row.id, 'heapBytesPerOpOverFloor'),
      bBytesPerOp: pick(b, row.id, 'heapBytesPerOpOverFloor'),
    }));
}

async function load(list: string): Promise<MicroReport[]> {
  return Promise.all(
    list.split(',').map(async (file) => JSON.parse(await readFile(file, 'utf8')) as MicroReport),
  );
}

async function main(): Promise<void> {
  const arg = (name: string) =>
    process.argv.find((value) => value.startsWith(`--${name}=`))?.slice(name.length + 3);
  const a = arg('a');
  const b = arg('b');
  if (a === undefined || b === undefined) throw new Error('usage: --a=x.json[,y.json] --b=...');
  const filter = arg('filter');
  const rows = compare(await load(a), await load(b)).filter(
    (row) => filter === undefined || row.id.includes(filter),
  );
  const f = (value: number) => (Number.isFinite(value) ? value.toFixed(0) : '—');
  process.stdout.write(
    `${'case'.padEnd(24)} ${'ns/op over floor A → B'.padStart(24)} ${'change'.padStart(7)} ${'ΔB/op A → B'.padStart(14)}\n`,
  );
  for (const row of rows) {
    const change = ((row.bNsPerOp - row.aNsPerOp) / row.aNsPerOp) * 100;
    process.stdout.write(
      `${row.id.padEnd(24)} ${`${f(row.aNsPerOp)} → ${f(row.bNsPerOp)}`.padStart(24)} ${`${change > 0 ? '+' : ''}${change.toFixed(0)}%`.padStart(7)} ${`${f(row.aBytesPerOp)} → ${f(row.bBytesPerOp)}`.padStart(14)}\n`,
    );
  }
}

if (process.argv[1]?.endsWith('compare.js')) await main();
