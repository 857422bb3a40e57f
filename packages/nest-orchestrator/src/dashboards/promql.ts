import { METRIC_NAMES } from '../prometheus/metrics.constants.js';
import type { OperationDefinition, PipelineDefinition } from '../index.js';

/** Grafana fills this in per panel; tests against Prometheus substitute a fixed window. */
export const RATE_WINDOW = '$__rate_interval';

/** The names the metrics module registers: one source, so a rename cannot leave panels behind. */
export const METRICS = {
  pipelineDuration: METRIC_NAMES.pipelineDuration,
  operationDuration: METRIC_NAMES.operationDuration,
  operationFailures: METRIC_NAMES.operationFailures,
  operationRetries: METRIC_NAMES.operationRetries,
  compensations: METRIC_NAMES.compensations,
  inFlight: METRIC_NAMES.pipelinesInFlight,
} as const;

/** PromQL string literal: label values come from the registry, but quote them properly anyway. */
export function quote(value: string): string {
  return JSON.stringify(value);
}

export function pipelineSelector(pipeline: PipelineDefinition, extra = ''): string {
  return `{pipeline=${quote(pipeline.name)}${extra}}`;
}

export function operationSelector(
  pipeline: PipelineDefinition,
  operation: OperationDefinition,
): string {
  return pipelineSelector(pipeline, `,operation=${quote(operation.name)}`);
}

export function rate(series: string, window = RATE_WINDOW): string {
  return `rate(${series}[${window}])`;
}

export function quantile(q: number, bucketSeries: string, by: string[]): string {
  return `histogram_quantile(${q}, sum by (${[...by, 'le'].join(', ')}) (${rate(bucketSeries)}))`;
}

/** Alert and panel text for a critical/non-critical operation. */
export function criticality(operation: OperationDefinition): string {
  return operation.critical ? 'critical' : 'non-critical';
}
