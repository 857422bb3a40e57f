import { performance } from 'node:perf_hooks';
import type { PipelineError, PipelineResult } from './interfaces/pipeline-result.interface.js';
import type { PipelinePlan, PlanStep } from './pipeline-plan.js';
import type { PipelineRunner } from './pipeline.runner.js';
import type { RunRecord } from './run-result.js';
import type { RunSettlement } from './run-settlement.js';
import { INTERRUPTED, isThenable, type RunState } from './run-state.js';

/** The parts of the runner a sequence calls. */
export type SequenceSteps = Pick<
  PipelineRunner,
  | 'journaling'
  | 'callBare'
  | 'callStep'
  | 'slotOf'
  | 'merge'
  | 'settleStep'
  | 'succeeded'
  | 'recordBefore'
  | 'finishRun'
>;

type RunEnd<Ctx extends object> = PipelineResult<Ctx> | Promise<PipelineResult<Ctx>>;

/**
 * Runs a plan's operations one after another. Continuations are methods and `then` callbacks,
 * not an `async` function: no generator to suspend and resume per operation, and one pair of
 * callbacks per run. A run that goes async makes one promise of its own, made the first time it
 * waits; a run that never waits returns a resolved one.
 */
export class SequenceRun<Ctx extends object> {
  private index = 0;
  private clock: number;
  private t0 = 0;
  /** How the current operation ended, until `land` books it. */
  private failed = false;
  private value: unknown = undefined;
  /** The callbacks of every wait, made once per run: one wait at a time, each settled once. */
  private fulfilled: ((value: unknown) => void) | undefined;
  private rejected: ((error: unknown) => void) | undefined;
  private promise: Promise<PipelineResult<Ctx>> | undefined;
  private resolve!: (end: RunEnd<Ctx>) => void;
  private reject!: (error: unknown) => void;
  /** The run's end when it came without waiting for anything. */
  private outcome: RunEnd<Ctx> | undefined;

  constructor(
    private readonly runner: SequenceSteps,
    private readonly plan: PipelinePlan,
    private readonly record: RunRecord<Ctx>,
    private readonly state: RunState,
    /** A deadline or a caller signal can interrupt the run. */
    private readonly interruptible: boolean,
    private readonly started: number,
    private readonly settlement: RunSettlement | undefined,
  ) {
    // The end of one operation is the start of the next: one clock read per operation.
    this.clock = interruptible ? performance.now() : started;
  }

  start(): Promise<PipelineResult<Ctx>> {
    try {
      this.advance();
    } catch (error) {
      this.settlement?.failed();
      return Promise.reject(error);
    }
    return this.promise ?? Promise.resolve(this.outcome!);
  }

  /** Runs operations from `index` until one must be waited for or the run ends. */
  private advance(): void {
    const steps = this.plan.steps;
    while (this.index < steps.length) {
      const step = steps[this.index];
      this.record.reach(step);
      if (this.state.stopped) break;
      if (step.compensation !== undefined && this.runner.journaling) return this.recordFirst(step);
      if (!this.call(step)) return;
      if (!this.land()) break;
    }
    this.finish();
  }

  /** Calls `step`: false when it must be waited for (its callbacks go on), true when it ended. */
  private call(step: PlanStep): boolean {
    const { plan, record, state } = this;
    const t0 = (this.t0 = this.clock);
    let out: unknown;
    try {
      // A plain operation in a run nothing can interrupt is just called.
      out =
        step.plain && !this.interruptible && state.trace === undefined
          ? this.runner.callBare(plan, step, record.context, state)
          : this.runner.callStep(plan, step, record.context, state, undefined, t0);
    } catch (error) {
      return this.hold(true, error);
    }
    if (!isThenable(out)) return this.hold(false, out);
    const timeoutMs = step.definition.timeoutMs;
    // Under a budget or an interruptible run, the slot's wait: a promise of its own, settled once
    // (by the operation or by an interruption, whichever comes first), whose callbacks run in the
    // run's async context, not in that of the timer or the abort that interrupted it. Otherwise
    // the operation's own promise; anything else that has a `then` is adopted by a real promise
    // first, so a `then` that calls back at once or twice cannot run the sequence from inside.
    const wait =
      timeoutMs !== undefined || this.interruptible
        ? this.runner.slotOf(step, state).wait(out, timeoutMs)
        : out instanceof Promise
          ? out
          : Promise.resolve(out);
    wait.then(
      (this.fulfilled ??= (value) => this.resume(false, value)),
      (this.rejected ??= (error) => this.resume(true, error)),
    );
    this.waiting();
    return false;
  }

  private hold(failed: boolean, value: unknown): true {
    this.failed = failed;
    this.value = value;
    return true;
  }

  /** The operation waited for ended (or its wait was interrupted). */
  private resume(failed: boolean, value: unknown): void {
    try {
      this.hold(failed, value);
      if (this.land()) this.advance();
      else this.finish();
    } catch (error) {
      this.crashed(error);
    }
  }

  /** Books how the current operation ended; false when that ends the run. */
  private land(): boolean {
    const { plan, record, state } = this;
    const step = plan.steps[this.index];
    let failed = this.failed;
    // An interrupted wait is explained by the state, not by a thrown value.
    let thrown = failed && this.value !== INTERRUPTED ? this.value : undefined;
    if (!failed) {
      try {
        this.runner.merge(step, record.context, this.value);
      } catch (error) {
        failed = true;
        thrown = error;
      }
    }
    this.value = undefined;
    const t0 = this.t0;
    const clock = (this.clock = performance.now());
    const index = this.index++;
    // The common case, kept out of settleStep: a plain operation that succeeded in time.
    if (
      !failed &&
      step.plain &&
      state.trace === undefined &&
      clock < state.deadlineAt &&
      !state.stopped
    ) {
      this.runner.succeeded(plan, step, record, state, index, clock - t0, t0);
      return true;
    }
    const outcome = this.runner.settleStep(
      plan,
      step,
      record,
      state,
      undefined,
      failed,
      thrown,
      t0,
      clock,
    );
    if (outcome === 'success') return true;
    this.clock = performance.now();
    return record.failure === undefined;
  }

  /** The journal write before a compensable operation, which starts once it has landed. */
  private recordFirst(step: PlanStep): void {
    this.waiting();
    this.runner.recordBefore(this.plan, step, this.record.context, this.state).then(
      (refused) => this.recorded(step, refused),
      (error: unknown) => this.crashed(error),
    );
  }

  private recorded(step: PlanStep, refused: PipelineError | undefined): void {
    try {
      this.clock = performance.now();
      if (refused !== undefined) this.record.refuse(refused);
      if (refused !== undefined || this.state.stopped) return this.finish();
      if (!this.call(step)) return;
      if (this.land()) this.advance();
      else this.finish();
    } catch (error) {
      this.crashed(error);
    }
  }

  private finish(): void {
    const end = this.runner.finishRun(
      this.plan,
      this.record,
      this.state,
      this.started,
      // Without a deadline or a signal nothing happened since the last clock read.
      this.interruptible ? undefined : this.clock,
      this.settlement,
    );
    if (this.promise === undefined) this.outcome = end;
    else this.resolve(end);
  }

  /** The run's promise, made the first time it has to wait. */
  private waiting(): void {
    this.promise ??= new Promise<PipelineResult<Ctx>>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  /** Only a bug in the runner gets here; whoever waits on the run must still hear it ended. */
  private crashed(error: unknown): void {
    this.settlement?.failed();
    this.reject(error);
  }
}
