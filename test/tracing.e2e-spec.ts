import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { TEST_PASSWORD, uniqueEmail } from './support/auth.js';
import { startOtlpReceiver, type OtlpReceiver, type OtlpSpan } from './support/otlp-receiver.js';
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

// The built starter run as in production, `node --import dist/tracing.js dist/main.js`, with the
// standard OTEL_* variables pointing at an OTLP/HTTP JSON receiver this test runs on 127.0.0.1,
// and scraped by a real Prometheus with exemplar storage. A POST /orders sent with a W3C
// traceparent must come back as that trace (the request span, the pipeline's run span under it,
// one span per operation under the run), and Prometheus' exemplars API must return that trace id
// on the duration histograms, which is what Grafana follows from a latency panel to the trace.
// The notifier always fails here, so a non-critical failure's span and log line are checked too.

const SPAN_KIND_SERVER = 2;
const STATUS_ERROR = 2;
const OPERATIONS = ['create', 'notify', 'reserve', 'track', 'validate'];

/** One series' exemplars, as `/api/v1/query_exemplars` returns them. */
interface SeriesExemplars {
  seriesLabels: Record<string, string>;
  exemplars: { labels: Record<string, string>; value: string; timestamp: number }[];
}

const attribute = (span: OtlpSpan, key: string) =>
  span.attributes.find((a) => a.key === key)?.value;

describe('the built starter traced through OTLP/HTTP JSON', () => {
  let copy: AppCopy;
  let receiver: OtlpReceiver;
  let app: RunningApp;
  let prometheus: PrometheusServer;
  let baseUrl: string;
  let token: string;

  /** Places one order inside a new trace whose client span is the returned `spanId`. */
  async function tracedOrder(sku: string): Promise<{ traceId: string; spanId: string }> {
    const traceId = randomBytes(16).toString('hex');
    const spanId = randomBytes(8).toString('hex');
    const created = await rawRequest(baseUrl, {
      method: 'POST',
      path: '/orders',
      token,
      headers: { traceparent: `00-${traceId}-${spanId}-01` },
      body: { items: [{ sku, quantity: 1, unitPriceCents: 1999 }] },
    });
    expect(created.status).toBe(201);
    return { traceId, spanId };
  }

  beforeAll(async () => {
    [copy, receiver] = await Promise.all([buildAppCopy(), startOtlpReceiver()]);
    app = runAppCopy(
      copy.main,
      {
        NODE_ENV: 'test',
        JWT_SECRET: randomBytes(48).toString('base64url'),
        HOST: '127.0.0.1',
        PORT: '0',
        PGLITE_DATA_DIR: 'memory://',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_SERVICE_NAME: 'orders-e2e',
        OTEL_BSP_SCHEDULE_DELAY: '100',
        OTEL_METRICS_EXPORTER: 'none',
        OTEL_LOGS_EXPORTER: 'none',
        NOTIFIER_FAIL_RATE: '1',
      },
      ['--import', copy.main.replace(/main\.js$/, 'tracing.js')],
    );
    // Boot alone can take a minute on 2 busy cores (listeningUrl waits up to 90 s).
    baseUrl = await listeningUrl(app);
    prometheus = await startPrometheus({
      targets: [new URL(baseUrl).host],
      features: ['exemplar-storage'],
    });
    const registered = await rawRequest(baseUrl, {
      method: 'POST',
      path: '/auth/register',
      body: { email: uniqueEmail('tracing'), password: TEST_PASSWORD },
    });
    expect(registered.status).toBe(201);
    token = registered.body.accessToken as string;
  }, 180_000);

  afterAll(async () => {
    app?.child.kill('SIGKILL');
    await prometheus?.stop();
    await copy?.remove();
    receiver?.close();
  });

  it('sends the request span, the run span under it and one span per operation, in the client’s trace', async () => {
    const { traceId, spanId: clientSpanId } = await tracedOrder('SKU-TRACE');
    const inTrace = () => receiver.spans.filter((span) => span.traceId === traceId);
    const deadline = Date.now() + 15_000;
    while (inTrace().length < OPERATIONS.length + 2 && Date.now() < deadline) await sleep(50);

    const spans = inTrace();
    const request = spans.find((span) => span.kind === SPAN_KIND_SERVER);
    expect(request).toBeDefined();
    expect(request!.parentSpanId).toBe(clientSpanId);
    expect(request!.service).toBe('orders-e2e');
    const run = spans.find((span) => span.name === 'create-order');
    expect(run).toBeDefined();
    expect(run!.parentSpanId).toBe(request!.spanId);
    expect(attribute(run!, 'orchestrator.outcome')).toEqual({ stringValue: 'success' });
    expect(attribute(run!, 'orchestrator.run_id')).toEqual({ stringValue: expect.any(String) });
    const children = spans.filter((span) => span.parentSpanId === run!.spanId);
    expect(children.map((span) => span.name).sort()).toEqual(
      OPERATIONS.map((name) => `create-order.${name}`),
    );
    for (const child of children) {
      expect(attribute(child, 'orchestrator.pipeline')).toEqual({ stringValue: 'create-order' });
    }
    // The notifier's failure marks its own span, not the run's, and its log line names the trace.
    const notify = children.find((span) => span.name === 'create-order.notify')!;
    expect(notify.status?.code).toBe(STATUS_ERROR);
    expect(attribute(notify, 'orchestrator.outcome')).toEqual({ stringValue: 'failure' });
    expect(run!.status?.code ?? 0).not.toBe(STATUS_ERROR);
    expect(app.output()).toMatch(new RegExp(`\\[trace ${traceId}\\] .*notify`));
  }, 60_000);

  it("returns the client's trace id from Prometheus' exemplars on the duration histograms", async () => {
    const { traceId } = await tracedOrder('SKU-EXEMPLAR');
    const query = (metric: string) => {
      const now = Date.now() / 1000;
      const params = new URLSearchParams({
        query: `${metric}{pipeline="create-order"}`,
        start: String(now - 600),
        end: String(now + 60),
      });
      return prometheus.api<SeriesExemplars[]>(`/api/v1/query_exemplars?${params}`);
    };
    const withTrace = (series: SeriesExemplars[]) =>
      series.filter((s) => s.exemplars.some((e) => e.labels.trace_id === traceId));

    let found: SeriesExemplars[] = [];
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(250)) {
      found = withTrace(await query('orchestrator_operation_duration_seconds_bucket'));
      if (found.length >= OPERATIONS.length) break;
    }
    expect(found.map((s) => s.seriesLabels.operation).sort()).toEqual(OPERATIONS);
    for (const series of found) {
      const exemplar = series.exemplars.find((e) => e.labels.trace_id === traceId)!;
      expect(exemplar.labels.span_id).toMatch(/^[0-9a-f]{16}$/);
      // OpenMetrics puts an exemplar on the bucket its value falls in.
      const le = Number(series.seriesLabels.le.replace('Inf', 'Infinity'));
      expect(Number(exemplar.value)).toBeLessThanOrEqual(le);
    }
    const runs = withTrace(await query('orchestrator_pipeline_duration_seconds_bucket'));
    expect(runs.map((s) => s.seriesLabels.outcome)).toEqual(['success']);
  }, 60_000);

  it('stops cleanly on SIGTERM', async () => {
    app.child.kill('SIGTERM');
    expect((await exitWithin(app, 15_000)).code).toBe(0);
  }, 30_000);
});
