import { Inject, type OnApplicationBootstrap } from '@nestjs/common';
import { isSpanContextValid, trace, TraceFlags, type SpanContext } from '@opentelemetry/api';
import {
  PipelineObserver,
  PipelineRegistry,
  type OperationDefinition,
  type OperationOutcome,
  type OrchestratorObserver,
  type PipelineDefinition,
  type PipelineResult,
} from '../index.js';
import { registeredTracer } from '../tracing/pipeline-tracer.js';
import { outcomeIndex } from '../operation-outcomes.js';
import {
  OrchestratorMetrics,
  type OperationSeries,
  type PipelineSeries,
} from './orchestrator.metrics.js';

/**
 * The span active where a duration is observed, if an OpenTelemetry SDK made one and samples it:
 * its ids become the bucket's exemplar. Without an SDK the API returns no span (one context
 * look-up); an unsampled trace is never exported, so an exemplar of it would link to nothing.
 */
function sampledSpanContext(): SpanContext | undefined {
  const span = trace.getActiveSpan();
  if (span === undefined) return undefined;
  const context = span.spanContext();
  return (context.traceFlags & TraceFlags.SAMPLED) !== 0 && isSpanContextValid(context)
    ? context
    : undefined;
}

/**
 * Records every run, operation, retry, compensation and recovery into `OrchestratorMetrics`. Each hook
 * finds its series from the definition object (a Map hit, then an array index by `order`) and
 * bumps typed arrays: no label objects, strings or prom-client calls on the run's hot path.
 * Durations observed inside a sampled trace keep its trace and span id as exemplars.
 */
@PipelineObserver()
export class PrometheusObserver implements OrchestratorObserver, OnApplicationBootstrap {
  private readonly byPipeline = new Map<PipelineDefinition, PipelineSeries>();
  // Most runs in a row are of the same pipeline: one compare saves the Map look-up.
  private lastPipeline: PipelineDefinition | undefined;
  private lastSeries: PipelineSeries | undefined;
  /**
   * Whether an OpenTelemetry SDK was registered when the app was created (as the runner decides
   * whether to trace): without one no span is ever sampled, so no observation looks one up.
   */
  private readonly exemplars = registeredTracer() !== undefined;

  constructor(
    @Inject(OrchestratorMetrics) readonly metrics: OrchestratorMetrics,
    @Inject(PipelineRegistry) private readonly pipelines: PipelineRegistry,
  ) {}

  /** The registry is filled in OrchestratorModule's `onModuleInit`, so this is the first safe point. */
  onApplicationBootstrap(): void {
    for (const pipeline of this.pipelines.list()) this.seriesOf(pipeline);
  }

  onRunStart(pipeline: PipelineDefinition): void {
    this.metrics.pipelinesInFlight.inc(this.seriesOf(pipeline).inFlight);
  }

  onOperationEnd(
    pipeline: PipelineDefinition,
    operation: OperationDefinition,
    outcome: OperationOutcome,
    durationMs: number,
  ): void {
    const slots = this.slotsOf(pipeline, operation);
    const index = outcomeIndex(outcome);
    const span = this.exemplars ? sampledSpanContext() : undefined;
    this.metrics.operationDuration.observe(
      slots.duration[index],
      durationMs / 1000,
      span?.traceId,
      span?.spanId,
    );
    if (index !== 0) this.metrics.operationFailures.inc(slots.failures[index - 1]);
  }

  onOperationRetry(pipeline: PipelineDefinition, operation: OperationDefinition): void {
    const slot = this.slotsOf(pipeline, operation).retries;
    if (slot >= 0) this.metrics.operationRetries.inc(slot);
  }

  onCompensationEnd(
    pipeline: PipelineDefinition,
    operation: OperationDefinition,
    outcome: OperationOutcome,
  ): void {
    // `aborted` is not an outcome of a compensation; its index is past the end and is skipped.
    const slot = this.slotsOf(pipeline, operation).compensations[outcomeIndex(outcome)];
    if (slot !== undefined) this.metrics.compensations.inc(slot);
  }

  onRecoveryEnd(
    pipeline: PipelineDefinition,
    operation: OperationDefinition,
    outcome: OperationOutcome,
  ): void {
    const slot = this.slotsOf(pipeline, operation).recoveries[outcomeIndex(outcome)];
    if (slot !== undefined) this.metrics.recoveries.inc(slot);
  }

  onRunEnd(
    pipeline: PipelineDefinition,
    outcome: OperationOutcome,
    result: PipelineResult<unknown>,
  ): void {
    const series = this.seriesOf(pipeline);
    this.metrics.pipelinesInFlight.dec(series.inFlight);
    const span = this.exemplars ? sampledSpanContext() : undefined;
    this.metrics.pipelineDuration.observe(
      series.duration[outcomeIndex(outcome)],
      result.duration / 1000,
      span?.traceId,
      span?.spanId,
    );
  }

  private slotsOf(pipeline: PipelineDefinition, operation: OperationDefinition): OperationSeries {
    const slots = this.seriesOf(pipeline).operations[operation.order];
    if (slots !== undefined && slots.definition === operation) return slots;
    // Not a definition this pipeline was tracked with: resolve by labels (slow, never at boot).
    return this.metrics.trackOperation(pipeline, operation);
  }

  private seriesOf(pipeline: PipelineDefinition): PipelineSeries {
    if (pipeline === this.lastPipeline) return this.lastSeries as PipelineSeries;
    let series = this.byPipeline.get(pipeline);
    if (series === undefined) {
      // A run before bootstrap, or a definition the registry does not list: still bounded labels.
      series = this.metrics.track(pipeline);
      this.byPipeline.set(pipeline, series);
    }
    this.lastPipeline = pipeline;
    this.lastSeries = series;
    return series;
  }
}
