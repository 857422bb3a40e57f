import type {
  OperationDefinition,
  PipelineDefinition,
} from './interfaces/pipeline-definition.interface.js';
import type { OperationOutcome, PipelineResult } from './interfaces/pipeline-result.interface.js';

/** An operation or compensation body, called as `fn.call(instance, context, run)`. */
export type OperationBody = (this: unknown, context: never, run: never) => unknown;

/**
 * @internal What the runner calls around a run and around each try of an operation or
 * compensation, when one is set at boot (tracing, see tracing/pipeline-tracer.ts). Unlike an
 * observer it wraps the call, so the operation's own code runs inside its scope. The runner
 * never looks inside a scope: `run` scopes are what `runStarted` returned, `try` scopes what
 * `tryStarted` or `compensationStarted` returned. Without one set, the runner makes no call.
 */
export interface RunInstrumentation {
  runStarted(pipeline: PipelineDefinition, runId: string): unknown;
  runEnded(run: unknown, outcome: OperationOutcome, result: PipelineResult<unknown>): void;
  tryStarted(
    run: unknown,
    pipeline: PipelineDefinition,
    operation: OperationDefinition,
    attempt: number,
  ): unknown;
  /** `run` undefined for a recovery sweep's compensation, which belongs to no live run. */
  compensationStarted(
    run: unknown,
    pipeline: PipelineDefinition,
    operation: OperationDefinition,
    recovery: boolean,
  ): unknown;
  /** Calls `fn.call(self, context, handle)` with `scope` current and returns what it returned. */
  call(scope: unknown, fn: OperationBody, self: unknown, context: object, handle: object): unknown;
  /** A try failed and another follows after `delayMs`: the failed try's scope ends here. */
  retried(scope: unknown, delayMs: number, error: unknown): void;
  /** A try or compensation ended with `outcome`; `error` is what it threw, if anything. */
  ended(scope: unknown, outcome: OperationOutcome, error: unknown): void;
}
