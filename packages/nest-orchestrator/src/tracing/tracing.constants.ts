/** The instrumentation scope name the spans carry. */
export const TRACER_NAME = 'nest-orchestrator';

/** Attributes on the spans of runs, operations and compensations (README "Tracing"). */
export const SPAN_ATTRIBUTES = {
  pipeline: 'orchestrator.pipeline',
  operation: 'orchestrator.operation',
  runId: 'orchestrator.run_id',
  critical: 'orchestrator.critical',
  /** success, failure, timeout or aborted (`OPERATION_OUTCOMES`). */
  outcome: 'orchestrator.outcome',
  /** 1 for the first try, 2 for the first retry, and so on. */
  attempt: 'orchestrator.attempt',
  /** On a compensation: run by a recovery sweep for a run whose process stopped. */
  recovery: 'orchestrator.recovery',
  /** On the `retry` event: the wait before the next try. */
  retryDelayMs: 'orchestrator.retry.delay_ms',
} as const;

export const SPAN_EVENTS = {
  /** A try failed and another follows, on the failed try's span. */
  retry: 'retry',
} as const;
