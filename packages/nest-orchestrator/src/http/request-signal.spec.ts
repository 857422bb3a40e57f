import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { requestSignal } from './request-signal.js';

class FakeResponse extends EventEmitter {
  destroyed = false;
  writableFinished = false;
}
// A Fastify reply wraps the Node response as `raw`; an Express response is the Node response.
const replyOf = (raw: FakeResponse) => ({ raw: raw as unknown as ServerResponse });

describe('requestSignal', () => {
  it('aborts when the connection closes before the response is written', () => {
    const raw = new FakeResponse();
    const signal = requestSignal(replyOf(raw));
    expect(signal.aborted).toBe(false);

    raw.destroyed = true;
    raw.emit('close');

    expect(signal.aborted).toBe(true);
    expect((signal.reason as DOMException).name).toBe('AbortError');
  });

  it('stays quiet when the connection closes after the response was written', () => {
    const raw = new FakeResponse();
    const signal = requestSignal(replyOf(raw));

    raw.writableFinished = true;
    raw.emit('close');

    expect(signal.aborted).toBe(false);
  });

  it('is aborted from the start when the client left during guards or pipes', () => {
    const raw = new FakeResponse();
    raw.destroyed = true; // 'close' already fired: nobody was listening yet

    expect(requestSignal(replyOf(raw)).aborted).toBe(true);
  });

  it('takes an Express response, which is the Node response itself', () => {
    const raw = new FakeResponse();
    const signal = requestSignal(raw as unknown as ServerResponse);

    raw.destroyed = true;
    raw.emit('close');

    expect(signal.aborted).toBe(true);
  });
});
