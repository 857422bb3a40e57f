import type { PipelineDefinition } from '../index.js';
import type { PanelSpec, RowSpec } from './panel-spec.js';
import {
  METRICS,
  criticality,
  operationSelector,
  pipelineSelector,
  quantile,
  rate,
} from './promql.js';

const {
  pipelineDuration,
  operationDuration,
  operationFailures,
  operationRetries,
  compensations,
  inFlight,
} = METRICS;

/** Shares a line of the grid out evenly among the panels that apply. */
function spread(width: number, panels: (Omit<PanelSpec, 'width'> | false)[]): PanelSpec[] {
  const present = panels.filter((panel) => panel !== false);
  return present.map((panel) => ({ ...panel, width: width / present.length }));
}

/** All pipelines side by side: traffic, errors, latency, concurrency. */
export function overviewRows(): RowSpec[] {
  return [
    {
      title: 'All pipelines',
      panels: [
        {
          title: 'Runs per second',
          description: 'Completed runs per second, by pipeline.',
          kind: 'timeseries',
          unit: 'reqps',
          width: 12,
          queries: [
            {
              expr: `sum by (pipeline) (${rate(`${pipelineDuration}_count`)})`,
              legend: '{{pipeline}}',
            },
          ],
        },
        {
          title: 'Error ratio',
          description: 'Share of runs that failed, timed out or were aborted.',
          kind: 'timeseries',
          unit: 'percentunit',
          width: 12,
          queries: [
            {
              expr:
                `sum by (pipeline) (${rate(`${pipelineDuration}_count{outcome!="success"}`)})` +
                ` / sum by (pipeline) (${rate(`${pipelineDuration}_count`)})`,
              legend: '{{pipeline}}',
            },
          ],
        },
        {
          title: 'Run latency p50 / p95 / p99',
          description: 'Whole-run duration quantiles, by pipeline.',
          kind: 'timeseries',
          unit: 's',
          exemplars: true,
          width: 16,
          queries: [0.5, 0.95, 0.99].map((q) => ({
            expr: quantile(q, `${pipelineDuration}_bucket`, ['pipeline']),
            legend: `{{pipeline}} p${Math.round(q * 100)}`,
          })),
        },
        {
          title: 'In flight',
          description: 'Runs started and not yet finished.',
          kind: 'stat',
          unit: 'short',
          width: 8,
          queries: [{ expr: `sum by (pipeline) (${inFlight})`, legend: '{{pipeline}}' }],
        },
      ],
    },
  ];
}

/** One pipeline: a summary row, then a row per operation in run order. */
export function pipelineRows(pipeline: PipelineDefinition): RowSpec[] {
  const all = pipelineSelector(pipeline);
  const summary: RowSpec = {
    title: `${pipeline.name}: summary`,
    panels: [
      {
        title: 'Runs per second by outcome',
        description: 'success, failure, timeout, aborted.',
        kind: 'timeseries',
        unit: 'reqps',
        width: 8,
        queries: [
          {
            expr: `sum by (outcome) (${rate(`${pipelineDuration}_count${all}`)})`,
            legend: '{{outcome}}',
          },
        ],
      },
      {
        title: 'p95 latency by operation',
        description: 'Which step is slow.',
        kind: 'timeseries',
        unit: 's',
        exemplars: true,
        width: 8,
        queries: [
          {
            expr: quantile(0.95, `${operationDuration}_bucket${all}`, ['operation']),
            legend: '{{operation}}',
          },
        ],
      },
      {
        title: 'Share of run time by operation',
        description: 'Time spent in each operation over time spent in runs.',
        kind: 'timeseries',
        unit: 'percentunit',
        width: 8,
        queries: [
          {
            expr:
              `sum by (operation) (${rate(`${operationDuration}_sum${all}`)})` +
              ` / scalar(sum(${rate(`${pipelineDuration}_sum${all}`)}))`,
            legend: '{{operation}}',
          },
        ],
      },
      ...spread(24, [
        {
          title: 'Failures: critical vs non-critical',
          description: 'Critical failures fail the request; non-critical ones are absorbed.',
          kind: 'timeseries',
          unit: 'short',
          queries: [
            {
              expr: `sum by (critical) (${rate(`${operationFailures}${all}`)})`,
              legend: 'critical={{critical}}',
            },
          ],
        },
        // Retry and compensation series exist only for operations that have one (see the metrics).
        pipeline.operations.some((operation) => operation.retry !== undefined) && {
          title: 'Retries per second',
          description: 'Extra tries of operations with a retry policy.',
          kind: 'timeseries',
          unit: 'short',
          queries: [
            {
              expr: `sum by (operation) (${rate(`${operationRetries}${all}`)})`,
              legend: '{{operation}}',
            },
          ],
        },
        pipeline.operations.some((operation) => operation.compensate !== undefined) && {
          title: 'Compensations per second by outcome',
          description:
            'Undos of succeeded steps after a run failed; a failed or timed-out one left its effect in place.',
          kind: 'timeseries',
          unit: 'short',
          queries: [
            {
              expr: `sum by (operation, outcome) (${rate(`${compensations}${all}`)})`,
              legend: '{{operation}} {{outcome}}',
            },
          ],
        },
      ]),
    ],
  };
  const perOperation = pipeline.operations.map((operation): RowSpec => {
    const one = operationSelector(pipeline, operation);
    const budget = operation.timeoutMs === undefined ? '' : `, budget ${operation.timeoutMs} ms`;
    const panels: PanelSpec[] = [
      {
        title: `${operation.name}: rate by outcome`,
        description: `Runs of ${operation.name} per second.`,
        kind: 'timeseries',
        unit: 'reqps',
        width: 8,
        queries: [
          {
            expr: `sum by (outcome) (${rate(`${operationDuration}_count${one}`)})`,
            legend: '{{outcome}}',
          },
        ],
      },
      {
        title: `${operation.name}: p95 latency`,
        description: `95th percentile duration of ${operation.name}${budget}.`,
        kind: 'timeseries',
        unit: 's',
        exemplars: true,
        width: 8,
        queries: [{ expr: quantile(0.95, `${operationDuration}_bucket${one}`, []), legend: 'p95' }],
      },
      {
        title: `${operation.name}: failures by reason`,
        description: 'error, timeout, aborted.',
        kind: 'timeseries',
        unit: 'short',
        width: 8,
        queries: [
          { expr: `sum by (reason) (${rate(`${operationFailures}${one}`)})`, legend: '{{reason}}' },
        ],
      },
    ];
    return {
      title: `${operation.order + 1}. ${operation.name} (${criticality(operation)}${budget})`,
      panels,
    };
  });
  return [summary, ...perOperation];
}
