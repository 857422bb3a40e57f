export {
  checkMetrics,
  checkRules,
  findPromtool,
  PROM_CLIENT_LINT_EXCEPTIONS,
  testRules,
  type CheckMetricsOptions,
  type PromtoolReport,
  type RuleTestReport,
  type RulesReport,
} from './promtool.js';
