import { performance } from 'node:perf_hooks';
import type { RefusedClaim } from './in-memory-run-store.js';
import type {
  IdempotencyErrorCode,
  PipelineResult,
} from './interfaces/pipeline-result.interface.js';
import { messages } from './orchestrator.messages.js';

/**
 * Idempotency keys share the store with other records (crash recovery), so they live under
 * their own prefix: no client key can collide with those.
 */
export const IDEMPOTENCY_KEY_PREFIX = 'idempotency:';

/**
 * Failures that say nothing about the request itself: a retry deserves a fresh run, so the key
 * is released. A refusal with the app's own code (VALIDATION, CONFLICT, ...) is an answer, kept.
 */
const RELEASED_CODES: ReadonlySet<string> = new Set([
  'OPERATION_FAILED',
  'TIMEOUT',
  'ABORTED',
  'RECOVERY_UNAVAILABLE',
]);

/** Whether a run's result frees its key (a retry runs again) rather than being stored. */
export function releasesKey(result: PipelineResult<object>): boolean {
  return !result.success && RELEASED_CODES.has(result.error!.code);
}

/** An answer that ran nothing; fresh objects each time, since callers may mutate results. */
export function refusal<Ctx>(
  runId: string,
  code: IdempotencyErrorCode,
  message: string,
  started: number,
): PipelineResult<Ctx> {
  return {
    success: false,
    runId,
    error: { operation: '', message, code },
    duration: performance.now() - started,
    metrics: {},
    errors: [],
  };
}

/** The answer to a call whose key was not free: the stored result as a replay, or a refusal. */
export function answerTo<Ctx>(
  claim: RefusedClaim,
  runId: string,
  started: number,
): PipelineResult<Ctx> {
  switch (claim.status) {
    case 'completed':
      return { ...(claim.result as PipelineResult<Ctx>), replayed: true };
    case 'running':
      return refusal(runId, 'IDEMPOTENCY_IN_PROGRESS', messages.idempotencyInProgress, started);
    case 'mismatch':
      return refusal(runId, 'IDEMPOTENCY_KEY_MISMATCH', messages.idempotencyKeyMismatch, started);
  }
}
