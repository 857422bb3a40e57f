export {
  checkMetrics,
  findPromtool,
  PROM_CLIENT_LINT_EXCEPTIONS,
  type CheckMetricsOptions,
  type PromtoolReport,
} from './promtool.js';
