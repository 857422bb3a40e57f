import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { checkRules, testRules } from '../../../../test/support/promtool.js';
import type { PipelineDefinition } from '../index.js';
import { grafanaFiles } from './grafana-files.js';
import { METRICS } from './promql.js';

const RULES = 'grafana/alerts/orchestrator.rules.yml';

/** Alert rules read only names and timeouts, so bare definitions will do. */
const pipeline = (name: string, timeoutMs?: number): PipelineDefinition => ({
  name,
  target: class {},
  description: undefined,
  timeoutMs,
  operations: [],
});

/** `start+step` for every minute of half an hour, in promtool's series notation. */
const growing = (step: number) => `0+${step}x30`;

describe('alert rules', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'alert-rules-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** Writes the rules generated for `pipelines` and returns their path. */
  const writeRules = async (pipelines: PipelineDefinition[]) => {
    const path = join(dir, 'orchestrator.rules.yml');
    await writeFile(path, grafanaFiles(pipelines).get(RULES)!);
    return path;
  };

  it('pass promtool check rules for any pipeline name, quotes included', async () => {
    const path = await writeRules([
      pipeline('checkout', 1500),
      pipeline('import "legacy" v2\\batch'),
      pipeline('RefundOrder', 250),
    ]);
    expect(await checkRules([path])).toEqual({ ok: true, exitCode: 0, rules: 5, problems: [] });
  });

  it('fire on the pipelines past their thresholds, and only there (promtool test rules)', async () => {
    const rules = await writeRules([pipeline('checkout', 1500), pipeline('refund', 1500)]);
    const runs = `${METRICS.pipelineDuration}_count`;
    const buckets = `${METRICS.pipelineDuration}_bucket`;
    const failures = METRICS.operationFailures;
    const input = [
      // checkout: 100 runs a minute, 10 of them failing on a critical step, p95 about 2.1 s.
      [`${runs}{pipeline="checkout",outcome="success"}`, growing(90)],
      [`${runs}{pipeline="checkout",outcome="failure"}`, growing(10)],
      [
        `${failures}{pipeline="checkout",operation="charge",critical="true",reason="error"}`,
        growing(10),
      ],
      [`${buckets}{pipeline="checkout",le="1"}`, growing(80)],
      [`${buckets}{pipeline="checkout",le="2.5"}`, growing(100)],
      [`${buckets}{pipeline="checkout",le="+Inf"}`, growing(100)],
      // refund: 4% critical failures and many absorbed non-critical ones, all fast.
      [`${runs}{pipeline="refund",outcome="success"}`, growing(96)],
      [`${runs}{pipeline="refund",outcome="failure"}`, growing(4)],
      [
        `${failures}{pipeline="refund",operation="approve",critical="true",reason="error"}`,
        growing(4),
      ],
      [
        `${failures}{pipeline="refund",operation="notify",critical="false",reason="timeout"}`,
        growing(60),
      ],
      [`${buckets}{pipeline="refund",le="1"}`, growing(100)],
      [`${buckets}{pipeline="refund",le="+Inf"}`, growing(100)],
    ];
    const checkout = (severity: string, summary: string, description: string) => ({
      exp_labels: { severity, pipeline: 'checkout' },
      exp_annotations: { summary, description },
    });
    const failing = checkout(
      'page',
      'More than 5% of checkout runs fail on a critical operation',
      'Pipeline "checkout": critical failures over runs, last 5m, is 10%.',
    );
    const slow = checkout(
      'ticket',
      'p95 of checkout is over its 1500 ms timeout',
      "More than 5% of checkout runs hit the pipeline's timeout; p95 is 2.125s.",
    );
    const test = {
      rule_files: [rules],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: input.map(([series, values]) => ({ series, values })),
          alert_rule_test: [
            // Pending until each rule's `for` has passed.
            { eval_time: '4m', alertname: 'OrchestratorCriticalFailureRatio', exp_alerts: [] },
            {
              eval_time: '12m',
              alertname: 'OrchestratorCriticalFailureRatio',
              exp_alerts: [failing],
            },
            { eval_time: '8m', alertname: 'OrchestratorLatencyOverTimeout', exp_alerts: [] },
            { eval_time: '20m', alertname: 'OrchestratorLatencyOverTimeout', exp_alerts: [slow] },
          ],
        },
      ],
    };
    const path = join(dir, 'orchestrator.rules.test.yml');
    await writeFile(path, stringify(test));
    expect(await testRules([path])).toEqual({ ok: true, exitCode: 0, problems: [] });
  });
});
