// `npm run bench:http`: the same request work hand-written and through `@Pipeline`, over HTTP.
//
// NOT IMPLEMENTED YET: it needs the starter application (issue 3). Until then this prints what
// it will do and exits 0, so `npm run bench` (micro && http) still runs the micro part.
//
// Plan (issue 6, "HTTP"), with the pieces that exist already:
//   1. Boot the starter ONCE through `createApp()` (src/app.setup.ts), with an extra bench-only
//      module (bench/http/bench-routes.module.ts, to write) that adds two routes doing the same
//      three-operation work on the same database, so the starter ships no bench code:
//        GET /bench/hand-written   three awaits in a controller method
//        GET /bench/pipeline       the same three steps as @Operation()s of a @Pipeline
//      and the same pair with a database operation (a Prisma read on the embedded PGlite) as one
//      of the steps, to show the orchestrator's share of a realistic request.
//   2. Listen on 127.0.0.1:0 (an ephemeral port), log off.
//   3. Load each pair with `runAb()` (bench/http/ab.ts, ready): autocannon, bounded duration,
//      alternating A/B/A/B, medians of requests/s, p50 and p99 latency, and the ratio.
//   4. Print a table with the target beside it (pipeline route ≥ 0.95 × hand-written req/s), and
//      write bench/results/http-<date>.json with --json. Keep it under ~3 minutes (rounds 4 ×
//      5 s × 2 sides × 2 pairs ≈ 80 s + warm-up), so `npm run bench` stays under 5 minutes.
//   5. A `--quick` mode (rounds 1, 1 s) for a smoke test, as for the micro bench.
export {};

const quick = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
process.stdout.write(
  `bench:http skipped${quick ? ' (quick)' : ''}: the HTTP benchmark waits for the starter ` +
    'application (issue 3); see the plan at the top of bench/http.bench.ts.\n',
);
