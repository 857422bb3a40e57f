import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'yaml';
import { checkMetrics } from './support/promtool.js';
import { registerAndLogin } from './support/auth.js';
import {
  findPrometheus,
  startPrometheus,
  type PrometheusServer,
  type QueryResult,
  type VectorSample,
} from './support/prometheus-server.js';
import { bootTestApp, type TestApp } from './support/test-app.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const DASHBOARDS = join(root, 'grafana/dashboards');
const RULES = join(root, 'grafana/alerts');
/** Stands in for Grafana's `$__rate_interval`: covers the whole test, spans many 1 s scrapes. */
const RATE_WINDOW = '30s';

interface Panel {
  dashboard: string;
  panel: string;
  refId: string;
  expr: string;
}

/** Every query of every committed dashboard, read when Jest collects the tests. */
function dashboardQueries(): Panel[] {
  const panels: Panel[] = [];
  for (const file of readdirSync(DASHBOARDS)
    .filter((name) => name.endsWith('.json'))
    .sort()) {
    const dashboard = JSON.parse(readFileSync(join(DASHBOARDS, file), 'utf8')) as {
      title: string;
      panels: Array<{ title: string; targets?: Array<{ refId: string; expr: string }> }>;
    };
    for (const panel of dashboard.panels) {
      for (const target of panel.targets ?? []) {
        panels.push({
          dashboard: dashboard.title,
          panel: panel.title,
          refId: target.refId,
          expr: target.expr,
        });
      }
    }
  }
  return panels;
}

const panels = dashboardQueries();
const ruleCount = readdirSync(RULES)
  .filter((name) => name.endsWith('.yml'))
  .flatMap(
    (name) =>
      (parse(readFileSync(join(RULES, name), 'utf8')) as { groups: { rules: unknown[] }[] }).groups,
  )
  .flatMap((group) => group.rules).length;

const items = [{ sku: 'OBS-1', quantity: 2, unitPriceCents: 1250 }];

/** Polls until `check` returns a value, or fails saying what it waited for. */
async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(250);
  }
}

const samplesOf = (result: QueryResult): VectorSample[] =>
  result.resultType === 'vector' ? (result.result as VectorSample[]) : [];

/** Sum of a metric's samples in an exposition text. */
function total(exposition: string, metric: string): number {
  let sum = 0;
  for (const line of exposition.split('\n')) {
    if (line.startsWith(`${metric}{`) || line.startsWith(`${metric} `))
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

const host = (app: TestApp) => new URL(app.baseUrl).host;

describe('observability on a real Prometheus', () => {
  let prometheus: PrometheusServer | undefined;
  let app: TestApp | undefined;
  /** `/metrics` of each app after its traffic, by phase. */
  const expositions: Record<string, string> = {};
  /** What the responses said happened, by kind. */
  const seen = { success: 0, criticalFailure: 0, nonCriticalFailure: 0, timeout: 0 };
  let evaluatedAt: number;

  /**
   * Waits until Prometheus has scraped the app's current run count; after traffic that count is
   * new, so the sample is one taken after the traffic. Returns the app's `/metrics` text.
   */
  async function waitForScrape(current: TestApp): Promise<string> {
    const exposition = await (await fetch(`${current.baseUrl}/metrics`)).text();
    const runs = total(exposition, 'orchestrator_pipeline_duration_seconds_count');
    const expr = `sum(orchestrator_pipeline_duration_seconds_count{instance="${host(current)}"})`;
    await waitFor(`Prometheus to scrape ${runs} runs from ${host(current)}`, async () => {
      const [sample] = samplesOf(await prometheus!.query(expr));
      return sample !== undefined && Number(sample.value[1]) === runs ? true : undefined;
    });
    return exposition;
  }

  async function createOrder(current: TestApp, token: string, totalCents = 2500) {
    const response = await current.request('POST', '/orders', {
      token,
      body: { items, totalCents },
    });
    record(response.status, response.body);
    return response;
  }

  async function cancelOrder(current: TestApp, token: string, id: string) {
    const response = await current.request('POST', `/orders/${id}/cancel`, { token });
    record(response.status, response.body);
    return response;
  }

  function record(status: number, body: { success?: boolean; errors?: { code: string }[] }) {
    if (status >= 400) seen.criticalFailure++;
    else if (body.success === true) seen.success++;
    for (const error of body.errors ?? []) {
      if (error.code === 'TIMEOUT') seen.timeout++;
      else seen.nonCriticalFailure++;
    }
  }

  /** Flaky notifier: successes, critical failures (422, 409) and failed notifications. */
  async function flakyTraffic(current: TestApp) {
    const { token } = await registerAndLogin(current);
    await createOrder(current, token, 1);
    await createOrder(current, token, 1);
    const placed: string[] = [];
    // Half the notifications fail: go on until both kinds happened (40 tries: odds ~1e-12).
    for (let i = 0; i < 40; i++) {
      const response = await createOrder(current, token);
      expect(response.status).toBe(201);
      placed.push(response.body.data.id);
      if (placed.length >= 3 && seen.nonCriticalFailure > 0) break;
    }
    for (const id of placed.slice(0, 2))
      expect((await cancelOrder(current, token, id)).status).toBe(200);
    expect((await cancelOrder(current, token, placed[0])).status).toBe(409);
  }

  /** Notifier slower than its 200 ms budget: every notification times out, runs still succeed. */
  async function slowTraffic(current: TestApp) {
    const { token } = await registerAndLogin(current);
    await createOrder(current, token, 1);
    const placed = await Promise.all([1, 2, 3].map(() => createOrder(current, token)));
    for (const response of placed) expect(response.status).toBe(201);
    expect((await cancelOrder(current, token, placed[0].body.data.id)).status).toBe(200);
  }

  beforeAll(async () => {
    // Before any app boots, so a machine without Prometheus fails at once with the fix.
    findPrometheus();
    const phases = [
      {
        name: 'flaky',
        env: { NOTIFIER_FAIL_RATE: '0.5', NOTIFIER_LATENCY_MS: '0' },
        traffic: flakyTraffic,
      },
      {
        name: 'slow',
        env: { NOTIFIER_FAIL_RATE: '0', NOTIFIER_LATENCY_MS: '10000' },
        traffic: slowTraffic,
      },
    ];
    // One app at a time (they share prom-client's global registry); Prometheus follows each.
    for (const phase of phases) {
      const previous = app;
      // Cleared first, so afterAll does not close it again if the next boot fails.
      app = undefined;
      await previous?.close();
      app = await bootTestApp({ env: phase.env });
      if (prometheus === undefined) {
        prometheus = await startPrometheus({
          targets: [host(app)],
          ruleFiles: [join(RULES, '*.yml')],
        });
      } else {
        await prometheus.setTargets([host(app)]);
      }
      // The zero series from boot first, so every rate below has a starting point.
      await waitForScrape(app);
      await phase.traffic(app);
      expositions[phase.name] = await waitForScrape(app);
    }
    evaluatedAt = Date.now() / 1000;
  }, 90_000);

  afterAll(async () => {
    await app?.close();
    await prometheus?.stop();
  });

  it('drove successes, critical failures, non-critical failures and timeouts', () => {
    expect(seen).toEqual({
      success: expect.any(Number),
      criticalFailure: 4,
      nonCriticalFailure: expect.any(Number),
      timeout: 4,
    });
    expect(Math.min(...Object.values(seen))).toBeGreaterThan(0);
  });

  it.each([
    ['successful runs', 'orchestrator_pipeline_duration_seconds_count{outcome="success"}'],
    ['critical failures', 'orchestrator_operation_failures_total{critical="true",reason="error"}'],
    [
      'non-critical failures',
      'orchestrator_operation_failures_total{critical="false",reason="error"}',
    ],
    ['timeouts', 'orchestrator_operation_failures_total{critical="false",reason="timeout"}'],
  ])('Prometheus scraped the %s', async (_kind, series) => {
    const [sample] = samplesOf(
      await prometheus!.query(`sum(max_over_time(${series}[5m]))`, evaluatedAt),
    );
    expect(Number(sample?.value[1])).toBeGreaterThan(0);
  });

  it('reads queries from every generated dashboard', () => {
    const dashboards = new Set(panels.map((panel) => panel.dashboard));
    const files = readdirSync(DASHBOARDS).filter((name) => name.endsWith('.json'));
    expect(dashboards.size).toBe(files.length);
    expect(dashboards).toContain('Orchestrator: overview');
  });

  it.each(panels.map((panel) => [`${panel.dashboard} › ${panel.panel} [${panel.refId}]`, panel]))(
    'panel %s returns data',
    async (name, { expr }) => {
      const query = expr.replaceAll('$__rate_interval', RATE_WINDOW);
      if (query.includes('$'))
        throw new Error(`${name}: unsupported Grafana variable in\n  ${expr}`);
      const samples = samplesOf(await prometheus!.query(query, evaluatedAt));
      if (samples.length === 0) throw new Error(`${name}: no series from\n  ${query}`);
      // NaN is what 0/0 or a quantile over no observations gives: a gap on the panel.
      if (!samples.some((sample) => Number.isFinite(Number(sample.value[1])))) {
        const values = samples.map((sample) => sample.value[1]).join(', ');
        throw new Error(`${name}: only ${values} from\n  ${query}`);
      }
    },
  );

  it('loaded every alert rule and evaluates each without error', async () => {
    interface Rule {
      name: string;
      health: string;
      lastError?: string;
      lastEvaluation: string;
    }
    const rules = await waitFor('every alert rule to be evaluated', async () => {
      const { groups } = await prometheus!.api<{ groups: { rules: Rule[] }[] }>('/api/v1/rules');
      const all = groups.flatMap((group) => group.rules);
      return all.every((rule) => rule.health !== 'unknown') ? all : undefined;
    });
    expect(rules).toHaveLength(ruleCount);
    expect(rules.filter((rule) => rule.health !== 'ok')).toEqual([]);
  });

  it.each(['flaky', 'slow'])(
    'serves /metrics that promtool accepts after the %s traffic',
    async (phase) => {
      expect(await checkMetrics(expositions[phase])).toMatchObject({ ok: true, problems: [] });
    },
  );
});
