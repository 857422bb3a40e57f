import { performance } from 'node:perf_hooks';
import { messages } from './orchestrator.messages.js';
import type { CompensationRun } from './interfaces/operation-run.interface.js';
import type { OperationOutcome } from './interfaces/pipeline-result.interface.js';
import type { PipelinePlan } from './pipeline-plan.js';
import { isThenable, type Compensable } from './run-state.js';

const TIMED_OUT: unique symbol = Symbol('compensation timed out');

export interface CompensationReport {
  readonly entry: Compensable;
  readonly outcome: OperationOutcome;
  readonly durationMs: number;
  readonly error: unknown;
}

/**
 * Undoes one succeeded step with its own budget and its own signal: the run's signal may already
 * be aborted, and the undo must still get its chance.
 */
export async function compensate(
  plan: PipelinePlan,
  entry: Compensable,
  runId: string,
  recovery = false,
): Promise<CompensationReport> {
  const definition = entry.step.definition;
  const timeoutMs = definition.compensationTimeoutMs as number;
  const controller = new AbortController();
  const started = performance.now();
  const run: CompensationRun = {
    pipeline: plan.definition.name,
    operation: definition.name,
    runId,
    signal: controller.signal,
    deadline: performance.timeOrigin + started + timeoutMs,
    attempt: 1,
    recovery,
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let outcome: OperationOutcome = 'success';
  let error: unknown;
  try {
    const out = (entry.step.compensation as NonNullable<typeof entry.step.compensation>).call(
      plan.instance,
      entry.context,
      run,
    );
    if (isThenable(out)) {
      await new Promise((resolve, reject) => {
        timer = setTimeout(() => {
          controller.abort(
            new DOMException(
              messages.compensationTimedOut(definition.name, timeoutMs),
              'TimeoutError',
            ),
          );
          reject(TIMED_OUT);
        }, timeoutMs);
        out.then(resolve, reject);
      });
    }
  } catch (thrown) {
    outcome = thrown === TIMED_OUT ? 'timeout' : 'failure';
    error =
      thrown === TIMED_OUT
        ? new Error(messages.compensationTimedOut(definition.name, timeoutMs))
        : thrown;
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    if (!controller.signal.aborted)
      controller.abort(new DOMException(messages.runFinished, 'AbortError'));
  }
  return { entry, outcome, durationMs: performance.now() - started, error };
}
