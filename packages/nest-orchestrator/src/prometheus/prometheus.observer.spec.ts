import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { context, trace, TraceFlags, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AlwaysOffSampler, BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { Test } from '@nestjs/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import {
  InMemoryRunStore,
  Operation,
  Orchestrator,
  OrchestratorModule,
  Pipeline,
  PipelineRegistry,
  type OperationDefinition,
  type OperationOutcome,
  type OperationRun,
  type OrchestratorObserver,
  type PipelineDefinition,
  type PipelineResult,
} from '../index.js';
import {
  COMPENSATION_OUTCOMES,
  DEFAULT_DURATION_BUCKETS,
  METRIC_NAMES,
  OUTCOMES,
  REASONS,
} from './metrics.constants.js';
import { OrchestratorMetricsModule } from './orchestrator-metrics.module.js';
import { OrchestratorMetrics } from './orchestrator.metrics.js';
import { COMPENSATION_KEY_PREFIX } from '../compensation-journal.js';
import { RecoverySweeper } from '../recovery-sweeper.js';
import { checkMetrics } from '../../../../test/support/promtool.js';

interface CheckoutContext {
  invalid?: boolean;
  recommenderDown?: boolean;
  slowEnrich?: boolean;
  slowCharge?: boolean;
}

const pause = (run: OperationRun) => sleep(1000, undefined, { signal: run.signal });

@Pipeline({ name: 'checkout' })
class CheckoutPipeline {
  @Operation()
  validate(ctx: CheckoutContext) {
    if (ctx.invalid) throw new Error('invalid order');
  }

  @Operation({ critical: false })
  recommend(ctx: CheckoutContext) {
    if (ctx.recommenderDown) throw new Error('recommender down');
  }

  @Operation({ critical: false, timeoutMs: 20 })
  async enrich(ctx: CheckoutContext, run: OperationRun) {
    if (ctx.slowEnrich) await pause(run);
  }

  @Operation()
  async charge(ctx: CheckoutContext, run: OperationRun) {
    if (ctx.slowCharge) await pause(run);
  }
}

interface TransferContext {
  /** Tries of `send` that fail before one succeeds. */
  sendFailures: number;
  holdUndo?: 'fail' | 'hang';
  sent?: number;
}

/** Retries on `send`; `debit` and `hold` are undone when `send` finally fails. */
@Pipeline({ name: 'transfer' })
class TransferPipeline {
  @Operation({ compensate: 'refund' })
  debit() {}

  @Operation({ compensate: 'release', compensationTimeoutMs: 20 })
  hold() {}

  @Operation({ retry: { attempts: 3, delayMs: 1, jitter: false } })
  send(ctx: TransferContext) {
    ctx.sent = (ctx.sent ?? 0) + 1;
    if (ctx.sent <= ctx.sendFailures) throw new Error('bank unavailable');
  }

  refund() {}

  async release(ctx: TransferContext, run: OperationRun) {
    if (ctx.holdUndo === 'fail') throw new Error('hold already gone');
    if (ctx.holdUndo === 'hang') await pause(run);
  }
}

/** Registered, never run: its series must still be there, at zero. */
@Pipeline({ name: 'refund' })
class RefundPipeline {
  @Operation()
  approve() {}
}

/** The same values fed to plain prom-client metrics, the reference our exposition must equal. */
class ReferenceObserver implements OrchestratorObserver {
  readonly registry = new Registry();
  private readonly pipelineDuration = new Histogram({
    name: METRIC_NAMES.pipelineDuration,
    help: 'Duration of pipeline runs in seconds, by outcome (success, failure, timeout, aborted).',
    labelNames: ['pipeline', 'outcome'],
    buckets: [...DEFAULT_DURATION_BUCKETS],
    registers: [this.registry],
  });
  private readonly operationDuration = new Histogram({
    name: METRIC_NAMES.operationDuration,
    help: 'Duration of operations in seconds, by outcome; failed and timed-out operations included.',
    labelNames: ['pipeline', 'operation', 'outcome', 'critical'],
    buckets: [...DEFAULT_DURATION_BUCKETS],
    registers: [this.registry],
  });
  private readonly failures = new Counter({
    name: METRIC_NAMES.operationFailures,
    help: 'Operations that did not succeed, by reason (error, timeout, aborted); each failure counted once.',
    labelNames: ['pipeline', 'operation', 'critical', 'reason'],
    registers: [this.registry],
  });
  private readonly inFlight = new Gauge({
    name: METRIC_NAMES.pipelinesInFlight,
    help: 'Pipeline runs started and not yet finished.',
    labelNames: ['pipeline'],
    registers: [this.registry],
  });
  private readonly retries = new Counter({
    name: METRIC_NAMES.operationRetries,
    help: 'Tries after the first of operations with a retry policy.',
    labelNames: ['pipeline', 'operation'],
    registers: [this.registry],
  });
  private readonly compensations = new Counter({
    name: METRIC_NAMES.compensations,
    help: 'Compensations run to undo an operation after its run failed, by outcome (success, failure, timeout).',
    labelNames: ['pipeline', 'operation', 'outcome'],
    registers: [this.registry],
  });
  private readonly recoveries = new Counter({
    name: METRIC_NAMES.recoveries,
    help: 'Compensations run by the recovery sweep for runs whose process stopped mid-run, by outcome (success, failure, timeout).',
    labelNames: ['pipeline', 'operation', 'outcome'],
    registers: [this.registry],
  });
  /** Recovery hooks heard, so the spec knows when the boot sweep is over. */
  recovered = 0;

  /** Zero series in the order the metrics module creates them, so the lines come out alike. */
  zero(pipelines: readonly PipelineDefinition[]): void {
    for (const p of pipelines) {
      for (const op of p.operations) {
        const critical = String(op.critical);
        for (const outcome of OUTCOMES)
          this.operationDuration.zero({ pipeline: p.name, operation: op.name, outcome, critical });
        for (const reason of REASONS)
          this.failures.inc({ pipeline: p.name, operation: op.name, critical, reason }, 0);
        if (op.retry !== undefined) this.retries.inc({ pipeline: p.name, operation: op.name }, 0);
        if (op.compensate !== undefined) {
          for (const outcome of COMPENSATION_OUTCOMES)
            this.compensations.inc({ pipeline: p.name, operation: op.name, outcome }, 0);
          for (const outcome of COMPENSATION_OUTCOMES)
            this.recoveries.inc({ pipeline: p.name, operation: op.name, outcome }, 0);
        }
      }
      for (const outcome of OUTCOMES) this.pipelineDuration.zero({ pipeline: p.name, outcome });
      this.inFlight.set({ pipeline: p.name }, 0);
    }
  }

  onRunStart(p: PipelineDefinition): void {
    this.inFlight.inc({ pipeline: p.name });
  }

  onOperationEnd(
    p: PipelineDefinition,
    op: OperationDefinition,
    outcome: OperationOutcome,
    ms: number,
  ): void {
    const critical = String(op.critical);
    this.operationDuration.observe(
      { pipeline: p.name, operation: op.name, outcome, critical },
      ms / 1000,
    );
    if (outcome !== 'success') {
      const reason = outcome === 'failure' ? 'error' : outcome;
      this.failures.inc({ pipeline: p.name, operation: op.name, critical, reason });
    }
  }

  onOperationRetry(p: PipelineDefinition, op: OperationDefinition): void {
    this.retries.inc({ pipeline: p.name, operation: op.name });
  }

  onCompensationEnd(p: PipelineDefinition, op: OperationDefinition, outcome: OperationOutcome) {
    this.compensations.inc({ pipeline: p.name, operation: op.name, outcome });
  }

  onRecoveryEnd(p: PipelineDefinition, op: OperationDefinition, outcome: OperationOutcome) {
    this.recoveries.inc({ pipeline: p.name, operation: op.name, outcome });
    this.recovered++;
  }

  onRunEnd(
    p: PipelineDefinition,
    outcome: OperationOutcome,
    result: PipelineResult<unknown>,
  ): void {
    this.inFlight.dec({ pipeline: p.name });
    this.pipelineDuration.observe({ pipeline: p.name, outcome }, result.duration / 1000);
  }
}

/** `name{label="value",...}` exactly as the exposition prints it, labels in the given order. */
function key(name: string, labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([label, value]) => `${label}="${value}"`);
  return parts.length === 0 ? name : `${name}{${parts.join(',')}}`;
}

function parse(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

describe('PrometheusObserver in a real app', () => {
  let app: NestFastifyApplication;
  let registry: Registry;
  let reference: ReferenceObserver;
  let body: string;
  let samples: Map<string, number>;

  beforeAll(async () => {
    registry = new Registry();
    reference = new ReferenceObserver();
    const runStore = new InMemoryRunStore();
    const moduleRef = await Test.createTestingModule({
      imports: [
        OrchestratorModule.forRoot({ logFailures: false, observers: [reference], runStore }),
        OrchestratorMetricsModule.forRoot({ registry }),
      ],
      providers: [CheckoutPipeline, TransferPipeline, RefundPipeline],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
      logger: false,
    });
    await app.listen(0, '127.0.0.1');
    reference.zero(app.get(PipelineRegistry).list());
    // A transfer whose process died after `hold` started: a sweep undoes it.
    const crashed = `${COMPENSATION_KEY_PREFIX}crashed-1`;
    // Claimed under a long lease, so a loaded machine cannot let it lapse before the payload
    // lands; the record then shortens it, as a crashed run's last renewal would have.
    await runStore.claim(crashed, 'transfer', 'crashed-1', 60_000);
    await runStore.record(
      crashed,
      'crashed-1',
      {
        pipeline: 'transfer',
        entries: [
          { operation: 'debit', context: { sendFailures: 0 } },
          { operation: 'hold', context: { sendFailures: 0, holdUndo: 'fail' } },
        ],
      },
      100,
    );
    await sleep(150);
    // Until the boot sweep (which found nothing) has let go of the sweep lease.
    const sweeper = app.get(RecoverySweeper);
    for (let tries = 0; reference.recovered < 2 && tries < 200; tries++) {
      if ((await sweeper.sweep()) === 0) await sleep(5);
    }

    const orchestrator = app.get(Orchestrator);
    const run = (input: CheckoutContext, options?: { signal?: AbortSignal; timeoutMs?: number }) =>
      orchestrator.run(CheckoutPipeline, input, options);
    const results = [
      await run({}),
      await run({ invalid: true }),
      await run({ recommenderDown: true }),
      await run({ slowEnrich: true }),
      await run({ slowCharge: true }, { signal: AbortSignal.timeout(20) }),
      await run({ slowCharge: true }, { timeoutMs: 30 }),
    ];
    expect(results.map((r) => [r.success, r.error?.code])).toEqual([
      [true, undefined],
      [false, 'OPERATION_FAILED'],
      [true, undefined],
      [true, undefined],
      [false, 'ABORTED'],
      [false, 'TIMEOUT'],
    ]);
    const transfers = [
      await orchestrator.run(TransferPipeline, { sendFailures: 1 }),
      await orchestrator.run(TransferPipeline, { sendFailures: 9, holdUndo: 'fail' }),
      await orchestrator.run(TransferPipeline, { sendFailures: 9, holdUndo: 'hang' }),
    ];
    expect(transfers.map((r) => [r.success, r.attempts, r.compensation])).toEqual([
      [true, { send: 2 }, undefined],
      [false, { send: 3 }, { hold: 'failed', debit: 'done' }],
      [false, { send: 3 }, { hold: 'failed', debit: 'done' }],
    ]);

    const response = await fetch(`${await app.getUrl()}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(registry.contentType);
    body = await response.text();
    samples = parse(body);
  });

  afterAll(() => app?.close());

  const operation = (op: string, outcome: string, critical: boolean, suffix = 'count') =>
    samples.get(
      key(`${METRIC_NAMES.operationDuration}_${suffix}`, {
        pipeline: 'checkout',
        operation: op,
        outcome,
        critical: String(critical),
      }),
    );
  const failures = (op: string, critical: boolean, reason: string, pipeline = 'checkout') =>
    samples.get(
      key(METRIC_NAMES.operationFailures, {
        pipeline,
        operation: op,
        critical: String(critical),
        reason,
      }),
    );

  it('records every operation latency whatever its outcome', () => {
    expect(operation('validate', 'success', true)).toBe(5);
    expect(operation('validate', 'failure', true)).toBe(1);
    expect(operation('recommend', 'success', false)).toBe(4);
    expect(operation('recommend', 'failure', false)).toBe(1);
    expect(operation('enrich', 'success', false)).toBe(4);
    expect(operation('enrich', 'timeout', false)).toBe(1);
    expect(operation('charge', 'success', true)).toBe(3);
    expect(operation('charge', 'aborted', true)).toBe(1);
    expect(operation('charge', 'timeout', true)).toBe(1);
    // The timed-out step ran for at least its 20 ms budget.
    expect(operation('enrich', 'timeout', false, 'sum')).toBeGreaterThanOrEqual(0.019);
  });

  it('counts each failure once, by reason', () => {
    expect(failures('validate', true, 'error')).toBe(1);
    expect(failures('recommend', false, 'error')).toBe(1);
    expect(failures('enrich', false, 'timeout')).toBe(1);
    expect(failures('charge', true, 'aborted')).toBe(1);
    expect(failures('charge', true, 'timeout')).toBe(1);
    const total = [...samples].filter(
      ([line]) =>
        line.startsWith(METRIC_NAMES.operationFailures) && line.includes('pipeline="checkout"'),
    );
    expect(total.reduce((sum, [, value]) => sum + value, 0)).toBe(5);
  });

  it('records pipeline runs by outcome and leaves nothing in flight', () => {
    const runs = (outcome: string) =>
      samples.get(key(`${METRIC_NAMES.pipelineDuration}_count`, { pipeline: 'checkout', outcome }));
    expect(OUTCOMES.map(runs)).toEqual([3, 1, 1, 1]);
    expect(samples.get(key(METRIC_NAMES.pipelinesInFlight, { pipeline: 'checkout' }))).toBe(0);
  });

  it('counts retries and compensations by outcome', () => {
    const retries = (operation: string) =>
      samples.get(key(METRIC_NAMES.operationRetries, { pipeline: 'transfer', operation }));
    const compensations = (operation: string) =>
      COMPENSATION_OUTCOMES.map((outcome) =>
        samples.get(key(METRIC_NAMES.compensations, { pipeline: 'transfer', operation, outcome })),
      );
    expect(retries('send')).toBe(5);
    expect(compensations('debit')).toEqual([2, 0, 0]);
    expect(compensations('hold')).toEqual([0, 1, 1]);
  });

  it('counts the compensations a recovery sweep ran, by outcome', () => {
    const recoveries = (operation: string) =>
      COMPENSATION_OUTCOMES.map((outcome) =>
        samples.get(key(METRIC_NAMES.recoveries, { pipeline: 'transfer', operation, outcome })),
      );
    expect(recoveries('debit')).toEqual([1, 0, 0]);
    expect(recoveries('hold')).toEqual([0, 1, 0]);
    expect(
      [...samples.keys()].filter((line) => line.startsWith(`${METRIC_NAMES.recoveries}{`)),
    ).toHaveLength(6);
  });

  it('has retry and compensation series only for operations with a policy or an undo', () => {
    const operationsOf = (name: string) =>
      [...samples.keys()]
        .filter((line) => line.startsWith(`${name}{`))
        .map((line) => /operation="([^"]+)"/.exec(line)![1]);
    expect(new Set(operationsOf(METRIC_NAMES.operationRetries))).toEqual(new Set(['send']));
    expect(new Set(operationsOf(METRIC_NAMES.compensations))).toEqual(new Set(['debit', 'hold']));
  });

  it('has every series of a registered pipeline from boot, at zero', () => {
    for (const outcome of OUTCOMES) {
      expect(
        samples.get(key(`${METRIC_NAMES.pipelineDuration}_count`, { pipeline: 'refund', outcome })),
      ).toBe(0);
      expect(
        samples.get(
          key(`${METRIC_NAMES.operationDuration}_count`, {
            pipeline: 'refund',
            operation: 'approve',
            outcome,
            critical: 'true',
          }),
        ),
      ).toBe(0);
    }
    for (const reason of REASONS) expect(failures('approve', true, reason, 'refund')).toBe(0);
    expect(samples.get(key(METRIC_NAMES.pipelinesInFlight, { pipeline: 'refund' }))).toBe(0);
  });

  it('prints exactly what plain prom-client metrics fed the same values print', async () => {
    for (const name of [
      METRIC_NAMES.pipelineDuration,
      METRIC_NAMES.operationDuration,
      METRIC_NAMES.operationFailures,
      METRIC_NAMES.pipelinesInFlight,
      METRIC_NAMES.operationRetries,
      METRIC_NAMES.compensations,
      METRIC_NAMES.recoveries,
    ]) {
      const ours = await registry.getSingleMetricAsString(name);
      expect(ours).toBe(await reference.registry.getSingleMetricAsString(name));
      expect(body).toContain(ours);
    }
  });

  it('serves default process metrics', () => {
    expect(body).toContain('# TYPE process_cpu_user_seconds_total counter');
  });

  it('passes promtool check metrics', async () => {
    expect(await checkMetrics(body)).toMatchObject({ ok: true, problems: [] });
    // Ours alone are lint-clean; the only allowed problems above are prom-client's default metrics.
    const ours = await Promise.all(
      Object.values(METRIC_NAMES)
        .filter((name) => registry.getSingleMetric(name) !== undefined)
        .map((name) => registry.getSingleMetricAsString(name)),
    );
    expect(ours).toHaveLength(8);
    expect(await checkMetrics(`${ours.join('\n\n')}\n`, { allow: [] })).toEqual({
      ok: true,
      exitCode: 0,
      problems: [],
    });
  });
});

describe('PrometheusObserver exemplars', () => {
  const contextManager = new AsyncLocalStorageContextManager();
  let app: NestFastifyApplication;
  let metrics: OrchestratorMetrics;

  const boot = async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        // Runs make no spans of their own here: the request's span is the one active.
        OrchestratorModule.forRoot({ logFailures: false, tracing: false }),
        OrchestratorMetricsModule.forRoot({ registry: new Registry(), defaultMetrics: false }),
      ],
      providers: [CheckoutPipeline],
    }).compile();
    const booted = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
      logger: false,
    });
    return booted.init();
  };

  beforeAll(async () => {
    // What an app's SDK sets up before the app is created (`node --import`).
    context.setGlobalContextManager(contextManager.enable());
    trace.setGlobalTracerProvider(new BasicTracerProvider());
    app = await boot();
    metrics = app.get(OrchestratorMetrics);
  });

  afterAll(async () => {
    await app.close();
    trace.disable();
    context.disable();
  });

  const exemplarsOf = async (histogram: 'operationDuration' | 'pipelineDuration') =>
    (await metrics[histogram].getForOpenMetrics()).values.flatMap((value) =>
      value.exemplar ? [{ ...value.sharedLabels, ...value.exemplar.labelSet }] : [],
    );

  const runInside = async (span: Span, input: CheckoutContext) =>
    context.with(trace.setSpan(context.active(), span), () =>
      app.get(Orchestrator).run(CheckoutPipeline, input),
    );

  it('stores nothing for a run outside any trace, nor inside an unsampled one', async () => {
    await app.get(Orchestrator).run(CheckoutPipeline, {});
    const unsampled = new BasicTracerProvider({ sampler: new AlwaysOffSampler() })
      .getTracer('spec')
      .startSpan('request');
    expect(unsampled.spanContext().traceFlags & TraceFlags.SAMPLED).toBe(0);
    await runInside(unsampled, {});
    unsampled.end();
    expect(await exemplarsOf('operationDuration')).toEqual([]);
    expect(await exemplarsOf('pipelineDuration')).toEqual([]);
  });

  it("stores the active span's trace and span id on the buckets of each duration observed", async () => {
    const span = new BasicTracerProvider().getTracer('spec').startSpan('request');
    const { traceId, spanId } = span.spanContext();
    await runInside(span, { invalid: true });
    span.end();
    const operations = await exemplarsOf('operationDuration');
    expect(operations).toEqual([
      expect.objectContaining({
        operation: 'validate',
        outcome: 'failure',
        trace_id: traceId,
        span_id: expect.stringMatching(/^[0-9a-f]{16}$/),
      }),
    ]);
    expect(await exemplarsOf('pipelineDuration')).toEqual([
      expect.objectContaining({ pipeline: 'checkout', outcome: 'failure', trace_id: traceId }),
    ]);
    expect(operations[0].span_id).toBe(spanId);
  });

  it('looks no span up in an app created before any SDK was registered', async () => {
    trace.disable();
    const bare = await boot();
    try {
      const span = new BasicTracerProvider().getTracer('spec').startSpan('request');
      await context.with(trace.setSpan(context.active(), span), () =>
        bare.get(Orchestrator).run(CheckoutPipeline, {}),
      );
      span.end();
      const observed = await bare.get(OrchestratorMetrics).operationDuration.getForOpenMetrics();
      expect(observed.values.filter((value) => value.exemplar)).toEqual([]);
    } finally {
      await bare.close();
      trace.setGlobalTracerProvider(new BasicTracerProvider());
    }
  });
});
