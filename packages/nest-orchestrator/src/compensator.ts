import { performance } from 'node:perf_hooks';
import { messages } from './orchestrator.messages.js';
import type { CompensationRun } from './interfaces/operation-run.interface.js';
import type { OperationOutcome } from './interfaces/pipeline-result.interface.js';
import type { PipelinePlan } from './pipeline-plan.js';
import { INTERRUPTED, isThenable, RunState, type Compensable } from './run-state.js';

export interface CompensationReport {
  readonly entry: Compensable;
  readonly outcome: OperationOutcome;
  readonly durationMs: number;
  readonly error: unknown;
}

/**
 * Undoes one succeeded step with its own budget and its own signal: the run's signal may already
 * be aborted, and the undo must still get its chance. The budget is raced the way the runner
 * races an operation's (`OperationState.wait`), in a slot of a run of its own.
 */
export async function compensate(
  plan: PipelinePlan,
  entry: Compensable,
  runId: string,
  recovery = false,
): Promise<CompensationReport> {
  const definition = entry.step.definition;
  const timeoutMs = definition.compensationTimeoutMs as number;
  const started = performance.now();
  const op = new RunState(runId, undefined, started, undefined).sequence;
  op.begin(timeoutMs, started);
  const run: CompensationRun = {
    pipeline: plan.definition.name,
    operation: definition.name,
    runId,
    signal: op.signal,
    deadline: performance.timeOrigin + started + timeoutMs,
    attempt: 1,
    recovery,
  };
  let outcome: OperationOutcome = 'success';
  let error: unknown;
  try {
    const undo = entry.step.compensation as NonNullable<typeof entry.step.compensation>;
    const out = undo.call(plan.instance, entry.context, run);
    if (isThenable(out)) await op.wait(out, timeoutMs);
  } catch (thrown) {
    outcome = thrown === INTERRUPTED ? 'timeout' : 'failure';
    error =
      thrown === INTERRUPTED
        ? new Error(messages.compensationTimedOut(definition.name, timeoutMs))
        : thrown;
  } finally {
    op.release();
  }
  return { entry, outcome, durationMs: performance.now() - started, error };
}
