import type { PipelineResult } from '../index.js';
import { pipelineBody, sendPipelineResult, serverTiming, statusFor } from './pipeline-response.js';

const ok: PipelineResult<{ order: { id: string } }> = {
  success: true,
  runId: 'run-1',
  data: { order: { id: 'o-1' } },
  duration: 3.51234,
  metrics: { validate: 0.0412, create: 2.9184, notify: 0.3771 },
  errors: [
    {
      operation: 'notify',
      code: 'OPERATION_FAILED',
      message: 'connect ECONNREFUSED 10.0.0.7:25',
      critical: false,
    },
  ],
};

const failed = (code: string, message: string): PipelineResult<unknown> => ({
  success: false,
  runId: 'run-2',
  error: { operation: 'create', code, message },
  duration: 1.2,
  metrics: { validate: 0.1, create: 1.0 },
  errors: [],
});

describe('pipeline responses', () => {
  it('writes Server-Timing with one entry per operation and the total', () => {
    expect(serverTiming(ok)).toBe(
      'validate;dur=0.041, create;dur=2.918, notify;dur=0.377, total;dur=3.512',
    );
  });

  it('wraps the picked data with timing, and hides internal failure messages', () => {
    expect(pipelineBody(ok, (ctx) => ctx.order)).toEqual({
      success: true,
      data: { id: 'o-1' },
      duration: 3.512,
      metrics: { validate: 0.041, create: 2.918, notify: 0.377 },
      errors: [{ operation: 'notify', code: 'OPERATION_FAILED', message: 'the operation failed' }],
    });
  });

  it.each([
    ['VALIDATION', 422],
    ['NOT_FOUND', 404],
    ['CONFLICT', 409],
    ['TIMEOUT', 504],
    ['UNAVAILABLE', 503],
    ['IDEMPOTENCY_IN_PROGRESS', 409],
    ['IDEMPOTENCY_KEY_MISMATCH', 422],
    ['IDEMPOTENCY_UNAVAILABLE', 503],
    ['RECOVERY_UNAVAILABLE', 503],
    ['OPERATION_FAILED', 500],
    ['SOMETHING_NEW', 500],
  ])('maps %s to HTTP %i', (code, status) => {
    expect(statusFor(code)).toBe(status);
  });

  it('keeps messages of our own codes and replaces unknown errors with a generic one', () => {
    expect(pipelineBody(failed('CONFLICT', 'order is already cancelled'), () => null)).toEqual({
      success: false,
      error: { code: 'CONFLICT', message: 'order is already cancelled', operation: 'create' },
      duration: 1.2,
      metrics: { validate: 0.1, create: 1 },
    });
    const leaky = pipelineBody(
      failed('OPERATION_FAILED', 'relation "Order" does not exist'),
      () => null,
    );
    expect(JSON.stringify(leaky)).not.toContain('relation');
  });

  it('lets the app name an unexpected error from its cause, and keeps the generic one otherwise', () => {
    const down: PipelineResult<unknown> = failed('OPERATION_FAILED', 'PGlite is closed');
    Object.defineProperty(down.error!, 'cause', {
      value: Object.assign(new Error('x'), { code: 'P1001' }),
    });
    const options = {
      publicError: (cause: unknown) =>
        (cause as { code?: string } | undefined)?.code === 'P1001'
          ? { code: 'DATABASE_UNAVAILABLE', message: 'try again shortly' }
          : undefined,
    };

    expect(pipelineBody(down, () => null, options)).toMatchObject({
      error: { code: 'DATABASE_UNAVAILABLE', message: 'try again shortly', operation: 'create' },
    });
    expect(statusFor('DATABASE_UNAVAILABLE')).toBe(503);
    expect(pipelineBody(failed('OPERATION_FAILED', 'boom'), () => null, options)).toMatchObject({
      error: { code: 'OPERATION_FAILED', message: 'the operation failed' },
    });
  });

  it('sends status, Server-Timing and the body through an Express- or Fastify-shaped response', () => {
    const sent: Array<[string, unknown]> = [];
    const response = {
      status(code: number) {
        sent.push(['status', code]);
        return this;
      },
      header(name: string, value: string) {
        sent.push([name, value]);
        return this;
      },
      send(body: unknown) {
        sent.push(['body', body]);
      },
    };

    expect(sendPipelineResult(response, failed('CONFLICT', 'taken'), () => null, 201)).toBe(
      response,
    );
    expect(sent).toEqual([
      ['status', 409],
      ['server-timing', 'validate;dur=0.1, create;dur=1, total;dur=1.2'],
      ['body', expect.objectContaining({ success: false })],
    ]);
  });
});
