import { NonRetryableError, OperationError } from './orchestrator.errors.js';
import type { RetryPolicy } from './interfaces/pipeline-definition.interface.js';

/** Whether `error` may be retried under `policy`. Validation failures never are. */
export function isRetryable(error: unknown, policy: RetryPolicy): boolean {
  if (error instanceof NonRetryableError) return false;
  if (error instanceof OperationError && error.code === 'VALIDATION') return false;
  return policy.retryOn === undefined || policy.retryOn(error) === true;
}

/** Wait before the try after `attempt` (1-based), in ms. */
export function retryDelay(policy: RetryPolicy, attempt: number): number {
  const base =
    policy.backoff === 'exponential' ? policy.delayMs * 2 ** (attempt - 1) : policy.delayMs;
  const capped = Math.min(base, policy.maxDelayMs);
  // "Equal jitter": at least half the wait, so retries spread out but never stampede at zero.
  return policy.jitter ? capped / 2 + Math.random() * (capped / 2) : capped;
}
