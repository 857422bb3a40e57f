import { performance } from 'node:perf_hooks';
import { messages } from './orchestrator.messages.js';
import type { CompensationRun } from './interfaces/operation-run.interface.js';
import type { OperationOutcome } from './interfaces/pipeline-result.interface.js';
import type { PipelinePlan } from './pipeline-plan.js';
import { INTERRUPTED, isThenable, RunState, type Compensable } from './run-state.js';
import type { OperationBody, RunInstrumentation } from './run-instrumentation.js';

export interface CompensationReport {
  readonly entry: Compensable;
  readonly outcome: OperationOutcome;
  readonly durationMs: number;
  readonly error: unknown;
}

/**
 * Undoes one succeeded step with its own budget and its own signal: the run's signal may already
 * be aborted, and the undo must still get its chance. The budget is raced the way the runner
 * races an operation's (`OperationState.wait`), in a slot of a run of its own. With
 * `instrumentation`, it runs inside a scope of its own (a span under the run's `trace`).
 */
export async function compensate(
  plan: PipelinePlan,
  entry: Compensable,
  runId: string,
  recovery = false,
  instrumentation?: RunInstrumentation,
  trace?: unknown,
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
  const scope = instrumentation?.compensationStarted(trace, plan.definition, definition, recovery);
  try {
    const undo = entry.step.compensation as NonNullable<typeof entry.step.compensation>;
    const out =
      scope === undefined
        ? undo.call(plan.instance, entry.context, run)
        : instrumentation!.call(scope, undo as OperationBody, plan.instance, entry.context, run);
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
  if (scope !== undefined) instrumentation!.ended(scope, outcome, error);
  return { entry, outcome, durationMs: performance.now() - started, error };
}
