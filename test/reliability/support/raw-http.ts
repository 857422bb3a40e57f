import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { Json } from '../../support/test-app.js';

export interface RawRequest {
  method?: string;
  /** Sent byte for byte: no dot-segment removal or re-encoding, unlike fetch. */
  path: string;
  headers?: Record<string, string>;
  /** An object is sent as JSON (with its content type); a string or Buffer as is. */
  body?: unknown;
  token?: string;
  /** Destroys the connection this many ms after the request was sent, as a client giving up. */
  abortAfterMs?: number;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** Parsed JSON when the response says it is JSON, else the text. */
  body: Json;
  text: string;
  elapsedMs: number;
}

/**
 * One HTTP/1.1 request on a connection of its own (no keep-alive), so a refused connection
 * shows as ECONNREFUSED and the server's view of "in flight" is exactly this request.
 */
export function rawRequest(baseUrl: string, options: RawRequest): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const headers: Record<string, string> = { connection: 'close', ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let payload: Buffer | undefined;
  if (Buffer.isBuffer(options.body)) payload = options.body;
  else if (typeof options.body === 'string') payload = Buffer.from(options.body);
  else if (options.body !== undefined) {
    payload = Buffer.from(JSON.stringify(options.body));
    headers['content-type'] ??= 'application/json';
  }
  if (payload) headers['content-length'] = String(payload.length);

  const startedAt = performance.now();
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: options.method ?? 'GET',
        path: options.path,
        headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const isJson = String(res.headers['content-type']).includes('application/json');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: isJson && text !== '' ? JSON.parse(text) : text,
            text,
            elapsedMs: performance.now() - startedAt,
          });
        });
      },
    );
    req.on('error', reject);
    if (options.abortAfterMs !== undefined) {
      setTimeout(() => req.destroy(new Error('client gave up')), options.abortAfterMs);
    }
    req.end(payload);
  });
}
