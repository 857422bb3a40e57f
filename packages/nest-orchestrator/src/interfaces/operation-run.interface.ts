/**
 * Second argument of every operation: where it runs and how to stop in time. With an
 * OpenTelemetry SDK registered, the operation runs with its own span active:
 * `trace.getActiveSpan()` is that span, to add attributes or events to (README "Tracing").
 */
export interface OperationRun {
  readonly pipeline: string;
  readonly operation: string;
  /** The run's id, the same in its result, its log lines and every operation and compensation. */
  readonly runId: string;
  /**
   * Aborted on this operation's or the run's timeout, on the caller's abort (e.g. client
   * disconnect) and when the run ends. Pass it to fetch and database calls.
   */
  readonly signal: AbortSignal;
  /** When the run's or operation's budget ends, in ms since the epoch; `undefined` if unbounded. */
  readonly deadline: number | undefined;
  /** 1 for the first try, 2 for the first retry, and so on. */
  readonly attempt: number;
}

/** Second argument of a compensation. */
export interface CompensationRun extends OperationRun {
  /**
   * True when a recovery sweep runs it for a run whose process stopped: the context is the one
   * recorded as the operation started, and the operation may never have happened.
   */
  readonly recovery: boolean;
}

export interface RunOptions {
  /** Ends the run as `aborted` when it fires (e.g. the HTTP client went away). */
  signal?: AbortSignal;
  /** Budget for this run in ms; overrides the pipeline's. */
  timeoutMs?: number;
  /**
   * Runs at most once per key (see README "Idempotent runs"): a completed key answers with its
   * stored result, marked `replayed`; a key in progress elsewhere or used with another input
   * answers with `IDEMPOTENCY_IN_PROGRESS` or `IDEMPOTENCY_KEY_MISMATCH`.
   */
  idempotencyKey?: string;
  /**
   * What the key must be reused with; defaults to a SHA-256 of the pipeline name and the input's
   * canonical JSON. Pass your own to cover more (the user, the route) or less of the request.
   */
  fingerprint?: string;
}
