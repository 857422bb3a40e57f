import type { FastifyReply } from 'fastify';

const clientGone = () => new DOMException('The client closed the connection', 'AbortError');

/**
 * Aborts when the client goes away before its response is written, so a pipeline stops instead
 * of finishing work nobody will read. A client that left while the request was still in guards
 * or pipes gets an already-aborted signal: its 'close' event has fired before we could listen.
 */
export function requestSignal(reply: FastifyReply): AbortSignal {
  const response = reply.raw;
  if (response.destroyed && !response.writableFinished) return AbortSignal.abort(clientGone());
  const controller = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished) controller.abort(clientGone());
  });
  return controller.signal;
}
