// `npm run bench:http`: the same request work hand-written and through `@Pipeline`, over HTTP.
//
//   node dist-bench/bench/http.bench.js [options]
//
//   --quick              every pair once for 1 s, 2 connections (seconds; numbers meaningless);
//                        also BENCH_QUICK=1
//   --json               also write bench/results/http-<mode>-node<major>-<date>.json (and -latest)
//   --rounds=N           measured A/B rounds per pair (default 40)
//   --duration=S         seconds per side per round, fractions from 0.1 (default 1)
//   --warmup=S           unrecorded seconds per side before a pair (default 2)
//   --connections=N      autocannon connections (default 10)
//   --pairs=cpu,db       only these pairs (cpu, db, db-reply; same: a route against itself;
//                        twin: it against a second route calling it; budget: the pipeline
//                        without and with the 2 s default operation budget)
//   --cpu-prof-dir=DIR   run the server under `node --cpu-prof`; its profile lands in DIR
//                        (summarise with dist-bench/bench/profile-summary.js)
//   --perf=FILE          sample the server with Linux `perf` into FILE and print, per pair, where
//                        B's extra µs per request go (bench/http/perf-sampler.ts, perf-breakdown.ts)
//
// What it does: forks dist-bench/bench/http/server-child.js, which boots the starter once (its
// AppModule, createFastifyAdapter, configureApp: what createApp builds) plus BenchRoutesModule
// (bench/http/bench-routes.module.ts) on 127.0.0.1, an in-memory PGlite database, NODE_ENV=
// production. This process then loads each pair of routes with autocannon, alternating A/B,
// and reads the server's CPU time around every run over IPC.
import { flag, numberFlag, wholeFlag } from './flags.js';
import { formatHttpReport } from './http/report.js';
import { HTTP_FULL, HTTP_QUICK, runHttp, writeHttpJson, type HttpOptions } from './http/run.js';

const log = (line: string) => process.stderr.write(`[bench:http] ${line}\n`);

async function main(): Promise<void> {
  const quick = flag('quick') === true || ['1', 'true'].includes(process.env.BENCH_QUICK ?? '');
  const base = quick ? HTTP_QUICK : HTTP_FULL;
  const pairs = flag('pairs');
  const cpuProfDir = flag('cpu-prof-dir');
  const perfFile = flag('perf');
  if (perfFile === true) throw new Error('--perf needs a file: --perf=/tmp/server.perf');
  const options: HttpOptions = {
    mode: quick ? 'quick' : 'full',
    server: 'child',
    rounds: wholeFlag('rounds', 1) ?? base.rounds,
    durationSec: numberFlag('duration', 0.1) ?? base.durationSec,
    warmupSec: wholeFlag('warmup', 0) ?? base.warmupSec,
    connections: wholeFlag('connections', 1) ?? base.connections,
    pairs: typeof pairs === 'string' ? pairs.split(',') : undefined,
    cpuProfDir: typeof cpuProfDir === 'string' ? cpuProfDir : undefined,
    perfFile: typeof perfFile === 'string' ? perfFile : undefined,
    log,
  };
  const started = Date.now();
  const report = await runHttp(options);
  process.stdout.write(`${formatHttpReport(report)}\n`);
  if (flag('json') === true) log(`wrote ${await writeHttpJson(report)}`);
  log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  // A benchmark, not a test: a missed target is printed, not an exit code (micro does the same).
}

await main();
