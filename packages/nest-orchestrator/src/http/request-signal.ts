import type { ServerResponse } from 'node:http';

const clientGone = () => new DOMException('The client closed the connection', 'AbortError');

/** An Express response is the Node response itself; a Fastify reply wraps it as `raw`. */
export type ResponseLike = ServerResponse | { readonly raw: ServerResponse };

/**
 * Aborts when the client goes away before its response is written, so a pipeline stops instead
 * of finishing work nobody will read. A client that left while the request was still in guards
 * or pipes gets an already-aborted signal: its 'close' event has fired before we could listen.
 */
export function requestSignal(response: ResponseLike): AbortSignal {
  const raw = 'raw' in response ? response.raw : response;
  if (raw.destroyed && !raw.writableFinished) return AbortSignal.abort(clientGone());
  const controller = new AbortController();
  raw.once('close', () => {
    if (!raw.writableFinished) controller.abort(clientGone());
  });
  return controller.signal;
}
