import type { OnModuleDestroy } from '@nestjs/common';
import type { OperationDefinition, PipelineDefinition } from '../index.js';
import { AccumulatedHistogram } from './accumulators/accumulated-histogram.js';
import { AccumulatedCounter, AccumulatedGauge } from './accumulators/accumulated-scalar.js';
import { registerIn, unregisterFrom, type AnyRegistry } from './accumulators/metric-object.js';
import { COMPENSATION_OUTCOMES, METRIC_NAMES, OUTCOMES, REASONS } from './metrics.constants.js';
import { messages } from './metrics.messages.js';

/** Slots of one operation's series, found from its definition without any look-up by label. */
export interface OperationSeries {
  readonly definition: OperationDefinition;
  /** `orchestrator_operation_duration_seconds` slot per outcome, in `OUTCOMES` order. */
  readonly duration: Int32Array;
  /** `orchestrator_operation_failures_total` slot per reason, in `REASONS` order. */
  readonly failures: Int32Array;
  /** `orchestrator_operation_retries_total` slot; -1 when the operation has no retry policy. */
  readonly retries: number;
  /**
   * `orchestrator_compensations_total` slot per outcome, in `COMPENSATION_OUTCOMES` order; empty
   * when the operation has no compensation.
   */
  readonly compensations: Int32Array;
  /** `orchestrator_recoveries_total` slot per outcome, like `compensations`. */
  readonly recoveries: Int32Array;
}

export interface PipelineSeries {
  readonly definition: PipelineDefinition;
  /** `orchestrator_pipeline_duration_seconds` slot per outcome, in `OUTCOMES` order. */
  readonly duration: Int32Array;
  readonly inFlight: number;
  /** Indexed by `OperationDefinition.order`. */
  readonly operations: readonly OperationSeries[];
}

const NONE = new Int32Array(0);

/**
 * The orchestrator metrics, registered in a prom-client registry. Label values come only
 * from pipeline definitions and fixed outcome lists, so cardinality is bounded by the code.
 */
export class OrchestratorMetrics implements OnModuleDestroy {
  readonly pipelineDuration: AccumulatedHistogram;
  readonly operationDuration: AccumulatedHistogram;
  readonly operationFailures: AccumulatedCounter;
  readonly pipelinesInFlight: AccumulatedGauge;
  readonly operationRetries: AccumulatedCounter;
  readonly compensations: AccumulatedCounter;
  readonly recoveries: AccumulatedCounter;

  constructor(
    private readonly registry: AnyRegistry,
    buckets: readonly number[],
  ) {
    this.pipelineDuration = new AccumulatedHistogram({
      name: METRIC_NAMES.pipelineDuration,
      help: 'Duration of pipeline runs in seconds, by outcome (success, failure, timeout, aborted).',
      labelNames: ['pipeline', 'outcome'],
      buckets,
    });
    this.operationDuration = new AccumulatedHistogram({
      name: METRIC_NAMES.operationDuration,
      help: 'Duration of operations in seconds, by outcome; failed and timed-out operations included.',
      labelNames: ['pipeline', 'operation', 'outcome', 'critical'],
      buckets,
    });
    this.operationFailures = new AccumulatedCounter({
      name: METRIC_NAMES.operationFailures,
      help: 'Operations that did not succeed, by reason (error, timeout, aborted); each failure counted once.',
      labelNames: ['pipeline', 'operation', 'critical', 'reason'],
    });
    this.pipelinesInFlight = new AccumulatedGauge({
      name: METRIC_NAMES.pipelinesInFlight,
      help: 'Pipeline runs started and not yet finished.',
      labelNames: ['pipeline'],
    });
    this.operationRetries = new AccumulatedCounter({
      name: METRIC_NAMES.operationRetries,
      help: 'Tries after the first of operations with a retry policy.',
      labelNames: ['pipeline', 'operation'],
    });
    this.compensations = new AccumulatedCounter({
      name: METRIC_NAMES.compensations,
      help: 'Compensations run to undo an operation after its run failed, by outcome (success, failure, timeout).',
      labelNames: ['pipeline', 'operation', 'outcome'],
    });
    this.recoveries = new AccumulatedCounter({
      name: METRIC_NAMES.recoveries,
      help: 'Compensations run by the recovery sweep for runs whose process stopped mid-run, by outcome (success, failure, timeout).',
      labelNames: ['pipeline', 'operation', 'outcome'],
    });
    this.register();
  }

  /** Creates every series of a pipeline at zero, so dashboards and alerts see them from boot. */
  track(pipeline: PipelineDefinition): PipelineSeries {
    const name = pipeline.name;
    const operations: OperationSeries[] = [];
    for (const operation of pipeline.operations)
      operations[operation.order] = this.trackOperation(pipeline, operation);
    return {
      definition: pipeline,
      duration: Int32Array.from(OUTCOMES, (outcome) =>
        this.pipelineDuration.series([name, outcome]),
      ),
      inFlight: this.pipelinesInFlight.series([name]),
      operations,
    };
  }

  /**
   * Retry, compensation and recovery series exist only for operations with a retry policy or a
   * compensation: anywhere else they could never move, and would only add cardinality.
   */
  trackOperation(pipeline: PipelineDefinition, operation: OperationDefinition): OperationSeries {
    const labels = [pipeline.name, operation.name];
    const critical = String(operation.critical);
    const compensable = operation.compensate !== undefined;
    return {
      definition: operation,
      duration: Int32Array.from(OUTCOMES, (outcome) =>
        this.operationDuration.series([...labels, outcome, critical]),
      ),
      failures: Int32Array.from(REASONS, (reason) =>
        this.operationFailures.series([...labels, critical, reason]),
      ),
      retries: operation.retry === undefined ? -1 : this.operationRetries.series(labels),
      compensations: compensable
        ? Int32Array.from(COMPENSATION_OUTCOMES, (outcome) =>
            this.compensations.series([...labels, outcome]),
          )
        : NONE,
      recoveries: compensable
        ? Int32Array.from(COMPENSATION_OUTCOMES, (outcome) =>
            this.recoveries.series([...labels, outcome]),
          )
        : NONE,
    };
  }

  /** Leaves the registry as it was, so another app in the same process can register again. */
  onModuleDestroy(): void {
    this.unregister();
  }

  unregister(): void {
    for (const metric of this.all()) unregisterFrom(this.registry, metric);
  }

  private register(): void {
    for (const metric of this.all()) {
      if (this.registry.getSingleMetric(metric.name) !== undefined)
        throw new Error(messages.metricTaken(metric.name));
    }
    for (const metric of this.all()) registerIn(this.registry, metric);
  }

  private all() {
    return [
      this.pipelineDuration,
      this.operationDuration,
      this.operationFailures,
      this.pipelinesInFlight,
      this.operationRetries,
      this.compensations,
      this.recoveries,
    ];
  }
}
