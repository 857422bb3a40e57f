import { performance } from 'node:perf_hooks';
import type { OperationOutcome, PipelineError } from './interfaces/pipeline-result.interface.js';
import type { OperationState } from './operation-state.js';
import type { PipelinePlan, PlanStep } from './pipeline-plan.js';
import type { RunRecord } from './run-result.js';
import { INTERRUPTED, isThenable, type RunState } from './run-state.js';

/** The parts of the runner that run one operation, shared by the sequence loop and the graph. */
export interface StepRunner {
  readonly journaling: boolean;
  startStep(
    plan: PipelinePlan,
    step: PlanStep,
    context: object,
    state: RunState,
    op: OperationState | undefined,
    t0: number,
    interruptible: boolean,
  ): unknown;
  merge(step: PlanStep, context: object, out: unknown): void;
  settleStep(
    plan: PipelinePlan,
    step: PlanStep,
    record: RunRecord<object>,
    state: RunState,
    op: OperationState | undefined,
    failed: boolean,
    thrown: unknown,
    t0: number,
    t1: number,
  ): OperationOutcome;
  recordBefore(
    plan: PipelinePlan,
    step: PlanStep,
    context: object,
    state: RunState,
  ): Promise<PipelineError | undefined>;
}

/**
 * Runs a plan whose operations declare `after`: each starts once everything it comes after has
 * finished (a non-critical failure counts as finished), ready ones in declaration order. The
 * first critical failure halts the run: running siblings are aborted and nothing new starts.
 * Resolves when no operation is running any more.
 */
export function runGraph(
  runner: StepRunner,
  plan: PipelinePlan,
  record: RunRecord<object>,
  state: RunState,
): Promise<void> {
  const steps = plan.steps;
  const waiting = steps.map((step) => step.after.length);
  const ready: number[] = [];
  let running = 0;

  return new Promise<void>((resolve) => {
    const launch = (): void => {
      ready.sort((a, b) => a - b);
      while (ready.length > 0 && !state.stopped) {
        running++;
        void runOne(steps[ready.shift() as number]);
      }
      if (running === 0) resolve();
    };

    const settled = (step: PlanStep, finished: boolean): void => {
      running--;
      if (finished && !state.stopped) {
        for (const next of step.dependents) if (--waiting[next] === 0) ready.push(next);
      }
      launch();
    };

    const runOne = async (step: PlanStep): Promise<void> => {
      record.current = step;
      if (step.compensation !== undefined && runner.journaling) {
        const refused = await runner.recordBefore(plan, step, record.context, state);
        if (refused !== undefined && record.failure === undefined) {
          record.refuse(refused);
          state.halt(step.definition.name);
        }
        if (refused !== undefined || state.stopped) return settled(step, false);
      }
      const op = state.openOperation();
      const t0 = performance.now();
      let thrown: unknown;
      let failed = false;
      try {
        // Always raced: a sibling's critical failure must be able to stop the wait.
        let out = runner.startStep(plan, step, record.context, state, op, t0, true);
        if (isThenable(out)) out = await out;
        runner.merge(step, record.context, out);
      } catch (error) {
        thrown = error === INTERRUPTED ? undefined : error;
        failed = true;
      }
      const t1 = performance.now();
      runner.settleStep(plan, step, record, state, op, failed, thrown, t0, t1);
      state.closeOperation(op);
      if (record.failure !== undefined) state.halt(step.definition.name);
      settled(step, true);
    };

    steps.forEach((step, i) => {
      if (step.after.length === 0) ready.push(i);
    });
    launch();
  });
}
