import type { OperationDefinition, PipelineDefinition } from './pipeline-definition.interface.js';
import type { OperationOutcome, PipelineResult } from './pipeline-result.interface.js';

/**
 * Hooks called synchronously on the run's hot path: keep them cheap, never await in them.
 * Arguments are positional so a run allocates no event objects. A throwing observer is logged
 * and ignored; it never changes a run's outcome. `runId` is the run's id, as in its result.
 */
export interface OrchestratorObserver {
  onRunStart?(pipeline: PipelineDefinition, runId: string): void;
  /**
   * Called once per operation that started, whatever its outcome; `durationMs` as in `metrics`.
   * `startOffsetMs` is when it started, counted from the start of the run: with `durationMs`,
   * enough to draw a run as a waterfall, operations side by side included.
   */
  onOperationEnd?(
    pipeline: PipelineDefinition,
    operation: OperationDefinition,
    outcome: OperationOutcome,
    durationMs: number,
    error: unknown,
    runId: string,
    startOffsetMs: number,
  ): void;
  /** A try failed and another follows after `delayMs`; `attempt` is the try that failed. */
  onOperationRetry?(
    pipeline: PipelineDefinition,
    operation: OperationDefinition,
    attempt: number,
    delayMs: number,
    error: unknown,
    runId: string,
  ): void;
  /** A compensation ended; `outcome` is success, failure or timeout. */
  onCompensationEnd?(
    pipeline: PipelineDefinition,
    operation: OperationDefinition,
    outcome: OperationOutcome,
    durationMs: number,
    error: unknown,
    runId: string,
  ): void;
  /**
   * A recovery sweep ran the compensation of `operation` for run `runId`, whose process stopped
   * mid-run (README "Crash-safe compensation"); `outcome` is success, failure or timeout.
   */
  onRecoveryEnd?(
    pipeline: PipelineDefinition,
    operation: OperationDefinition,
    outcome: OperationOutcome,
    durationMs: number,
    error: unknown,
    runId: string,
  ): void;
  onRunEnd?(
    pipeline: PipelineDefinition,
    outcome: OperationOutcome,
    result: PipelineResult<unknown>,
  ): void;
}
