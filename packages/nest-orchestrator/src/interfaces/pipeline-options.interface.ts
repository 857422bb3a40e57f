export interface PipelineOptions {
  /** Name in results, metrics and dashboards; defaults to the class name. */
  name?: string;
  /**
   * Budget for a whole run in ms; overrides the module's `defaultPipelineTimeoutMs`, and `false`
   * opts out of it.
   */
  timeoutMs?: number | false;
  /** Shown in generated dashboards and docs. */
  description?: string;
}

export interface RetryOptions {
  /** Tries in all, the first included (so 3 means up to 2 retries). */
  attempts: number;
  /** 'exponential' (the default) doubles the wait after each failure; 'fixed' keeps it. */
  backoff?: 'fixed' | 'exponential';
  /** Wait before the first retry; default 50 ms. */
  delayMs?: number;
  /** Cap on any wait; default 2000 ms. */
  maxDelayMs?: number;
  /** Randomise each wait between half and all of it, so clients don't retry in step. Default true. */
  jitter?: boolean;
  /** Return false to stop retrying for this error. `NonRetryableError` and 'VALIDATION' errors never retry. */
  retryOn?: (error: unknown) => boolean;
}

export interface OperationOptions {
  /** Defaults to true: an operation fails closed unless told otherwise. */
  critical?: boolean;
  /**
   * Own budget in ms, all attempts together; overrides the module's `defaultOperationTimeoutMs`,
   * and `false` opts out of it.
   */
  timeoutMs?: number | false;
  /** Defaults to the method name. */
  name?: string;
  /** Retry on failure; `false` opts out of the module's `defaultRetry`. */
  retry?: RetryOptions | false;
  /**
   * Method of the same pipeline that undoes this operation. It runs, with the context as it was
   * after this operation, when a later critical operation fails or the run times out or is aborted.
   */
  compensate?: string;
  /** Budget of the compensation in ms; defaults to the operation's timeout, then 5000. */
  compensationTimeoutMs?: number;
  /**
   * Names of operations declared earlier in the same pipeline that this one starts after; it
   * starts as soon as all of them have finished. Without it, an operation starts after the one
   * declared just before it; `after: []` starts it with the run (README "Operations side by side").
   */
  after?: readonly string[];
}

/** What the decorators store; the accessor turns it into definitions. */
export interface PipelineMetadata {
  readonly name: string | undefined;
  readonly timeoutMs: number | false | undefined;
  readonly description: string | undefined;
}

export interface OperationMetadata {
  readonly name: string | undefined;
  readonly critical: boolean;
  readonly timeoutMs: number | false | undefined;
  readonly retry: RetryOptions | false | undefined;
  readonly compensate: string | undefined;
  readonly compensationTimeoutMs: number | undefined;
  readonly after: readonly string[] | undefined;
  /** Global declaration sequence: orders operations as written, parents before subclasses. */
  readonly sequence: number;
}
