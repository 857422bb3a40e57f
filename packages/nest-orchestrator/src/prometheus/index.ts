export type {
  MetricsAuthOptions,
  MetricsPublicMetadata,
  OrchestratorMetricsModuleOptions,
} from './interfaces/metrics-module-options.interface.js';
export {
  DEFAULT_DURATION_BUCKETS,
  DEFAULT_PUBLIC_METADATA_KEY,
  METRIC_NAMES,
  METRICS_REGISTRY,
  UNMATCHED_ROUTE,
} from './metrics.constants.js';
export { OrchestratorMetrics } from './orchestrator.metrics.js';
export { OrchestratorMetricsModule } from './orchestrator-metrics.module.js';
export { PrometheusObserver } from './prometheus.observer.js';
