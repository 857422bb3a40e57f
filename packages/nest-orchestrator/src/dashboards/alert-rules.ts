import type { PipelineDefinition } from '../index.js';
import { METRICS, pipelineSelector, quote } from './promql.js';

export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  rules: AlertRule[];
}

/** Share of runs with a critical failure above which someone should look. */
export const CRITICAL_FAILURE_RATIO = 0.05;
const WINDOW = '5m';

/** Prometheus alerting rules, one pair per pipeline, thresholds taken from the registry. */
export function alertRules(pipelines: readonly PipelineDefinition[]): { groups: RuleGroup[] } {
  const rules: AlertRule[] = [];
  for (const pipeline of pipelines) {
    const selector = pipelineSelector(pipeline);
    const critical = pipelineSelector(pipeline, ',critical="true"');
    const labels = { severity: 'page', pipeline: pipeline.name };
    rules.push({
      alert: 'OrchestratorCriticalFailureRatio',
      expr:
        `sum(rate(${METRICS.operationFailures}${critical}[${WINDOW}]))` +
        ` / sum(rate(${METRICS.pipelineDuration}_count${selector}[${WINDOW}])) > ${CRITICAL_FAILURE_RATIO}`,
      for: '5m',
      labels,
      annotations: {
        summary: `More than ${CRITICAL_FAILURE_RATIO * 100}% of ${pipeline.name} runs fail on a critical operation`,
        description: `Pipeline ${quote(pipeline.name)}: critical failures over runs, last ${WINDOW}, is {{ $value | humanizePercentage }}.`,
      },
    });
    if (pipeline.timeoutMs !== undefined) {
      const seconds = pipeline.timeoutMs / 1000;
      rules.push({
        alert: 'OrchestratorLatencyOverTimeout',
        expr:
          `histogram_quantile(0.95, sum by (le) (rate(${METRICS.pipelineDuration}_bucket${selector}[${WINDOW}])))` +
          ` > ${seconds}`,
        for: '10m',
        labels: { severity: 'ticket', pipeline: pipeline.name },
        annotations: {
          summary: `p95 of ${pipeline.name} is over its ${pipeline.timeoutMs} ms timeout`,
          description: `More than 5% of ${pipeline.name} runs hit the pipeline's timeout; p95 is {{ $value | humanizeDuration }}.`,
        },
      });
    }
  }
  return { groups: [{ name: 'orchestrator', rules }] };
}
