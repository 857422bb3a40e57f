import {
  context,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import type {
  OperationDefinition,
  PipelineDefinition,
} from '../interfaces/pipeline-definition.interface.js';
import type { OperationOutcome, PipelineResult } from '../interfaces/pipeline-result.interface.js';
import type { OperationBody, RunInstrumentation } from '../run-instrumentation.js';
import { SPAN_ATTRIBUTES as A, SPAN_EVENTS, TRACER_NAME } from './tracing.constants.js';

/** A span and the context that makes it current: what a run or a try keeps between calls. */
class SpanScope {
  constructor(
    readonly span: Span,
    readonly context: Context,
  ) {}
}

function scoped(tracer: Tracer, name: string, parent: Context, attributes: Attributes): SpanScope {
  const span = tracer.startSpan(name, { attributes }, parent);
  return new SpanScope(span, trace.setSpan(parent, span));
}

/** Marks a span that did not succeed: the thrown value as an exception, status ERROR. */
function fail(span: Span, outcome: OperationOutcome, error: unknown): void {
  if (error instanceof Error) span.recordException(error);
  else if (error !== undefined) span.recordException(String(error));
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : outcome,
  });
}

/**
 * OpenTelemetry spans for runs: `<pipeline>` per run, under whatever span is current when
 * `run()` is called; `<pipeline>.<operation>` per try of an operation, current while the
 * operation's code runs, so the app's own instrumented calls nest under it and
 * `trace.getActiveSpan()` inside an operation is its span; `<pipeline>.<operation>.compensate`
 * per compensation. Spans start and end when the work does, so operations side by side are
 * siblings with their true start times.
 */
export class PipelineTracer implements RunInstrumentation {
  constructor(private readonly tracer: Tracer) {}

  runStarted(pipeline: PipelineDefinition, runId: string): SpanScope {
    return scoped(this.tracer, pipeline.name, context.active(), {
      [A.pipeline]: pipeline.name,
      [A.runId]: runId,
    });
  }

  runEnded(run: unknown, outcome: OperationOutcome, result: PipelineResult<unknown>): void {
    const { span } = run as SpanScope;
    span.setAttribute(A.outcome, outcome);
    // The failing operation's span holds the exception; the run says why it ended.
    if (outcome !== 'success') {
      span.setStatus({ code: SpanStatusCode.ERROR, message: result.error?.message ?? outcome });
    }
    span.end();
  }

  tryStarted(
    run: unknown,
    pipeline: PipelineDefinition,
    operation: OperationDefinition,
    attempt: number,
  ): SpanScope {
    return scoped(this.tracer, `${pipeline.name}.${operation.name}`, (run as SpanScope).context, {
      [A.pipeline]: pipeline.name,
      [A.operation]: operation.name,
      [A.critical]: operation.critical,
      [A.attempt]: attempt,
    });
  }

  compensationStarted(
    run: unknown,
    pipeline: PipelineDefinition,
    operation: OperationDefinition,
    recovery: boolean,
  ): SpanScope {
    const parent = run === undefined ? context.active() : (run as SpanScope).context;
    return scoped(this.tracer, `${pipeline.name}.${operation.name}.compensate`, parent, {
      [A.pipeline]: pipeline.name,
      [A.operation]: operation.name,
      [A.recovery]: recovery,
    });
  }

  call(scope: unknown, fn: OperationBody, self: unknown, ctx: object, handle: object): unknown {
    return context.with((scope as SpanScope).context, fn, self, ctx as never, handle as never);
  }

  retried(scope: unknown, delayMs: number, error: unknown): void {
    const { span } = scope as SpanScope;
    span.setAttribute(A.outcome, 'failure');
    fail(span, 'failure', error);
    span.addEvent(SPAN_EVENTS.retry, { [A.retryDelayMs]: delayMs });
    span.end();
  }

  ended(scope: unknown, outcome: OperationOutcome, error: unknown): void {
    const { span } = scope as SpanScope;
    span.setAttribute(A.outcome, outcome);
    if (outcome !== 'success') fail(span, outcome, error);
    span.end();
  }
}

/** What a ProxyTracerProvider (the API's global one) answers before any SDK is registered. */
interface ProxyProvider {
  getDelegateTracer(name: string): Tracer | undefined;
}

/**
 * The tracer of the TracerProvider registered with the API (an SDK's), or `undefined` when none
 * is: the API alone is a no-op, and then the runner gets no instrumentation at all. Read once at
 * boot, so an SDK must be registered before the app is created (`node --import`).
 */
export function registeredTracer(
  provider: TracerProvider = trace.getTracerProvider(),
): Tracer | undefined {
  // Duck-typed: another copy of the API registers a proxy of its own class.
  const proxy = provider as Partial<ProxyProvider>;
  return typeof proxy.getDelegateTracer === 'function'
    ? proxy.getDelegateTracer(TRACER_NAME)
    : provider.getTracer(TRACER_NAME);
}

/** The runner's instrumentation at boot: spans when an SDK is registered and tracing is on. */
export function pipelineTracer(tracing: boolean): PipelineTracer | undefined {
  const tracer = tracing ? registeredTracer() : undefined;
  return tracer === undefined ? undefined : new PipelineTracer(tracer);
}
