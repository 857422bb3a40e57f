import type { OperationOutcome } from '../operation-outcomes.js';

export type { OperationOutcome };

/** Error codes the runner itself produces; operations may use their own via `OperationError`. */
export type OrchestratorErrorCode =
  | 'OPERATION_FAILED'
  | 'TIMEOUT'
  | 'ABORTED'
  | 'RECOVERY_UNAVAILABLE'
  | IdempotencyErrorCode
  | (string & {});

/**
 * Answers of a keyed run that ran nothing: the key is held by a run elsewhere, was used with
 * another fingerprint, or the run store could not be reached.
 */
export type IdempotencyErrorCode =
  'IDEMPOTENCY_IN_PROGRESS' | 'IDEMPOTENCY_KEY_MISMATCH' | 'IDEMPOTENCY_UNAVAILABLE';

/** The critical failure that ended a run. */
export interface PipelineError {
  /** The operation that failed; empty for an idempotency answer, where none ran. */
  readonly operation: string;
  readonly message: string;
  readonly code: OrchestratorErrorCode;
  /** Extra structured details given to `OperationError`, safe to show a client. */
  readonly details?: unknown;
  /** The value the operation threw (not enumerable, so it never reaches a JSON body). */
  readonly cause?: unknown;
}

/** A non-critical failure: recorded, and the run went on. */
export interface OperationFailure {
  readonly operation: string;
  readonly message: string;
  readonly code: OrchestratorErrorCode;
  readonly critical: boolean;
}

export interface PipelineResult<Ctx = unknown> {
  readonly success: boolean;
  /** The run's id; on a replay, the id of the run that produced the stored result. */
  readonly runId: string;
  /** The context after the last operation that ran. */
  readonly data?: Ctx;
  readonly error?: PipelineError;
  /** Whole run in ms, sub-millisecond precision, monotonic clock. */
  readonly duration: number;
  /** ms per operation that started, in run order. */
  readonly metrics: Record<string, number>;
  readonly errors: OperationFailure[];
  /** Tries per operation, present only when some operation was retried. */
  readonly attempts?: Record<string, number>;
  /** What became of each compensation, present only when some ran. */
  readonly compensation?: Record<string, CompensationOutcome>;
  /** Present on a keyed run answered from the run store without running anything. */
  readonly replayed?: true;
}

export type CompensationOutcome = 'done' | 'failed';
