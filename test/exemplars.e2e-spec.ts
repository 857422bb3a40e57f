import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { TEST_PASSWORD, uniqueEmail } from './support/auth.js';
import { startPrometheus, type PrometheusServer } from './support/prometheus-server.js';
import {
  buildAppCopy,
  exitWithin,
  listeningUrl,
  runAppCopy,
  type AppCopy,
  type RunningApp,
} from './reliability/support/built-app.js';
import { rawRequest } from './reliability/support/raw-http.js';

// The built starter run as in production with its tracing bootstrap (`node --import
// dist/tracing.js`), the SDK exporting to an OTLP/HTTP sink on 127.0.0.1, scraped by a real
// Prometheus with exemplar storage: the trace a client's `traceparent` began for one POST /orders
// must come back from Prometheus' exemplars API on the operation duration histogram, which is
// what Grafana follows from a latency panel to the trace in Tempo.

/** One series' exemplars, as `/api/v1/query_exemplars` returns them. */
interface SeriesExemplars {
  seriesLabels: Record<string, string>;
  exemplars: { labels: Record<string, string>; value: string; timestamp: number }[];
}

/** Accepts every OTLP export and keeps nothing: the spans' content is test/tracing's subject. */
async function otlpSink(): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () =>
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server };
}

describe('exemplars from the traced starter, scraped by Prometheus', () => {
  let copy: AppCopy;
  let sink: Awaited<ReturnType<typeof otlpSink>>;
  let app: RunningApp | undefined;
  let prometheus: PrometheusServer | undefined;

  beforeAll(async () => {
    [copy, sink] = await Promise.all([buildAppCopy(), otlpSink()]);
  }, 120_000);
  afterAll(async () => {
    app?.child.kill('SIGKILL');
    await prometheus?.stop();
    await copy?.remove();
    sink?.server.close();
  });

  it("returns the client's trace id for the operation duration histogram", async () => {
    app = runAppCopy(
      copy.main,
      {
        NODE_ENV: 'test',
        JWT_SECRET: randomBytes(48).toString('base64url'),
        HOST: '127.0.0.1',
        PORT: '0',
        PGLITE_DATA_DIR: 'memory://',
        OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_SERVICE_NAME: 'orders-exemplars-e2e',
        OTEL_METRICS_EXPORTER: 'none',
        OTEL_LOGS_EXPORTER: 'none',
      },
      ['--import', copy.main.replace(/main\.js$/, 'tracing.js')],
    );
    const baseUrl = await listeningUrl(app);
    prometheus = await startPrometheus({
      targets: [new URL(baseUrl).host],
      features: ['exemplar-storage'],
    });

    const registered = await rawRequest(baseUrl, {
      method: 'POST',
      path: '/auth/register',
      body: { email: uniqueEmail('exemplars'), password: TEST_PASSWORD },
    });
    expect(registered.status).toBe(201);
    const traceId = randomBytes(16).toString('hex');
    const created = await rawRequest(baseUrl, {
      method: 'POST',
      path: '/orders',
      token: registered.body.accessToken as string,
      headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
      body: { items: [{ sku: 'SKU-EXEMPLAR', quantity: 1, unitPriceCents: 1999 }] },
    });
    expect(created.status).toBe(201);

    const query = (metric: string) => {
      const now = Date.now() / 1000;
      const params = new URLSearchParams({
        query: `${metric}{pipeline="create-order"}`,
        start: String(now - 600),
        end: String(now + 60),
      });
      return prometheus!.api<SeriesExemplars[]>(`/api/v1/query_exemplars?${params}`);
    };
    const withTrace = (series: SeriesExemplars[]) =>
      series.filter((s) => s.exemplars.some((e) => e.labels.trace_id === traceId));

    let found: SeriesExemplars[] = [];
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(250)) {
      found = withTrace(await query('orchestrator_operation_duration_seconds_bucket'));
      if (found.length >= 5) break;
    }
    expect(found.map((s) => s.seriesLabels.operation).sort()).toEqual(
      ['create', 'notify', 'reserve', 'track', 'validate'].sort(),
    );
    for (const series of found) {
      const exemplar = series.exemplars.find((e) => e.labels.trace_id === traceId)!;
      expect(exemplar.labels.span_id).toMatch(/^[0-9a-f]{16}$/);
      // OpenMetrics puts an exemplar on the bucket its value falls in.
      const le = Number(series.seriesLabels.le.replace('Inf', 'Infinity'));
      expect(Number(exemplar.value)).toBeLessThanOrEqual(le);
    }
    const runs = withTrace(await query('orchestrator_pipeline_duration_seconds_bucket'));
    expect(runs.map((s) => s.seriesLabels.outcome)).toEqual(['success']);

    app.child.kill('SIGTERM');
    expect((await exitWithin(app, 15_000)).code).toBe(0);
  }, 180_000);
});
