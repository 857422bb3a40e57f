import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A span as OTLP/HTTP JSON carries it (ids in hex), with its resource's service name. */
export interface OtlpSpan {
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

export interface OtlpReceiver {
  /** What OTEL_EXPORTER_OTLP_ENDPOINT takes. */
  readonly url: string;
  /** Every span posted to /v1/traces so far, in arrival order. */
  readonly spans: OtlpSpan[];
  close(): void;
}

/** An OTLP/HTTP JSON receiver on 127.0.0.1 that keeps spans and answers every export with 200. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: OtlpSpan[] = [];
  const server: Server = createServer((request, response) => {
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
  return { url: `http://127.0.0.1:${port}`, spans, close: () => server.close() };
}
