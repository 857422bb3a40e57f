import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export const REQUEST_ID_HEADER = 'x-request-id';

// What a proxy or client may hand us: a UUID, a trace id, `abc.123:4`... never anything that
// could forge a log line or blow up a header (no spaces, quotes, newlines; at most 128 chars).
const SANE_REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The caller's `x-request-id` when it is sane, else a fresh UUID. Fastify's `genReqId`. */
export function requestIdFor(request: IncomingMessage): string {
  const incoming = request.headers[REQUEST_ID_HEADER];
  return typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

interface RequestContext {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** The id of the request being handled, for log lines; undefined outside a request. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/** Runs `work` on behalf of request `requestId`: log lines written meanwhile carry the id. */
export function runWithRequestId<T>(requestId: string, work: () => T): T {
  return storage.run({ requestId }, work);
}

/**
 * Echoes the request id on every response and makes it readable through `currentRequestId()`
 * for the whole request. The body arrives on socket events that lose the async context, so the
 * context captured in `onRequest` is re-entered in `preValidation`, before guards and handlers.
 */
export function installRequestId(fastify: FastifyInstance): void {
  const contexts = new WeakMap<FastifyRequest, AsyncResource>();
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    runWithRequestId(request.id, () => {
      contexts.set(request, new AsyncResource('request-context'));
      done();
    });
  });
  fastify.addHook('preValidation', (request, _reply, done) => {
    const context = contexts.get(request);
    if (context) context.runInAsyncScope(done);
    else done();
  });
}
