// The case matrix: which pipelines run, under which variant, against which floor. Everything runs
// through real Nest application contexts (`NestFactory.createApplicationContext`) and the public
// `Orchestrator.run()`, exactly as a service calls it.
import {
  Module,
  type DynamicModule,
  type INestApplicationContext,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  InMemoryRunStore,
  Orchestrator,
  OrchestratorModule,
  RUN_STORE,
  type OrchestratorModuleOptions,
  type RunOptions,
  type RunStore,
} from 'nest-orchestrator';
import { InspectorObserver, OrchestratorInspectorModule } from 'nest-orchestrator/inspector';
import {
  BENCH_INPUT,
  defineFloor,
  definePipeline,
  expectedN,
  floorSource,
  opSpecs,
  type BenchPipeline,
  type Mix,
  type OpSpec,
} from './pipelines.js';
import { peerCases, type PeerVariant } from './peers.js';
import type { ObserverHook } from './prometheus.hook.js';
import { withTracingSdk } from './tracing.hook.js';

export const SIZES = [1, 3, 10, 30] as const;
export const MIXES: readonly Mix[] = ['sync', 'async', 'mixed'];

/**
 * - `floor`: hand-written awaits (see pipelines.ts);
 * - `runner`: `Orchestrator.run()` with no observers, no timeouts, no signal, `tracing: false`;
 * - `op-timeouts`: `timeoutMs` on every operation (set, never hit);
 * - `run-timeout`: a pipeline `timeoutMs` (set, never hit);
 * - `signal`: a caller `AbortSignal` that never fires;
 * - `prometheus`: `runner` with the Prometheus observer on;
 * - `keyed`: `runner` with a fresh `idempotencyKey` per run on the default in-memory store,
 *   compared with `runner` rather than the floor (a few groups only, see KEYED_GROUPS);
 * - `keyed-own-fingerprint`, `keyed-100-results`: `keyed` with the caller's fingerprint (no
 *   hashing of the input), or on a store that keeps 100 results instead of 10,000: what each
 *   part of a keyed run's cost is (information, no target);
 * - `journal`: `runner` on the same pipeline with its async operation compensable, so every run
 *   records a crash-recovery entry on the default in-memory store before that operation and
 *   clears it at the end, compared with `runner` (information, no target);
 * - `side-by-side`: `a`, then `b`, `c`, `d` with `after: ['a']`, against hand-written
 *   `await a(); await Promise.all([b(), c(), d()])` (group `fan-out-4`);
 * - `inspector`: `runner` with the pipelines page's observer (`nest-orchestrator/inspector`) on,
 *   its histograms and recent-runs ring buffer included, compared with `runner`;
 * - `medusa`, `effect`: the `mixed-3` pipeline on a peer engine (peers.ts), information only;
 * - `tracing-no-sdk`: `runner` with tracing on (the default) and no OpenTelemetry SDK registered,
 *   compared with `runner` (tracing off); `tracing-sdk`: the same with an SDK, a batch processor
 *   and an exporter that discards, what a span per run and per operation costs (information).
 */
export type Variant =
  | 'floor'
  | 'runner'
  | 'op-timeouts'
  | 'run-timeout'
  | 'signal'
  | 'prometheus'
  | 'keyed'
  | 'keyed-own-fingerprint'
  | 'keyed-100-results'
  | 'journal'
  | 'side-by-side'
  | 'inspector'
  | 'tracing-no-sdk'
  | 'tracing-sdk'
  | PeerVariant;
/** Variants measured for every group; `keyed` has its own rows (KEYED_GROUPS). */
export const VARIANTS: readonly Variant[] = [
  'floor',
  'runner',
  'op-timeouts',
  'run-timeout',
  'signal',
  'prometheus',
];

/** Groups that also get a `keyed` row: a key's cost is per run, so a few sizes say it all. */
export const KEYED_GROUPS = ['async-1', 'mixed-3', 'mixed-10'] as const;

/** Groups that also get the inspector row, compared with their `runner` row. */
export const INSPECTOR_GROUPS = ['sync-10', 'async-10', 'mixed-10'] as const;

/** Groups that also get the tracing rows, compared with their `runner` row. */
export const TRACING_GROUPS = ['sync-10', 'async-10', 'mixed-10'] as const;

/**
 * Per-operation overhead over the floor, in ns, that a variant must stay under (issue 6); for
 * `tracing-no-sdk`, over `runner` (issue 13: tracing on without an SDK ≤ 0.05 µs).
 */
export const TARGET_NS_PER_OP: Partial<Record<Variant, number>> = {
  prometheus: 500,
  'op-timeouts': 1500,
  // Over `runner`, not the floor (issue 15: the inspector's observer ≤ 0.1 µs per operation).
  inspector: 100,
  'tracing-no-sdk': 50,
};

/**
 * The plain runner's overhead as a least-squares line over 1, 3, 10 and 30 operations (issue 12):
 * what one more operation costs and what a run costs besides its operations.
 */
export const TARGET_LINE: Partial<Record<Variant, { nsPerOp: number; nsFixed: number }>> = {
  runner: { nsPerOp: 100, nsFixed: 250 },
};

/** Per-run overhead, in ns, over the row named by the case's `floor` (issue 14: a key ≤ 1 µs). */
export const TARGET_NS_PER_RUN: Partial<Record<Variant, number>> = {
  keyed: 1000,
  'side-by-side': 1000,
};

export interface BenchCase {
  /** `<group>/<variant>`, e.g. `async-10/runner`. */
  readonly id: string;
  readonly group: string;
  readonly variant: Variant;
  readonly ops: number;
  /** Runs started at once by one `call()` (> 1 only where a timer must really fire). */
  readonly concurrency: number;
  /** `cpu` where a real timer must fire: the wait is not work (see measure.ts). */
  readonly clock: 'wall' | 'cpu';
  /** Id of the row this case is compared with: its group's floor (itself for a floor), or
   * `<group>/runner` for `keyed`. */
  readonly floor: string;
  readonly targetNsPerOp?: number;
  /** A target on the whole run's overhead over `floor`, for costs paid once per run. */
  readonly targetNsPerRun?: number;
  /** Set when the case cannot run here; its row says why. */
  readonly skipped?: string;
  readonly call: () => Promise<unknown>;
  /** Runs the case once and throws unless the result is what the case claims to measure. */
  readonly check: () => Promise<void>;
}

export interface CaseSet {
  readonly cases: BenchCase[];
  /** Floor source per group, for the JSON and `--show-floor`. */
  readonly floorSources: Record<string, string>;
  /** Pipelines for the leak check. */
  readonly leak: { id: string; description: string; call: () => Promise<unknown> }[];
  close(): Promise<void>;
}

interface PipelineEntry {
  readonly name: string;
  readonly target: Type<BenchPipeline>;
  readonly specs: readonly OpSpec[];
}

const LONG_MS = 60_000; // timeouts that are set but never hit

async function createContext(
  name: string,
  providers: Type<unknown>[],
  imports: (Type<unknown> | DynamicModule)[] = [],
  options: OrchestratorModuleOptions = {},
): Promise<INestApplicationContext> {
  const appModule = class {};
  Object.defineProperty(appModule, 'name', { value: name });
  Module({
    imports: [OrchestratorModule.forRoot({ logFailures: false, ...options }), ...imports],
    providers,
  })(appModule);
  return NestFactory.createApplicationContext(appModule, { logger: false, abortOnError: false });
}

function assert(condition: boolean, message: string): void {
  if (!condition) throw new Error(`bench case check failed: ${message}`);
}

interface RunResultLike {
  success: boolean;
  data?: { n: number };
  errors: { code: string }[];
  metrics: Record<string, number>;
}

/** Builds every pipeline, boots the contexts and returns the cases, in measurement order. */
export async function buildCases(prometheus: ObserverHook): Promise<CaseSet> {
  const entries = new Map<string, PipelineEntry>();
  const add = (name: string, specs: OpSpec[], options: { timeoutMs?: number } = {}) => {
    const entry = { name, target: definePipeline(name, specs, options), specs };
    entries.set(name, entry);
    return entry;
  };

  const groups: {
    group: string;
    ops: number;
    plain: PipelineEntry;
    variants: Map<Variant, PipelineEntry>;
  }[] = [];
  for (const size of SIZES) {
    for (const mix of MIXES) {
      if (mix === 'mixed' && size === 1) continue; // one operation cannot mix
      const group = `${mix}-${size}`;
      const plain = add(`bench-${group}`, opSpecs(size, mix));
      const variants = new Map<Variant, PipelineEntry>([
        [
          'op-timeouts',
          add(`bench-${group}-op-timeouts`, opSpecs(size, mix, { timeoutMs: LONG_MS })),
        ],
        [
          'run-timeout',
          add(`bench-${group}-run-timeout`, opSpecs(size, mix), { timeoutMs: LONG_MS }),
        ],
      ]);
      groups.push({ group, ops: size, plain, variants });
    }
  }

  // Fan-out: one operation, then three side by side after it.
  const fanOutSpecs = opSpecs(4, 'async', {
    override: Object.fromEntries(
      [1, 2, 3].map((i) => [i, { after: ['op0'], returnsPartial: false }]),
    ),
  });
  const fanOut = add('bench-fan-out-4', fanOutSpecs);

  // Non-critical failure path: the second operation (async) throws; the run goes on.
  const failures = [3, 10].map((size) =>
    add(
      `bench-failure-${size}`,
      opSpecs(size, 'mixed', { override: { 1: { behaviour: 'throw', critical: false } } }),
    ),
  );
  // Timeout actually hit: a non-critical operation that never settles and has 1 ms. A timer
  // cannot fire sooner than 1 ms (and libuv rounds to whole ms), so runs are started
  // concurrently and measured in CPU time, not wall time: the floor (hand-written
  // AbortController + setTimeout race) and the runner both wait the same timer, and what is
  // compared is the work of creating, firing and handling it.
  const hit = add(
    'bench-timeout-hit-3',
    opSpecs(3, 'mixed', { override: { 1: { behaviour: 'hang', critical: false, timeoutMs: 1 } } }),
  );
  // Leak check: everything that holds resources at once (per-operation timers and controllers,
  // a run timer, a listener on a long-lived caller signal, a failure, signal reads).
  const leakAll = add(
    'bench-leak-all-features',
    opSpecs(4, 'mixed', {
      timeoutMs: LONG_MS,
      override: {
        1: { readsSignal: true },
        2: { behaviour: 'throw', critical: false, async: true },
      },
    }),
    { timeoutMs: LONG_MS },
  );

  // Crash-safe compensation: the async operation of mixed-3 gets a compensation.
  const journaled = add(
    'bench-mixed-3-journal',
    opSpecs(3, 'mixed', { override: { 1: { compensable: true } } }),
  );

  const groupOf = (group: string) => groups.find((g) => g.group === group)!;
  const providers = [...entries.values()].map((entry) => entry.target);
  const plainApp = await createContext('BenchPlainModule', providers, [], { tracing: false });
  const orchestrator = plainApp.get(Orchestrator);
  const instanceOf = (entry: PipelineEntry) => plainApp.get(entry.target);

  const promApp = await createContext(
    'BenchPrometheusModule',
    groups.map((g) => g.plain.target),
    prometheus.imports,
  );
  const promOrchestrator = promApp.get(Orchestrator);
  // `runner` and `observed` are private; read here only so a "prometheus" row can never measure
  // no observer.
  const runner = Reflect.get(promOrchestrator, 'runner') as object;
  assert(Reflect.get(runner, 'observed') === true, 'the Prometheus context has no observer');

  const tracingTargets = TRACING_GROUPS.map((group) => groupOf(group).plain.target);
  // The default options, as an app without an SDK has them: tracing on, nothing to trace with.
  const noSdkApp = await createContext('BenchTracingNoSdkModule', tracingTargets);
  const [sdkApp, sdk] = await withTracingSdk(() =>
    createContext('BenchTracingSdkModule', tracingTargets),
  );
  const instrumented = (app: INestApplicationContext) =>
    Reflect.get(Reflect.get(app.get(Orchestrator), 'runner') as object, 'instrumentation') !==
    undefined;
  assert(!instrumented(noSdkApp), 'tracing without an SDK instruments the runner');
  assert(instrumented(sdkApp), 'tracing with an SDK does not instrument the runner');

  // The page itself is never served here: what is measured is its observer on the hot path.
  const inspectorApp = await createContext(
    'BenchInspectorModule',
    INSPECTOR_GROUPS.map((group) => groupOf(group).plain.target),
    [OrchestratorInspectorModule.forRoot({ enabled: true })],
    { tracing: false },
  );

  // A signal that never fires, shared by every run, as a long-lived server signal would be; a
  // per-request AbortController is the caller's cost, not the orchestrator's.
  const never = new AbortController();
  const signalOptions: RunOptions = { signal: never.signal };

  const cases: BenchCase[] = [];
  const floorSources: Record<string, string> = {};

  const runnerCase = (
    group: string,
    variant: Variant,
    ops: number,
    entry: PipelineEntry,
    options: RunOptions | undefined,
    on: Orchestrator = orchestrator,
    expectErrors = 0,
    /** `null`: a path (failure, timeout) with no target of its own. */
    targetNs: number | null | undefined = TARGET_NS_PER_OP[variant],
  ): BenchCase => {
    const target = entry.target;
    const n = expectedN(entry.specs);
    const call = () => on.run(target, BENCH_INPUT, options);
    return {
      id: `${group}/${variant}`,
      group,
      variant,
      ops,
      concurrency: 1,
      clock: 'wall',
      floor: `${group}/floor`,
      targetNsPerOp: targetNs ?? undefined,
      call,
      check: async () => {
        const result = (await call()) as unknown as RunResultLike;
        assert(result.success, `${group}/${variant} did not succeed`);
        assert(
          result.data?.n === n,
          `${group}/${variant} ran ${result.data?.n} of ${n} operations`,
        );
        assert(result.errors.length === expectErrors, `${group}/${variant} errors`);
        assert(Object.keys(result.metrics).length === ops, `${group}/${variant} metrics`);
      },
    };
  };

  const floorCase = (
    group: string,
    ops: number,
    entry: PipelineEntry,
    expectErrors = 0,
  ): BenchCase => {
    const floor = defineFloor(instanceOf(entry), entry.specs);
    floorSources[group] = floorSource(entry.specs);
    const n = expectedN(entry.specs);
    const call = () => floor(BENCH_INPUT);
    return {
      id: `${group}/floor`,
      group,
      variant: 'floor',
      ops,
      concurrency: 1,
      clock: 'wall',
      floor: `${group}/floor`,
      call,
      check: async () => {
        const out = (await call()) as { n: number } | { ctx: { n: number }; errors: unknown[] };
        const ctx = 'ctx' in out ? out.ctx : out;
        const errors = 'errors' in out ? out.errors.length : 0;
        assert(ctx.n === n && errors === expectErrors, `${group}/floor ran ${ctx.n} of ${n}`);
      },
    };
  };

  for (const { group, ops, plain, variants } of groups) {
    cases.push(floorCase(group, ops, plain));
    cases.push(runnerCase(group, 'runner', ops, plain, undefined));
    cases.push(runnerCase(group, 'op-timeouts', ops, variants.get('op-timeouts')!, undefined));
    cases.push(runnerCase(group, 'run-timeout', ops, variants.get('run-timeout')!, undefined));
    cases.push(runnerCase(group, 'signal', ops, plain, signalOptions));
    const prom = runnerCase(group, 'prometheus', ops, plain, undefined, promOrchestrator);
    cases.push({
      ...prom,
      check: async () => {
        await prom.check();
        await prometheus.verify(promApp, plain.name);
      },
    });
  }

  // A fresh key per call: every run claims, runs and stores its result, the path a first request
  // takes. The store keeps its bounded number of results, so the steady state includes eviction.
  const smallStoreApp = await createContext(
    'BenchSmallStoreModule',
    [groupOf('mixed-3').plain.target],
    [],
    {
      runStore: new InMemoryRunStore(Date.now, 100),
    },
  );
  let keySequence = 0;
  const keyedCase = (
    group: string,
    variant: Variant,
    on: Orchestrator,
    extra: Omit<RunOptions, 'idempotencyKey'> = {},
  ): BenchCase => {
    const { ops, plain } = groupOf(group);
    const base = runnerCase(group, 'runner', ops, plain, undefined);
    // The key first, then the spread: `{ ...extra, key }` adds a property to a clone of a
    // non-empty object, a ~1 µs slow path in V8 that the own-fingerprint row measured instead.
    // Without extra options, a plain literal: what a caller writes, and no spread to time.
    const call =
      Object.keys(extra).length === 0
        ? () => on.run(plain.target, BENCH_INPUT, { idempotencyKey: `bench-${++keySequence}` })
        : () =>
            on.run(plain.target, BENCH_INPUT, {
              idempotencyKey: `bench-${++keySequence}`,
              ...extra,
            });
    return {
      ...base,
      id: `${group}/${variant}`,
      variant,
      floor: `${group}/runner`,
      targetNsPerOp: undefined,
      targetNsPerRun: TARGET_NS_PER_RUN[variant],
      call,
      check: async () => {
        const first = (await call()) as unknown as RunResultLike & { replayed?: boolean };
        assert(first.success && first.replayed === undefined, `${group}/${variant} did not run`);
        assert(
          first.data?.n === expectedN(plain.specs),
          `${group}/${variant} ran the wrong operations`,
        );
        const again = (await on.run(plain.target, BENCH_INPUT, {
          idempotencyKey: `bench-${keySequence}`,
          ...extra,
        })) as unknown as { replayed?: boolean };
        assert(again.replayed === true, `${group}/${variant}: the key was not stored`);
      },
    };
  };
  for (const group of KEYED_GROUPS) cases.push(keyedCase(group, 'keyed', orchestrator));
  cases.push(
    keyedCase('mixed-3', 'keyed-own-fingerprint', orchestrator, { fingerprint: 'bench' }),
    keyedCase('mixed-3', 'keyed-100-results', smallStoreApp.get(Orchestrator)),
  );
  {
    const row = runnerCase('mixed-3', 'journal', 3, journaled, undefined);
    const store = plainApp.get<RunStore>(RUN_STORE);
    cases.push({
      ...row,
      floor: 'mixed-3/runner',
      check: async () => {
        assert(store instanceof InMemoryRunStore, 'mixed-3/journal needs the default store');
        const memory = store as InMemoryRunStore;
        // The record is claimed before the first await (operation 0 is sync), cleared at the end.
        const held = memory.size;
        const running = row.call();
        const recorded = memory.size === held + 1;
        await running;
        assert(recorded, 'mixed-3/journal recorded nothing before its compensable operation');
        await row.check();
        assert(memory.size === held, 'mixed-3/journal left its record');
      },
    });
  }
  cases.push(...(await peerCases(groupOf('mixed-3').plain.specs)));

  {
    const group = 'fan-out-4';
    cases.push(floorCase(group, 4, fanOut));
    const side = runnerCase(group, 'runner', 4, fanOut, undefined);
    cases.push({
      ...side,
      id: `${group}/side-by-side`,
      variant: 'side-by-side',
      targetNsPerOp: undefined,
      targetNsPerRun: TARGET_NS_PER_RUN['side-by-side'],
    });
  }

  for (const group of TRACING_GROUPS) {
    const { ops, plain } = groupOf(group);
    for (const [variant, app] of [
      ['tracing-no-sdk', noSdkApp],
      ['tracing-sdk', sdkApp],
    ] as const) {
      const row = runnerCase(group, variant, ops, plain, undefined, app.get(Orchestrator));
      cases.push({
        ...row,
        floor: `${group}/runner`,
        call: variant === 'tracing-sdk' ? sdk.isolated(row.call) : row.call,
        check: async () => {
          const before = sdk.exported();
          await sdk.isolated(row.check)();
          await sdk.flush();
          // A run span and one per operation, or none at all without an SDK.
          const spans = sdk.exported() - before;
          const expected = variant === 'tracing-sdk' ? ops + 1 : 0;
          assert(spans === expected, `${row.id} made ${spans} spans, not ${expected}`);
        },
      });
    }
  }

  for (const group of INSPECTOR_GROUPS) {
    const { ops, plain } = groupOf(group);
    const row = runnerCase(
      group,
      'inspector',
      ops,
      plain,
      undefined,
      inspectorApp.get(Orchestrator),
    );
    cases.push({
      ...row,
      floor: `${group}/runner`,
      check: async () => {
        await row.check();
        // Never a row that measures no observer: the run must be on the page.
        const page = inspectorApp.get(InspectorObserver).snapshot();
        const seen = page.pipelines.find((pipeline) => pipeline.name === plain.name);
        assert((seen?.recentRuns.length ?? 0) > 0, `${row.id}: the inspector saw no run`);
      },
    });
  }

  for (const entry of failures) {
    const group = entry.name.replace('bench-', '');
    cases.push(floorCase(group, entry.specs.length, entry, 1));
    cases.push(
      runnerCase(group, 'runner', entry.specs.length, entry, undefined, orchestrator, 1, null),
    );
  }

  {
    const group = 'timeout-hit-3';
    const concurrency = 128;
    const floor = floorCase(group, 3, hit, 1);
    const runner = runnerCase(group, 'runner', 3, hit, undefined, orchestrator, 1, null);
    const many = (call: () => Promise<unknown>) => () =>
      Promise.all(Array.from({ length: concurrency }, call));
    const runnerCheck = async () => {
      const result = (await runner.call()) as unknown as RunResultLike;
      assert(
        result.success && result.errors[0]?.code === 'TIMEOUT',
        'timeout-hit-3 did not time out',
      );
      assert(result.data?.n === 2, 'timeout-hit-3 did not go on after the timeout');
    };
    cases.push({ ...floor, concurrency, clock: 'cpu', call: many(floor.call) });
    cases.push({
      ...runner,
      concurrency,
      clock: 'cpu',
      call: many(runner.call),
      check: runnerCheck,
    });
  }

  const leakOptions: RunOptions = { signal: never.signal };
  const leak = [
    {
      id: 'mixed-3/runner',
      description: 'plain runner, 3 mixed operations',
      call: () => orchestrator.run(entries.get('bench-mixed-3')!.target, BENCH_INPUT),
    },
    {
      id: 'all-features-4',
      description:
        '4 mixed ops: per-op + run timeouts, shared caller signal, a non-critical failure',
      call: () => orchestrator.run(leakAll.target, BENCH_INPUT, leakOptions),
    },
  ];

  return {
    cases,
    floorSources,
    leak,
    async close() {
      await plainApp.close();
      await promApp.close();
      await inspectorApp.close();
      await smallStoreApp.close();
      await noSdkApp.close();
      await sdkApp.close();
      await sdk.close();
    },
  };
}
