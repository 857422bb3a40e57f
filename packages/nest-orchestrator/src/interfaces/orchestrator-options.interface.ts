import type { OrchestratorObserver } from './orchestrator-observer.interface.js';
import type { IdempotencyOptions } from './idempotency-options.interface.js';
import type { RecoveryOptions } from './recovery-options.interface.js';
import type { RetryOptions } from './pipeline-options.interface.js';
import type { RunStore } from './run-store.interface.js';

export interface OrchestratorModuleOptions {
  /** Budget for every run of a pipeline that sets none; unbounded by default. */
  defaultPipelineTimeoutMs?: number;
  /** Budget for every operation that sets none; unbounded by default. */
  defaultOperationTimeoutMs?: number;
  /** Retry policy for every operation that sets none; no retries by default. */
  defaultRetry?: RetryOptions;
  /** Observers called on every run, besides providers marked `@PipelineObserver()`. */
  observers?: OrchestratorObserver[];
  /** Log failed operations through Nest's Logger (warn for non-critical, error for critical). Default true. */
  logFailures?: boolean;
  /**
   * Where keyed runs claim their keys; an `InMemoryRunStore` (this process only) by default.
   * Build a shared one with `forRootAsync({ inject, useFactory })`; it is injectable as `RUN_STORE`.
   */
  runStore?: RunStore;
  /** Lease and retention of idempotency keys; the lease also bounds recovery records. */
  idempotency?: IdempotencyOptions;
  /**
   * Crash-safe compensation: runs of pipelines with compensations record what they are about to
   * do in `runStore`, and a sweep (at boot, then every `intervalMs`) undoes what crashed runs
   * left. `false` turns both off: compensations then run only in the process that failed.
   */
  recovery?: RecoveryOptions | false;
  /**
   * OpenTelemetry spans for runs, operations and compensations (README "Tracing"). On by default,
   * but only when an SDK's TracerProvider is registered before the app is created: with none,
   * the runner is not instrumented at all. `false` turns it off.
   */
  tracing?: boolean;
}
