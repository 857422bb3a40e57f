import type { FastifyReply } from 'fastify';

/**
 * Aborts when the client goes away before its response is written, so a pipeline stops instead
 * of finishing work nobody will read.
 */
export function requestSignal(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) {
      controller.abort(new DOMException('The client closed the connection', 'AbortError'));
    }
  });
  return controller.signal;
}
