import type { Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { Operation } from '../decorators/operation.decorator.js';
import { Pipeline } from '../decorators/pipeline.decorator.js';
import type { OperationRun } from '../interfaces/operation-run.interface.js';
import type { OrchestratorModuleOptions } from '../interfaces/orchestrator-options.interface.js';
import { Orchestrator } from '../orchestrator.js';
import { OrchestratorModule } from '../orchestrator.module.js';
import { PipelineRegistry } from '../pipeline.registry.js';
import { PipelineRunner } from '../pipeline.runner.js';
import { createPipelineTestingModule } from '../testing/index.js';
import { pipelineTracer, registeredTracer } from './pipeline-tracer.js';
import { SPAN_ATTRIBUTES as A } from './tracing.constants.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const contextManager = new AsyncLocalStorageContextManager();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Milliseconds since the epoch of an exported span's start or end. */
const ms = ([seconds, nanos]: [number, number]) => seconds * 1e3 + nanos / 1e6;

/**
 * Whether `a` is no later than `b`. The SDK stamps a span's start from `Date.now()` (whole
 * milliseconds) and its end as start plus a precise duration, so two spans' times compare to
 * within 1 ms.
 */
const notAfter = (a: [number, number], b: [number, number]) => ms(a) <= ms(b) + 1;

function spans(): Map<string, ReadableSpan> {
  return new Map(exporter.getFinishedSpans().map((span) => [span.name, span]));
}

function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

interface CheckoutCtx {
  failShip?: boolean;
  activeSpanId?: string;
}

@Pipeline('checkout')
class Checkout {
  readonly refunded: string[] = [];

  @Operation()
  async validate(_ctx: CheckoutCtx) {
    const active = trace.getActiveSpan();
    // What an app does with its own span: an attribute, and its instrumented calls under it.
    active?.setAttribute('app.order_id', 'o-1');
    await sleep(1);
    trace.getTracer('app').startSpan('db.query').end();
    return { activeSpanId: trace.getActiveSpan()?.spanContext().spanId };
  }

  @Operation({ compensate: 'refund' })
  charge() {
    return {};
  }

  @Operation({ critical: false })
  notify() {
    throw new Error('mail down');
  }

  @Operation()
  ship(ctx: CheckoutCtx) {
    if (ctx.failShip) throw new Error('no courier');
  }

  refund() {
    this.refunded.push('charge');
    trace.getActiveSpan()?.setAttribute('app.refund', true);
  }
}

@Pipeline('flaky')
class Flaky {
  tries = 0;

  @Operation({ retry: { attempts: 3, delayMs: 2, jitter: false } })
  async reserve(_ctx: object, run: OperationRun) {
    this.tries++;
    await sleep(1);
    if (run.attempt === 1) throw new Error('stock service busy');
  }

  @Operation({ timeoutMs: 5, critical: false })
  async slow(_ctx: object, run: OperationRun) {
    await new Promise((resolve) => run.signal.addEventListener('abort', resolve));
  }
}

@Pipeline('fan')
class Fan {
  @Operation()
  async first() {
    await sleep(2);
  }

  @Operation({ after: ['first'] })
  async left() {
    await sleep(20);
  }

  @Operation({ after: ['first'] })
  async right() {
    await sleep(20);
  }
}

async function boot<P>(pipeline: Type<P>, orchestrator: OrchestratorModuleOptions = {}) {
  return createPipelineTestingModule<P, object>(pipeline, { orchestrator });
}

describe('tracing with an OpenTelemetry SDK registered', () => {
  beforeAll(() => {
    context.setGlobalContextManager(contextManager.enable());
    trace.setGlobalTracerProvider(provider);
  });
  afterAll(() => {
    trace.disable();
    context.disable();
  });
  afterEach(() => exporter.reset());

  it('makes a run span under the caller’s active span and a child span per operation', async () => {
    const app = await boot(Checkout);
    const result = await trace.getTracer('app').startActiveSpan('POST /orders', async (request) => {
      const ran = await app.run({});
      request.end();
      return ran;
    });
    expect(result.success).toBe(true);
    const all = spans();
    const request = all.get('POST /orders')!;
    const run = all.get('checkout')!;
    expect(parentOf(run)).toBe(request.spanContext().spanId);
    expect(run.spanContext().traceId).toBe(request.spanContext().traceId);
    expect(run.attributes).toEqual({
      [A.pipeline]: 'checkout',
      [A.runId]: result.runId,
      [A.outcome]: 'success',
    });
    for (const name of ['validate', 'charge', 'notify', 'ship']) {
      const span = all.get(`checkout.${name}`)!;
      expect(parentOf(span)).toBe(run.spanContext().spanId);
      expect(span.attributes).toMatchObject({
        [A.pipeline]: 'checkout',
        [A.operation]: name,
        [A.critical]: name !== 'notify',
        [A.attempt]: 1,
      });
      expect(notAfter(run.startTime, span.startTime)).toBe(true);
      expect(notAfter(span.endTime, run.endTime)).toBe(true);
    }
    expect(all.get('checkout.ship')!.attributes[A.outcome]).toBe('success');
    await app.close();
  });

  it('runs an operation with its span active: it adds attributes, and its own calls nest under it', async () => {
    const app = await boot(Checkout);
    const result = await app.run({});
    const all = spans();
    const validate = all.get('checkout.validate')!;
    // Still its span after an await: the context follows the operation's async work.
    expect((result.data as CheckoutCtx).activeSpanId).toBe(validate.spanContext().spanId);
    expect(validate.attributes['app.order_id']).toBe('o-1');
    expect(parentOf(all.get('db.query')!)).toBe(validate.spanContext().spanId);
    await app.close();
  });

  it('marks a non-critical failure on its own span only', async () => {
    const app = await boot(Checkout);
    await app.run({});
    const all = spans();
    const notify = all.get('checkout.notify')!;
    expect(notify.status).toEqual({ code: SpanStatusCode.ERROR, message: 'mail down' });
    expect(notify.attributes[A.outcome]).toBe('failure');
    expect(notify.events.map((event) => event.name)).toEqual(['exception']);
    expect(notify.events[0].attributes?.['exception.message']).toBe('mail down');
    expect(all.get('checkout')!.status.code).toBe(SpanStatusCode.UNSET);
    await app.close();
  });

  it('marks a critical failure on the operation and the run, and traces the compensation', async () => {
    const app = await boot(Checkout);
    const result = await app.run({ failShip: true });
    expect(result.success).toBe(false);
    const all = spans();
    const run = all.get('checkout')!;
    const ship = all.get('checkout.ship')!;
    expect(ship.status).toEqual({ code: SpanStatusCode.ERROR, message: 'no courier' });
    expect(ship.events[0].attributes?.['exception.message']).toBe('no courier');
    expect(run.status).toEqual({ code: SpanStatusCode.ERROR, message: 'no courier' });
    expect(run.attributes[A.outcome]).toBe('failure');
    const refund = all.get('checkout.charge.compensate')!;
    expect(parentOf(refund)).toBe(run.spanContext().spanId);
    expect(refund.attributes).toEqual({
      [A.pipeline]: 'checkout',
      [A.operation]: 'charge',
      [A.recovery]: false,
      [A.outcome]: 'success',
      // Set by the compensation itself: its span is active while it runs.
      'app.refund': true,
    });
    expect(notAfter(ship.endTime, refund.startTime)).toBe(true);
    await app.close();
  });

  it('gives each try its own span, the failed one carrying the retry as an event', async () => {
    const app = await boot(Flaky);
    await app.run({});
    const tries = exporter.getFinishedSpans().filter((span) => span.name === 'flaky.reserve');
    expect(tries.map((span) => span.attributes[A.attempt])).toEqual([1, 2]);
    const [failed, retried] = tries;
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed.attributes[A.outcome]).toBe('failure');
    expect(failed.events.map((event) => event.name)).toEqual(['exception', 'retry']);
    expect(failed.events[1].attributes).toEqual({ [A.retryDelayMs]: 2 });
    expect(retried.status.code).toBe(SpanStatusCode.UNSET);
    expect(retried.attributes[A.outcome]).toBe('success');
    expect(notAfter(failed.endTime, retried.startTime)).toBe(true);
    expect(parentOf(retried)).toBe(spans().get('flaky')!.spanContext().spanId);
    await app.close();
  });

  it('marks an operation that ran out of its budget as a timeout', async () => {
    const app = await boot(Flaky);
    await app.run({});
    const slow = spans().get('flaky.slow')!;
    expect(slow.attributes[A.outcome]).toBe('timeout');
    expect(slow.status).toEqual({ code: SpanStatusCode.ERROR, message: 'timeout' });
    expect(spans().get('flaky')!.status.code).toBe(SpanStatusCode.UNSET);
    await app.close();
  });

  it('marks the operation a caller’s abort cut short, and the run, as aborted', async () => {
    const app = await boot(Fan);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 10);
    const result = await app.run({}, { signal: controller.signal });
    expect(result.success).toBe(false);
    const all = spans();
    const run = all.get('fan')!;
    expect(run.attributes[A.outcome]).toBe('aborted');
    expect(run.status.code).toBe(SpanStatusCode.ERROR);
    // Whichever operation was running when the 10 ms timer fired (on a slow machine, `first`).
    const cut = ['first', 'left', 'right']
      .map((name) => all.get(`fan.${name}`))
      .filter(
        (span): span is ReadableSpan =>
          span !== undefined && span.attributes[A.outcome] !== 'success',
      );
    expect(cut.length).toBeGreaterThan(0);
    for (const span of cut) {
      expect(span.attributes[A.outcome]).toBe('aborted');
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
    }
    await app.close();
  });

  it('gives operations side by side sibling spans with their true start times', async () => {
    const app = await boot(Fan);
    await app.run({});
    const all = spans();
    const run = all.get('fan')!.spanContext().spanId;
    const [first, left, right] = ['first', 'left', 'right'].map((name) => all.get(`fan.${name}`)!);
    for (const span of [first, left, right]) expect(parentOf(span)).toBe(run);
    expect(notAfter(first.endTime, left.startTime)).toBe(true);
    // Started together, each running ~20 ms: they overlap instead of following each other (a
    // timer may fire a little early, and a loaded machine starts the second one a little late).
    expect(ms(left.endTime) - ms(left.startTime)).toBeGreaterThanOrEqual(15);
    expect(Math.abs(ms(left.startTime) - ms(right.startTime))).toBeLessThan(10);
    expect(ms(right.startTime)).toBeLessThan(ms(left.endTime));
    expect(ms(left.startTime)).toBeLessThan(ms(right.endTime));
    await app.close();
  });

  it('traces a recovery sweep’s compensation as a span of its own, marked recovery', async () => {
    const app = await boot(Checkout);
    const plan = app.module.get(PipelineRegistry).plan('checkout');
    const charge = plan.steps.find((step) => step.definition.name === 'charge')!;
    const runner = app.module.get(PipelineRunner, { strict: false });
    await runner.recover(plan, [{ step: charge, context: {} }], 'crashed-run');
    const [refund, ...rest] = exporter.getFinishedSpans();
    expect(rest).toEqual([]);
    expect(refund.name).toBe('checkout.charge.compensate');
    expect(parentOf(refund)).toBeUndefined();
    expect(refund.attributes).toMatchObject({ [A.recovery]: true, [A.outcome]: 'success' });
    await app.close();
  });

  it('makes no span with tracing: false', async () => {
    const app = await boot(Checkout, { tracing: false });
    const result = await app.run({ failShip: true });
    expect(result.success).toBe(false);
    // Only the app's own span, a root now that no operation span is active around it.
    const [only, ...rest] = exporter.getFinishedSpans();
    expect(rest).toEqual([]);
    expect(only.name).toBe('db.query');
    expect(parentOf(only)).toBeUndefined();
    await app.close();
  });

  it('makes no span with tracing: false from forRootAsync', async () => {
    const module = await Test.createTestingModule({
      imports: [
        OrchestratorModule.forRootAsync({
          useFactory: () => ({ tracing: false, logFailures: false }),
        }),
      ],
      providers: [Fan],
    }).compile();
    await module.init();
    expect((await module.get(Orchestrator).run(Fan, {})).success).toBe(true);
    expect(exporter.getFinishedSpans()).toEqual([]);
    await module.close();
  });
});

describe('tracing without an SDK', () => {
  it('finds no tracer, so the runner is not instrumented', () => {
    expect(registeredTracer()).toBeUndefined();
    expect(pipelineTracer(true)).toBeUndefined();
  });

  it('finds the registered provider’s tracer, unless tracing is off', () => {
    trace.setGlobalTracerProvider(provider);
    try {
      expect(registeredTracer()).toBeDefined();
      expect(pipelineTracer(true)).toBeDefined();
      expect(pipelineTracer(false)).toBeUndefined();
    } finally {
      trace.disable();
    }
  });
});
