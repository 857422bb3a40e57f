// `npm run bench:micro`: the orchestrator against hand-written awaits, in one process.
//
//   node --expose-gc dist-bench/bench/micro.bench.js [options]
//
//   --quick            tiny counts (seconds; numbers meaningless); also BENCH_QUICK=1
//   --json             also write bench/results/micro-<mode>-node<major>-<date>.json (and -latest)
//   --rounds=N         measured rounds (default 7; medians need ≥ 5)
//   --leak-runs=N      runs per leak check (default 1,000,000)
//   --filter=a,b       only cases whose id contains a or b (and their floors); no leak check
//   --show-floor=GROUP print the generated hand-written floor of GROUP (e.g. mixed-3) and exit
//   --profile=ID       run case ID (e.g. async-10/runner) in a loop for --seconds=N (default 5)
//                      and exit: use under `node --cpu-prof` to see the hot path alone
//   --steady=A,B       cases A and B in alternating 1 s windows (--pairs=N, default 5) timed by
//                      CPU with GC included, e.g. --steady=mixed-3/runner,mixed-3/keyed
import 'reflect-metadata';
import { flag, numberFlag, wholeFlag } from './flags.js';
import { buildCases } from './micro/cases.js';
import { loadPrometheusHook } from './micro/prometheus.hook.js';
import { formatReport } from './micro/report.js';
import { FULL, QUICK, runMicro, writeJson, type MicroOptions } from './micro/run.js';
import { formatSteady, steadyState } from './micro/steady-state.js';

const log = (line: string) => process.stderr.write(`[bench:micro] ${line}\n`);

async function profile(id: string, seconds: number): Promise<void> {
  const set = await buildCases(await loadPrometheusHook());
  try {
    const found = set.cases.find((c) => c.id === id && c.skipped === undefined);
    if (found === undefined) throw new Error(`no runnable case "${id}"`);
    await found.check();
    const call = found.call;
    const until = Date.now() + seconds * 1000;
    let runs = 0;
    while (Date.now() < until) {
      for (let i = 0; i < 1000; i++) await call();
      runs += 1000 * found.concurrency;
    }
    log(`${id}: ${runs.toLocaleString('en-US')} runs in ${seconds} s`);
  } finally {
    await set.close();
  }
}

async function steady(ids: string, pairs: number): Promise<void> {
  const set = await buildCases(await loadPrometheusHook());
  try {
    const [a, b] = ids.split(',').map((id) => {
      const found = set.cases.find((c) => c.id === id && c.skipped === undefined);
      if (found === undefined) throw new Error(`no runnable case "${id}"`);
      return found;
    });
    if (b === undefined) throw new Error('--steady needs two case ids: --steady=A,B');
    await a.check();
    await b.check();
    process.stdout.write(`${formatSteady(await steadyState(a, b, pairs, 1000))}\n`);
  } finally {
    await set.close();
  }
}

async function main(): Promise<void> {
  const profileId = flag('profile');
  if (typeof profileId === 'string') return profile(profileId, numberFlag('seconds', 0) ?? 5);
  const steadyIds = flag('steady');
  if (typeof steadyIds === 'string') return steady(steadyIds, wholeFlag('pairs', 1) ?? 5);

  const showFloor = flag('show-floor');
  if (typeof showFloor === 'string') {
    const set = await buildCases(await loadPrometheusHook());
    await set.close();
    process.stdout.write(`${set.floorSources[showFloor] ?? `no group "${showFloor}"`}\n`);
    return;
  }

  const quick = flag('quick') === true || ['1', 'true'].includes(process.env.BENCH_QUICK ?? '');
  const base = quick ? QUICK : FULL;
  const filter = flag('filter');
  const options: MicroOptions = {
    ...base,
    mode: quick ? 'quick' : 'full',
    timing: { ...base.timing, rounds: numberFlag('rounds', 0) ?? base.timing.rounds },
    leakRuns: numberFlag('leak-runs', 0) ?? base.leakRuns,
    filter: typeof filter === 'string' ? filter.split(',') : undefined,
    log,
  };
  if (typeof (globalThis as { gc?: unknown }).gc !== 'function') {
    log('run with `node --expose-gc` (npm run bench:micro does); enabling gc at run time instead');
  }
  const started = Date.now();
  const report = await runMicro(options);
  process.stdout.write(`${formatReport(report)}\n`);
  if (flag('json') === true) log(`wrote ${await writeJson(report)}`);
  log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

await main();
