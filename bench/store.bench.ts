// `npm run bench:store`: what an idempotency key costs on the starter's PrismaRunStore (issue 14).
//
//   node dist-bench/bench/store.bench.js [options]
//
//   --quick          a handful of calls (seconds; numbers meaningless); also BENCH_QUICK=1
//   --json           also write bench/results/store-<mode>-node<major>-<date>.json (and -latest)
//   --rounds=N       measured rounds (default 9)
//   --calls=N        calls of each operation per round (default 200)
//
//   BENCH_DATABASE_URL (or TEST_DATABASE_URL) = postgresql://user:pw@host:port/db
//                    run on a throwaway database created on that server (the role needs
//                    CREATEDB), dropped at the end; unset: an in-memory PGlite
//
// What it does: boots the starter's AppConfigModule, DatabaseModule and RunsModule in a Nest
// application context (bench/store/store-app.ts), then times, in alternating rounds, SELECT 1
// through the same Prisma client and the PrismaRunStore calls a keyed run makes
// (bench/store/operations.ts), each as ms and as a multiple of SELECT 1.
import { flag, wholeFlag } from './flags.js';
import { formatStoreReport } from './store/report.js';
import { runStore, STORE_FULL, STORE_QUICK, writeStoreJson } from './store/run.js';

const log = (line: string) => process.stderr.write(`[bench:store] ${line}\n`);

async function main(): Promise<void> {
  const quick = flag('quick') === true || ['1', 'true'].includes(process.env.BENCH_QUICK ?? '');
  const base = quick ? STORE_QUICK : STORE_FULL;
  const started = Date.now();
  const report = await runStore({
    mode: quick ? 'quick' : 'full',
    timing: {
      ...base.timing,
      rounds: wholeFlag('rounds', 1) ?? base.timing.rounds,
      callsPerRound: wholeFlag('calls', 1) ?? base.timing.callsPerRound,
    },
    serverUrl: process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || undefined,
    log,
  });
  process.stdout.write(`${formatStoreReport(report)}\n`);
  if (flag('json') === true) log(`wrote ${await writeStoreJson(report)}`);
  log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

await main();
