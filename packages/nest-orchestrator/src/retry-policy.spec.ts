import { NonRetryableError, OperationError } from './orchestrator.errors.js';
import { toRetryPolicy } from './pipeline-plan.builder.js';
import { isRetryable, retryDelay } from './retry-policy.js';

describe('retry policy', () => {
  const exponential = toRetryPolicy('T@m', {
    attempts: 5,
    delayMs: 100,
    maxDelayMs: 500,
    jitter: false,
  })!;

  it('fills defaults: exponential, 50 ms, capped at 2 s, with jitter', () => {
    expect(toRetryPolicy('T@m', { attempts: 3 })).toEqual({
      attempts: 3,
      backoff: 'exponential',
      delayMs: 50,
      maxDelayMs: 2000,
      jitter: true,
      retryOn: undefined,
    });
    expect(toRetryPolicy('T@m', { attempts: 1 })).toBeUndefined();
    expect(toRetryPolicy('T@m', false)).toBeUndefined();
  });

  it('doubles the wait and caps it', () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelay(exponential, attempt))).toEqual([
      100, 200, 400, 500,
    ]);
    const fixed = toRetryPolicy('T@m', {
      attempts: 3,
      backoff: 'fixed',
      delayMs: 30,
      jitter: false,
    })!;
    expect([1, 2].map((attempt) => retryDelay(fixed, attempt))).toEqual([30, 30]);
  });

  it('keeps a jittered wait between half and all of it', () => {
    const jittered = { ...exponential, jitter: true };
    for (let i = 0; i < 200; i++) {
      const delay = retryDelay(jittered, 2);
      expect(delay).toBeGreaterThanOrEqual(100);
      expect(delay).toBeLessThanOrEqual(200);
    }
  });

  it('never retries NonRetryableError or validation errors, and asks retryOn otherwise', () => {
    const onlyTransient = {
      ...exponential,
      retryOn: (e: unknown) => (e as Error).message === 'transient',
    };
    expect(isRetryable(new NonRetryableError('card stolen'), exponential)).toBe(false);
    expect(isRetryable(new OperationError('VALIDATION', 'bad sku'), exponential)).toBe(false);
    expect(isRetryable(new Error('anything'), exponential)).toBe(true);
    expect(isRetryable(new Error('transient'), onlyTransient)).toBe(true);
    expect(isRetryable(new Error('permanent'), onlyTransient)).toBe(false);
  });

  it.each([
    [{ attempts: 0 }, 'attempts (0)'],
    [{ attempts: 2.5 }, 'attempts (2.5)'],
    [{ attempts: 3, delayMs: -1 }, 'delayMs (-1)'],
    [{ attempts: 3, maxDelayMs: Infinity }, 'maxDelayMs (Infinity)'],
  ])('refuses %p at boot', (options, fragment) => {
    expect(() => toRetryPolicy('Pay@charge', options)).toThrow(
      `Pay@charge has an invalid retry ${fragment}`,
    );
  });
});
