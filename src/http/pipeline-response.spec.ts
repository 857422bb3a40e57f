import type { PipelineResult } from '../orchestrator/index.js';
import { pipelineBody, serverTiming, statusFor } from './pipeline-response.js';

const ok: PipelineResult<{ order: { id: string } }> = {
  success: true,
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

  it('answers 503 DATABASE_UNAVAILABLE when an operation failed because the database is down', () => {
    const down: PipelineResult<unknown> = failed('OPERATION_FAILED', 'PGlite is closed');
    Object.defineProperty(down.error!, 'cause', {
      value: Object.assign(new Error("Can't reach database server"), { code: 'P1001' }),
    });

    expect(pipelineBody(down, () => null)).toMatchObject({
      error: {
        code: 'DATABASE_UNAVAILABLE',
        message: 'The database is unavailable; try again shortly.',
        operation: 'create',
      },
    });
    expect(statusFor('DATABASE_UNAVAILABLE')).toBe(503);
  });
});
