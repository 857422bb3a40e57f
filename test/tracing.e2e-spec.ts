import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { TEST_PASSWORD, uniqueEmail } from './support/auth.js';
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
// standard OTEL_* variables pointing at an OTLP/HTTP JSON receiver this test runs on 127.0.0.1:
// one POST /orders sent with a W3C traceparent must come back as that trace, holding the request
// span, the pipeline's run span under it, and one span per operation under the run. The notifier
// always fails here, so the non-critical failure's span and its log line are there to check too.

/** A span as OTLP/HTTP JSON carries it (ids in hex), with its resource's service name. */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  status?: { code?: number; message?: string };
  attributes: { key: string; value: Record<string, unknown> }[];
  service: string | undefined;
}

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string };
}

interface ExportRequest {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: { spans?: Omit<OtlpSpan, 'service'>[] }[];
  }[];
}

const SPAN_KIND_SERVER = 2;
const STATUS_ERROR = 2;

/** Collects every span posted to /v1/traces; answers everything else with 200 too. */
async function otlpReceiver(): Promise<{ url: string; spans: OtlpSpan[]; server: Server }> {
  const spans: OtlpSpan[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      if (request.url === '/v1/traces') {
        const payload = JSON.parse(body) as ExportRequest;
        for (const { resource, scopeSpans } of payload.resourceSpans ?? []) {
          const service = resource?.attributes?.find((a) => a.key === 'service.name')?.value
            .stringValue;
          for (const scope of scopeSpans ?? []) {
            for (const span of scope.spans ?? []) spans.push({ ...span, service });
          }
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, spans, server };
}

const attribute = (span: OtlpSpan, key: string) =>
  span.attributes.find((a) => a.key === key)?.value;

describe('the built starter traced through OTLP/HTTP JSON', () => {
  let copy: AppCopy;
  let receiver: Awaited<ReturnType<typeof otlpReceiver>>;
  let app: RunningApp | undefined;

  beforeAll(async () => {
    [copy, receiver] = await Promise.all([buildAppCopy(), otlpReceiver()]);
  }, 120_000);
  afterAll(async () => {
    app?.child.kill('SIGKILL');
    await copy?.remove();
    receiver?.server.close();
  });

  it('sends the request span, the run span under it and one span per operation, in the client’s trace', async () => {
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
    const baseUrl = await listeningUrl(app);
    const registered = await rawRequest(baseUrl, {
      method: 'POST',
      path: '/auth/register',
      body: { email: uniqueEmail('tracing'), password: TEST_PASSWORD },
    });
    expect(registered.status).toBe(201);

    const traceId = randomBytes(16).toString('hex');
    const clientSpanId = randomBytes(8).toString('hex');
    const created = await rawRequest(baseUrl, {
      method: 'POST',
      path: '/orders',
      token: registered.body.accessToken as string,
      headers: { traceparent: `00-${traceId}-${clientSpanId}-01` },
      body: { items: [{ sku: 'SKU-TRACE', quantity: 1, unitPriceCents: 1999 }] },
    });
    expect(created.status).toBe(201);

    const operations = ['validate', 'reserve', 'create', 'notify', 'track'];
    const inTrace = () => receiver.spans.filter((span) => span.traceId === traceId);
    const deadline = Date.now() + 15_000;
    while (inTrace().length < operations.length + 2 && Date.now() < deadline) await sleep(50);

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
      operations.map((name) => `create-order.${name}`).sort(),
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

    app.child.kill('SIGTERM');
    expect((await exitWithin(app, 15_000)).code).toBe(0);
    // Boot alone can take a minute on 2 busy cores (listeningUrl waits up to 90 s).
  }, 180_000);
});
