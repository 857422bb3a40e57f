import { performance } from 'node:perf_hooks';
import type { PipelineError } from './interfaces/pipeline-result.interface.js';
import type { OperationState } from './operation-state.js';
import type { PipelinePlan, PlanStep } from './pipeline-plan.js';
import type { PipelineRunner } from './pipeline.runner.js';
import type { RunRecord } from './run-result.js';
import { INTERRUPTED, isThenable, type RunState } from './run-state.js';

/** The parts of the runner that run one operation, shared by the sequence loop and the graph. */
export type StepRunner = Pick<
  PipelineRunner,
  'journaling' | 'startStep' | 'merge' | 'settleStep' | 'succeeded' | 'recordBefore'
>;

/**
 * Runs a plan whose operations declare `after`: each starts once everything it comes after has
 * finished (a non-critical failure counts as finished), ready ones in declaration order. The
 * first critical failure halts the run: the signals of running siblings are aborted and nothing
 * new starts. Resolves when no operation is running any more, so compensation never overlaps an
 * operation still at work; only a deadline or the caller's signal (`interruptible`) stops a wait.
 */
export function runGraph(
  runner: StepRunner,
  plan: PipelinePlan,
  record: RunRecord<object>,
  state: RunState,
  interruptible: boolean,
): Promise<void> {
  return new Promise<void>((resolve) => {
    new GraphRun(runner, plan, record, state, interruptible, resolve).begin();
  });
}

/**
 * One graph run's bookkeeping. Continuations are methods and `then` callbacks, not an async
 * function per operation: a run with operations side by side allocates little more than the
 * hand-written `Promise.all` it replaces.
 */
class GraphRun {
  /** Per operation, how many of the operations it comes after have not finished yet. */
  private readonly waiting: number[];
  /** Operations ready to start, in declaration order (kept sorted as they are added). */
  private readonly ready: number[] = [];
  private running = 0;

  constructor(
    private readonly runner: StepRunner,
    private readonly plan: PipelinePlan,
    private readonly record: RunRecord<object>,
    private readonly state: RunState,
    private readonly interruptible: boolean,
    private readonly done: () => void,
  ) {
    this.waiting = plan.steps.map((step) => step.after.length);
  }

  begin(): void {
    const steps = this.plan.steps;
    for (let i = 0; i < steps.length; i++) if (steps[i].after.length === 0) this.ready.push(i);
    this.launch();
  }

  private launch(): void {
    const ready = this.ready;
    while (ready.length > 0 && !this.state.stopped) {
      this.running++;
      this.start(this.plan.steps[ready.shift() as number]);
    }
    if (this.running === 0) this.done();
  }

  private start(step: PlanStep): void {
    this.record.reach(step);
    if (step.compensation !== undefined && this.runner.journaling) {
      this.runner
        .recordBefore(this.plan, step, this.record.context, this.state)
        .then((refused) => this.recorded(step, refused));
      return;
    }
    this.call(step);
  }

  /** After the journal write of a compensable operation: start it, or end the run. */
  private recorded(step: PlanStep, refused: PipelineError | undefined): void {
    if (refused !== undefined && this.record.failure === undefined) {
      this.record.refuse(refused);
      this.state.halt(step.definition.name);
    }
    if (refused !== undefined || this.state.stopped) return this.settled(step, false);
    this.call(step);
  }

  private call(step: PlanStep): void {
    const state = this.state;
    // Its own state only when it has a budget, retries, a wait to interrupt or a span: a plain
    // one needs none (its signal is the run's, which a halt aborts).
    const op =
      step.plain && !this.interruptible && state.trace === undefined
        ? undefined
        : state.openOperation();
    const t0 = performance.now();
    let out: unknown;
    try {
      out = this.runner.startStep(
        this.plan,
        step,
        this.record.context,
        state,
        op,
        t0,
        this.interruptible,
      );
    } catch (error) {
      return this.end(step, op, t0, true, error);
    }
    if (!isThenable(out)) return this.landed(step, op, t0, out);
    out.then(
      (value) => this.landed(step, op, t0, value),
      (error: unknown) => this.end(step, op, t0, true, error),
    );
  }

  private landed(step: PlanStep, op: OperationState | undefined, t0: number, out: unknown): void {
    try {
      this.runner.merge(step, this.record.context, out);
    } catch (error) {
      return this.end(step, op, t0, true, error);
    }
    this.end(step, op, t0, false, undefined);
  }

  private end(
    step: PlanStep,
    op: OperationState | undefined,
    t0: number,
    failed: boolean,
    error: unknown,
  ): void {
    const { record, state } = this;
    if (op === undefined && !failed) {
      // Without state of its own nothing could have timed it out or interrupted it.
      this.runner.succeeded(this.plan, step, record, state, t0, performance.now());
      return this.settled(step, true);
    }
    // An interrupted wait is explained by the state, not by a thrown value.
    const thrown = error === INTERRUPTED ? undefined : error;
    this.runner.settleStep(
      this.plan,
      step,
      record,
      state,
      op,
      failed,
      thrown,
      t0,
      performance.now(),
    );
    if (op !== undefined) state.closeOperation(op);
    if (record.failure !== undefined) state.halt(step.definition.name);
    this.settled(step, true);
  }

  private settled(step: PlanStep, finished: boolean): void {
    this.running--;
    if (finished && !this.state.stopped) {
      for (const next of step.dependents) {
        if (--this.waiting[next] === 0) insertInOrder(this.ready, next);
      }
    }
    this.launch();
  }
}

/**
 * Adds `index` to an ascending list, in place. Ready lists hold a few operations: shifting them
 * costs less than a `sort` with a comparator on every launch (~100 ns of a fan-out's run).
 */
function insertInOrder(list: number[], index: number): void {
  let i = list.length;
  list.push(index);
  while (i > 0 && list[i - 1] > index) {
    list[i] = list[i - 1];
    i--;
  }
  list[i] = index;
}
