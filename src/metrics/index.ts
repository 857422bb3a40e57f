export {
  AccumulatedHistogram,
  type AccumulatedHistogramConfig,
} from './accumulators/accumulated-histogram.js';
export {
  AccumulatedCounter,
  AccumulatedGauge,
  type AccumulatedScalarConfig,
} from './accumulators/accumulated-scalar.js';
export { HttpMetricsCollector } from './http-metrics.collector.js';
export type * from './interfaces/metrics-module-options.interface.js';
export {
  DEFAULT_DURATION_BUCKETS,
  DEFAULT_PUBLIC_METADATA_KEY,
  METRIC_NAMES,
  METRICS_REGISTRY,
  UNMATCHED_ROUTE,
} from './metrics.constants.js';
export { MetricsAuthGuard } from './metrics-auth.guard.js';
export {
  OrchestratorMetrics,
  type OperationSeries,
  type PipelineSeries,
} from './orchestrator.metrics.js';
export { OrchestratorMetricsModule } from './orchestrator-metrics.module.js';
export { PrometheusObserver } from './prometheus.observer.js';
