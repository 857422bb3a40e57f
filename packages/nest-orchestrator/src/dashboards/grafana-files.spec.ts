import { Test } from '@nestjs/testing';
import { parse } from 'yaml';
import { Operation, OrchestratorModule, Pipeline, PipelineRegistry } from '../index.js';
import type { AlertRule } from './alert-rules.js';
import { grafanaFiles, slug } from './grafana-files.js';

@Pipeline({ name: 'checkout', timeoutMs: 1500, description: 'Pays for a basket' })
class Checkout {
  @Operation()
  validate() {}

  @Operation({ timeoutMs: 800, retry: { attempts: 3 }, compensate: 'refund' })
  charge() {}

  refund() {}

  @Operation({ critical: false, timeoutMs: 200 })
  notify() {}
}

@Pipeline()
class RefundOrder {
  @Operation()
  refund() {}
}

interface DashboardJson {
  uid: string;
  title: string;
  panels: Array<{
    id: number;
    type: string;
    title: string;
    gridPos: { x: number; y: number; w: number; h: number };
    targets?: Array<{ expr: string; refId: string; exemplar?: boolean }>;
  }>;
}

async function registry() {
  const module = await Test.createTestingModule({
    imports: [OrchestratorModule.forRoot({ logFailures: false })],
    providers: [Checkout, RefundOrder],
  }).compile();
  await module.init();
  const pipelines = module.get(PipelineRegistry).list();
  await module.close();
  return pipelines;
}

describe('grafana files', () => {
  it('writes an overview, one dashboard per pipeline, alerts and the Prometheus/Grafana wiring', async () => {
    const files = grafanaFiles(await registry());
    expect([...files.keys()].sort()).toEqual([
      'grafana/alerts/orchestrator.rules.yml',
      'grafana/dashboards/orchestrator-overview.json',
      'grafana/dashboards/pipeline-checkout.json',
      'grafana/dashboards/pipeline-refund-order.json',
      'grafana/docker-compose.yml',
      'grafana/otel-collector.yml',
      'grafana/prometheus.yml',
      'grafana/provisioning/dashboards/orchestrator.yml',
      'grafana/provisioning/datasources/prometheus.yml',
      'grafana/tempo.yml',
    ]);
  });

  it('turns exemplars on for latency panels only, linked by trace_id to Tempo', async () => {
    const files = grafanaFiles(await registry());
    const withExemplars = (path: string) =>
      (JSON.parse(files.get(path)!) as DashboardJson).panels
        .filter((panel) => panel.targets?.some((target) => target.exemplar === true))
        .map((panel) => panel.title);
    expect(withExemplars('grafana/dashboards/orchestrator-overview.json')).toEqual([
      'Run latency p50 / p95 / p99',
    ]);
    expect(withExemplars('grafana/dashboards/pipeline-checkout.json')).toEqual([
      'p95 latency by operation',
      'validate: p95 latency',
      'charge: p95 latency',
      'notify: p95 latency',
    ]);
    const { datasources } = parse(
      files.get('grafana/provisioning/datasources/prometheus.yml')!,
    ) as {
      datasources: Array<{ uid: string; type: string; jsonData?: Record<string, unknown> }>;
    };
    expect(datasources.map((source) => source.type)).toEqual(['prometheus', 'tempo']);
    expect(datasources[0].jsonData).toEqual({
      exemplarTraceIdDestinations: [{ name: 'trace_id', datasourceUid: datasources[1].uid }],
    });
    const compose = parse(files.get('grafana/docker-compose.yml')!) as {
      services: Record<string, { command?: string[] }>;
    };
    expect(compose.services.prometheus.command).toContain('--enable-feature=exemplar-storage');
    expect(Object.keys(compose.services).sort()).toEqual([
      'grafana',
      'otel-collector',
      'prometheus',
      'tempo',
    ]);
  });

  it('gives each operation its own row, in run order, marked critical or not', async () => {
    const files = grafanaFiles(await registry());
    const checkout = JSON.parse(
      files.get('grafana/dashboards/pipeline-checkout.json')!,
    ) as DashboardJson;
    expect(checkout.uid).toBe('orch-checkout');
    const rows = checkout.panels
      .filter((panel) => panel.type === 'row')
      .map((panel) => panel.title);
    expect(rows).toEqual([
      'checkout: summary',
      '1. validate (critical)',
      '2. charge (critical, budget 800 ms)',
      '3. notify (non-critical, budget 200 ms)',
    ]);
    const chargeQueries = checkout.panels
      .filter((panel) => panel.title.startsWith('charge:'))
      .flatMap((panel) => panel.targets!.map((target) => target.expr));
    expect(chargeQueries).toEqual([
      'sum by (outcome) (rate(orchestrator_operation_duration_seconds_count{pipeline="checkout",operation="charge"}[$__rate_interval]))',
      'histogram_quantile(0.95, sum by (le) (rate(orchestrator_operation_duration_seconds_bucket{pipeline="checkout",operation="charge"}[$__rate_interval])))',
      'sum by (reason) (rate(orchestrator_operation_failures_total{pipeline="checkout",operation="charge"}[$__rate_interval]))',
    ]);
  });

  it('plots retries and compensations only for pipelines that have them', async () => {
    const files = grafanaFiles(await registry());
    const summary = (path: string) => {
      const { panels } = JSON.parse(files.get(path)!) as DashboardJson;
      const end = panels.findIndex((panel, i) => i > 0 && panel.type === 'row');
      return panels.slice(1, end).map((panel) => ({
        title: panel.title,
        width: panel.gridPos.w,
        exprs: panel.targets!.map((target) => target.expr),
      }));
    };
    expect(summary('grafana/dashboards/pipeline-checkout.json').slice(3)).toEqual([
      { title: 'Failures: critical vs non-critical', width: 8, exprs: [expect.any(String)] },
      {
        title: 'Retries per second',
        width: 8,
        exprs: [
          'sum by (operation) (rate(orchestrator_operation_retries_total{pipeline="checkout"}[$__rate_interval]))',
        ],
      },
      {
        title: 'Compensations per second by outcome',
        width: 8,
        exprs: [
          'sum by (operation, outcome) (rate(orchestrator_compensations_total{pipeline="checkout"}[$__rate_interval]))',
        ],
      },
    ]);
    expect(summary('grafana/dashboards/pipeline-refund-order.json').slice(3)).toEqual([
      { title: 'Failures: critical vs non-critical', width: 24, exprs: [expect.any(String)] },
    ]);
  });

  it('numbers panels in reading order and is byte-for-byte stable', async () => {
    const pipelines = await registry();
    const first = grafanaFiles(pipelines);
    expect(grafanaFiles(pipelines)).toEqual(first);
    const overview = JSON.parse(
      first.get('grafana/dashboards/orchestrator-overview.json')!,
    ) as DashboardJson;
    expect(overview.panels.map((panel) => panel.id)).toEqual([1, 2, 3, 4, 5]);
  });

  it('alerts on critical failure ratio for every pipeline and on p95 past the timeout where one is set', async () => {
    const rules = parse(
      grafanaFiles(await registry()).get('grafana/alerts/orchestrator.rules.yml')!,
    ) as {
      groups: Array<{ rules: AlertRule[] }>;
    };
    const alerts = rules.groups[0].rules.map((rule) => `${rule.alert} ${rule.labels.pipeline}`);
    expect(alerts).toEqual([
      'OrchestratorCriticalFailureRatio checkout',
      'OrchestratorLatencyOverTimeout checkout',
      'OrchestratorCriticalFailureRatio RefundOrder',
    ]);
    expect(rules.groups[0].rules[1].expr).toContain('> 1.5');
  });

  it.each([
    ['create-order', 'create-order'],
    ['RefundOrder', 'refund-order'],
    ['HTTPImport v2', 'httpimport-v2'],
  ])('slugs %s as %s', (name, expected) => {
    expect(slug(name)).toBe(expected);
  });
});
