import { OPERATION_OUTCOMES } from '../index.js';

/**
 * Upper bounds in seconds for request work: sub-millisecond steps up to a 10 s ceiling
 * (timeouts beyond that only land in `+Inf`).
 */
export const DEFAULT_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
]);

export const DEFAULT_METRICS_PATH = '/metrics';

/**
 * The metadata key of the `@Public()` decorator in Nest's authentication guide
 * (`SetMetadata('isPublic', true)`), which a global JWT guard reads to let Prometheus scrape. An
 * app with another key passes it as the `publicMetadata` option (this starter does:
 * `auth:isPublic`).
 */
export const DEFAULT_PUBLIC_METADATA_KEY = 'isPublic';

export const METRIC_NAMES = {
  pipelineDuration: 'orchestrator_pipeline_duration_seconds',
  operationDuration: 'orchestrator_operation_duration_seconds',
  operationFailures: 'orchestrator_operation_failures_total',
  pipelinesInFlight: 'orchestrator_pipelines_in_flight',
  operationRetries: 'orchestrator_operation_retries_total',
  compensations: 'orchestrator_compensations_total',
  recoveries: 'orchestrator_recoveries_total',
  httpRequestDuration: 'http_request_duration_seconds',
} as const;

/** Outcome label values, indexed as the observer indexes its series. */
export const OUTCOMES = OPERATION_OUTCOMES;

/**
 * `reason` label values of a failure; `REASONS[i - 1]` belongs to `OUTCOMES[i]` (a failure's
 * reason is `error`, the others keep their name).
 */
export const REASONS = OUTCOMES.slice(1).map((outcome) =>
  outcome === 'failure' ? 'error' : outcome,
);

/**
 * Outcome label values of a compensation, `OUTCOMES` but `aborted`: an undo is never aborted. A
 * recovery (a compensation run by the sweep after a crash) has the same outcomes.
 */
export const COMPENSATION_OUTCOMES = OUTCOMES.filter((outcome) => outcome !== 'aborted');

/** Route label of requests no route matched, so raw URLs never become label values. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Injection token of the prom-client `Registry` the metrics live in and `/metrics` serves. */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

/** Injection token of the options with every default applied. */
export const METRICS_SETTINGS = Symbol('METRICS_SETTINGS');
