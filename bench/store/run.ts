// Runs the whole store benchmark and returns its report; the CLI (bench/store.bench.ts) and the
// smoke test (test/bench-smoke.spec.ts) both call `runStore`.
import { Logger, type LogLevel } from '@nestjs/common';
import { join } from 'node:path';
import { applyBenchEnv } from '../http/env.js';
import { loadAverage, machine } from '../machine.js';
import { repoRoot } from '../micro/run.js';
import { openStoreDatabase } from './database.js';
import { timeRounds, type StoreTiming } from './measure.js';
import { buildOperations, RESULT_BYTES } from './operations.js';
import { buildRows, keyedCost, type StoreReport } from './report.js';
import type { StoreApp } from './store-app.js';
import { writeReportJson } from '../results-file.js';

export interface StoreOptions {
  readonly mode: 'full' | 'quick';
  readonly timing: StoreTiming;
  /** A PostgreSQL server: the bench runs on a throwaway database there. Unset: in-memory PGlite. */
  readonly serverUrl?: string;
  /** Nest's log levels while booting and closing (default: errors and warnings). */
  readonly logger?: LogLevel[] | false;
  readonly log?: (line: string) => void;
}

/** ~15 s on PGlite, less on a local PostgreSQL: 9 rounds × 4 operations × 200 calls. */
export const STORE_FULL: Omit<StoreOptions, 'mode'> = {
  timing: { rounds: 9, callsPerRound: 200, warmupCalls: 100 },
};

/** Seconds, for the smoke test: every row, no meaningful numbers. */
export const STORE_QUICK: Omit<StoreOptions, 'mode'> = {
  timing: { rounds: 2, callsPerRound: 5, warmupCalls: 2 },
};

/** The starter's env (bench/http/env.ts) pointed at `database`, then its modules, loaded now. */
async function boot(env: Record<string, string>, logger: LogLevel[] | false): Promise<StoreApp> {
  const restore = applyBenchEnv({ production: false });
  Object.assign(process.env, env);
  try {
    const { bootStoreApp } = await import('./store-app.js');
    return await bootStoreApp(logger);
  } finally {
    restore();
  }
}

export async function runStore(options: StoreOptions): Promise<StoreReport> {
  const log = options.log ?? (() => undefined);
  const logger = options.logger ?? ['error', 'warn'];
  // The migration runner logs each migration it applies; nobody needs that here.
  Logger.overrideLogger(logger);
  const loadBefore = loadAverage();
  const database = await openStoreDatabase(options.serverUrl);
  try {
    const started = Date.now();
    const app = await boot(database.env, logger);
    const name = database.kind === 'postgres' ? 'PostgreSQL' : 'PGlite, PostgreSQL';
    const label = `${name} ${app.serverVersion}`;
    log(`${label}, ${database.target}: up after ${Date.now() - started} ms`);
    try {
      const operations = await buildOperations(app);
      const samples = await timeRounds(operations, options.timing, (round, of) =>
        log(round === 0 ? 'warm-up round' : `round ${round}/${of}`),
      );
      const rows = buildRows(operations, samples);
      return {
        meta: {
          mode: options.mode,
          ...machine(),
          loadAverageBefore: loadBefore,
          loadAverageAfter: loadAverage(),
          database: label,
          kind: database.kind,
          target: database.target,
          // In-memory PGlite keeps nothing, whatever its settings say.
          durability: database.kind === 'postgres' ? app.durability : undefined,
          rounds: options.timing.rounds,
          callsPerRound: options.timing.callsPerRound,
          warmupCalls: options.timing.warmupCalls,
          leaseMs: app.leaseMs,
          retainMs: app.retainMs,
          resultBytes: RESULT_BYTES,
        },
        rows,
        keyedCost: keyedCost(rows),
      };
    } finally {
      await app.close();
    }
  } finally {
    await database.drop();
  }
}

/** Writes `store-<mode>-node<major>-<date>.json` and its `-latest.json`; returns the dated path. */
export function writeStoreJson(
  report: StoreReport,
  dir = join(repoRoot(), 'bench', 'results'),
): Promise<string> {
  return writeReportJson('store', report, dir);
}
