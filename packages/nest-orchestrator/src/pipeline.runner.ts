import { Logger } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { messages } from './orchestrator.messages.js';
import type { RunOptions } from './interfaces/operation-run.interface.js';
import type { OrchestratorObserver } from './interfaces/orchestrator-observer.interface.js';
import type {
  CompensationOutcome,
  OperationOutcome,
  PipelineError,
  PipelineResult,
} from './interfaces/pipeline-result.interface.js';
import type { PipelinePlan, PlanStep } from './pipeline-plan.js';
import { compensate, type CompensationReport } from './compensator.js';
import type { CompensationJournal } from './compensation-journal.js';
import { isRetryable, retryDelay } from './retry-policy.js';
import type { RetryPolicy } from './interfaces/pipeline-definition.interface.js';
import { nextRunId } from './run-id.js';
import { OperationRunHandle, type OperationState } from './operation-state.js';
import { RunObservers } from './run-observers.js';
import { pipelineError, RunRecord } from './run-result.js';
import { INTERRUPTED, RunState, isThenable, type Compensable } from './run-state.js';
import { runGraph } from './graph.runner.js';
import type { RunInstrumentation } from './run-instrumentation.js';
import type { RunSettlement } from './run-settlement.js';

/**
 * The state an operation keeps: its own beside others (`op`); in a sequence, the run's one slot
 * when it has a budget or a retry policy or is traced (the slot holds its span), else none.
 */
function slotFor(
  step: PlanStep,
  state: RunState,
  op: OperationState | undefined,
): OperationState | undefined {
  if (op !== undefined) return op;
  const definition = step.definition;
  return definition.timeoutMs !== undefined ||
    definition.retry !== undefined ||
    state.trace !== undefined
    ? state.sequence
    : undefined;
}

/**
 * Runs plans: operations in order (or side by side, see graph.runner.ts), critical vs
 * non-critical, timeouts and aborts that end the run at once, and timing from the monotonic
 * clock. Holds no per-run state itself.
 */
export class PipelineRunner {
  private readonly logger = new Logger('Orchestrator');
  readonly observers = new RunObservers();

  /**
   * `journal` records compensable steps for crash recovery; without it, nothing is recorded.
   * `instrumentation` wraps runs and tries (tracing); without it, the runner makes no such call.
   */
  constructor(
    private readonly journal?: CompensationJournal,
    private readonly instrumentation?: RunInstrumentation,
  ) {}

  /** Whether any observer listens (read by the bench to prove what it measures). */
  get observed(): boolean {
    return this.observers.active;
  }

  /** Sets who hears about runs; called once at boot. */
  observe(observers: readonly OrchestratorObserver[]): void {
    this.observers.set(observers);
  }

  /**
   * `runId` is chosen by the caller only when the id must be known first (a keyed run's claim).
   * `settlement` hears the result (or that the runner itself threw) before the returned promise
   * settles: the in-process keyed path ends its claim there, without a promise of its own.
   */
  async run<Ctx extends object>(
    plan: PipelinePlan,
    input: Ctx,
    options?: RunOptions,
    runId: string = nextRunId(),
    settlement?: RunSettlement,
  ): Promise<PipelineResult<Ctx>> {
    try {
      const started = performance.now();
      const timeoutMs = options?.timeoutMs ?? plan.definition.timeoutMs;
      const signal = options?.signal;
      // Not `{ ...input }`: on Node 20 adding a key to a spread copy costs ~0.6 µs, and operations
      // add keys to the context all the time.
      const record = new RunRecord<Ctx>(plan, Object.assign({}, input) as Ctx, timeoutMs);
      if (this.observers.active) this.observers.emit('onRunStart', plan.definition, runId);
      const state = new RunState(
        runId,
        signal,
        started,
        timeoutMs,
        this.instrumentation?.runStarted(plan.definition, runId),
      );
      // Without a deadline or a caller signal nothing can interrupt, so async steps are awaited plainly.
      const interruptible = timeoutMs !== undefined || signal !== undefined;
      // A traced operation is never called bare: startStep opens its span and settleStep ends it.
      const bare = state.trace === undefined;

      // The end of one operation is the start of the next: one clock read per operation instead of
      // two (a read costs ~40 ns on Node 20). Read afresh after set-up work and failures.
      let clock = interruptible ? performance.now() : started;
      if (!plan.sequential) {
        await runGraph(this, plan, record as RunRecord<object>, state, interruptible);
        clock = performance.now();
      } else {
        const steps = plan.steps;
        // An index, not for-of: an iterator living across an await is one more object per run.
        for (let i = 0; i < steps.length; i++) {
          const step = steps[i];
          record.reach(step);
          if (state.stopped) break;
          if (step.compensation !== undefined && this.journal !== undefined) {
            const refused = await this.recordBefore(plan, step, record.context, state);
            clock = performance.now();
            if (refused !== undefined) record.refuse(refused);
            if (refused !== undefined || state.stopped) break;
          }
          const t0 = clock;
          let thrown: unknown;
          let failed = false;
          try {
            // A plain operation in a run nothing can interrupt is just called (startStep's checks
            // cost ~10 ns an operation, a tenth of the whole per-operation budget).
            let out =
              step.plain && !interruptible && bare
                ? step.fn.call(plan.instance, record.context, this.handle(plan, step, state))
                : this.startStep(plan, step, record.context, state, undefined, t0, interruptible);
            if (isThenable(out)) out = await out;
            this.merge(step, record.context, out);
          } catch (error) {
            // An interrupted wait is explained by the state, not by a thrown value.
            thrown = error === INTERRUPTED ? undefined : error;
            failed = true;
          }
          clock = performance.now();
          // The common case, kept out of settleStep: a plain operation that succeeded in time.
          if (!failed && step.plain && bare && clock < state.deadlineAt && !state.stopped) {
            this.succeeded(plan, step, record, state, t0, clock);
            continue;
          }
          const outcome = this.settleStep(
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
          if (outcome !== 'success') {
            clock = performance.now();
            if (record.failure !== undefined) break;
          }
        }
      }
      record.interruptedBetween(state);
      state.finish();
      if (
        (record.failure !== undefined && state.done !== undefined) ||
        state.journal !== undefined
      ) {
        // Awaited, so that a failure in it reaches the catch below (a rare path).
        return await this.compensateAndConclude(plan, record, state, started, settlement);
      }
      // Without a deadline or a signal nothing happened since the last clock read.
      const result = this.conclude(
        plan,
        record,
        state,
        (interruptible ? performance.now() : clock) - started,
      );
      settlement?.settled(result);
      return result;
    } catch (error) {
      // Only a bug in the runner gets here; whoever waits on the run must still hear it ended.
      settlement?.failed();
      throw error;
    }
  }

  /** Undoes a failed run's compensable steps and clears its journal before concluding. */
  private async compensateAndConclude<Ctx extends object>(
    plan: PipelinePlan,
    record: RunRecord<Ctx>,
    state: RunState,
    started: number,
    settlement: RunSettlement | undefined,
  ): Promise<PipelineResult<Ctx>> {
    const compensation =
      record.failure !== undefined && state.done !== undefined
        ? await this.compensateAll(plan, state.done, state)
        : undefined;
    // Cleared only once the compensations have run: a crash before then leaves it to a sweep.
    if (state.journal !== undefined) await this.journal!.end(state.journal);
    const result = this.conclude(plan, record, state, performance.now() - started, compensation);
    settlement?.settled(result);
    return result;
  }

  /** Builds the result and tells observers the run ended. */
  private conclude<Ctx extends object>(
    plan: PipelinePlan,
    record: RunRecord<Ctx>,
    state: RunState,
    duration: number,
    compensation?: Record<string, CompensationOutcome>,
  ): PipelineResult<Ctx> {
    const result = record.toResult(state.runId, duration, compensation);
    if (state.trace !== undefined) {
      this.instrumentation!.runEnded(state.trace, record.outcome, result);
    }
    if (this.observers.active) {
      this.observers.emit('onRunEnd', plan.definition, record.outcome, result);
    }
    return result;
  }

  /**
   * Calls a step (under its retry policy) and returns what it returned, or the promise to await
   * for it: raced against its own budget and the run's interruptions when either exists. `op` is
   * the operation's own state beside others; in a sequence (`undefined`) the run's one slot is
   * taken only by an operation with a budget, a retry policy or an interruptible wait.
   */
  startStep(
    plan: PipelinePlan,
    step: PlanStep,
    context: object,
    state: RunState,
    op: OperationState | undefined,
    t0: number,
    interruptible: boolean,
  ): unknown {
    const definition = step.definition;
    const timeoutMs = definition.timeoutMs;
    const slot = slotFor(step, state, op);
    if (timeoutMs !== undefined) slot!.begin(timeoutMs, t0);
    let out: unknown;
    if (definition.retry !== undefined) out = this.retrying(plan, step, context, slot!);
    else {
      const handle = new OperationRunHandle(
        plan.definition.name,
        definition.name,
        state,
        timeoutMs !== undefined ? slot : undefined,
        1,
      );
      out =
        state.trace === undefined
          ? step.fn.call(plan.instance, context, handle)
          : this.traced(plan, step, context, slot!, handle);
    }
    if (!isThenable(out) || (timeoutMs === undefined && !interruptible)) return out;
    return (slot ?? state.sequence).wait(out, timeoutMs);
  }

  /** Calls one try inside its own scope (its span), which `slot` keeps until the try ends. */
  private traced(
    plan: PipelinePlan,
    step: PlanStep,
    context: object,
    slot: OperationState,
    handle: OperationRunHandle,
  ): unknown {
    const instrumentation = this.instrumentation!;
    const scope = instrumentation.tryStarted(
      slot.run.trace,
      plan.definition,
      step.definition,
      handle.attempt,
    );
    slot.enter(scope);
    return instrumentation.call(scope, step.fn, plan.instance, context, handle);
  }

  /** The `run` argument of a first try without a budget of its own. */
  private handle(plan: PipelinePlan, step: PlanStep, state: RunState): OperationRunHandle {
    return new OperationRunHandle(plan.definition.name, step.definition.name, state, undefined, 1);
  }

  /** Merges a step's returned partial into the context; anything but an object is a bug. */
  merge(step: PlanStep, context: object, out: unknown): void {
    if (out === undefined || out === context) return;
    if (out === null || typeof out !== 'object') {
      throw new TypeError(messages.invalidReturn(step.label, out === null ? 'null' : typeof out));
    }
    Object.assign(context, out);
  }

  /**
   * Records a step that needed no state of its own (no budget, retries, span or interruptible
   * wait) and succeeded: all `settleStep` would do for it, without its checks.
   */
  succeeded(
    plan: PipelinePlan,
    step: PlanStep,
    record: RunRecord<object>,
    state: RunState,
    t0: number,
    t1: number,
  ): void {
    record.measure(step, step.definition.order, t1 - t0, 1);
    if (this.observers.active) this.ended(plan, step, 'success', state, t1 - t0, t0);
  }

  /**
   * Decides how a step that ended at `t1` went, records it, and tells observers. A critical
   * failure, or any failure once the run is interrupted, becomes the run's failure.
   */
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
  ): OperationOutcome {
    const definition = step.definition;
    const took = t1 - t0;
    let outcome: OperationOutcome = failed ? 'failure' : 'success';
    const slot = slotFor(step, state, op);
    record.measure(step, definition.order, took, slot === undefined ? 1 : slot.attempts);
    let scope: unknown;
    if (slot !== undefined) {
      scope = slot.scope;
      // A sync step cannot be stopped, but one that overran its budget still counts as timed out.
      const budget = definition.timeoutMs;
      if (budget !== undefined && (slot.timedOut || (outcome === 'success' && took > budget))) {
        outcome = 'timeout';
      }
      slot.end();
    }
    // Its effect exists even if the run's budget ran out meanwhile, so it is undone on failure.
    if (step.compensation !== undefined && outcome === 'success') {
      state.remember(step, record.context);
    }
    if (state.interrupted === undefined && t1 >= state.deadlineAt) state.interrupt('timeout');
    if (state.interrupted !== undefined) outcome = state.interrupted;
    else if (state.stopped && outcome !== 'success') outcome = 'aborted'; // a sibling halted the run

    if (scope !== undefined) {
      this.instrumentation!.ended(scope, outcome, outcome === 'success' ? undefined : thrown);
    }
    if (this.observers.active) {
      this.ended(plan, step, outcome, state, took, t0, outcome === 'success' ? undefined : thrown);
    }
    if (outcome === 'success' || (state.stopped && state.interrupted === undefined)) {
      return outcome;
    }
    const fatal = definition.critical || state.interrupted !== undefined;
    if (record.failure === undefined) record.fail(step, outcome, state, thrown, fatal);
    return outcome;
  }

  /** Tells observers an operation ended, with its start offset in the run. */
  private ended(
    plan: PipelinePlan,
    step: PlanStep,
    outcome: OperationOutcome,
    state: RunState,
    took: number,
    t0: number,
    error?: unknown,
  ): void {
    this.observers.emit(
      'onOperationEnd',
      plan.definition,
      step.definition,
      outcome,
      took,
      error,
      state.runId,
      t0 - state.startedAt,
    );
  }

  /**
   * Tries a step under its retry policy. The caller still races the returned promise against
   * timeouts and aborts; this loop stops by itself once the step is no longer current.
   */
  private async retrying(
    plan: PipelinePlan,
    step: PlanStep,
    context: object,
    op: OperationState,
  ): Promise<unknown> {
    const definition = step.definition;
    const policy = definition.retry as RetryPolicy;
    const generation = op.current;
    const ownBudget = definition.timeoutMs !== undefined;
    for (let attempt = 1; ; attempt++) {
      op.tryNumber(attempt);
      try {
        const run = new OperationRunHandle(
          plan.definition.name,
          definition.name,
          op.run,
          ownBudget ? op : undefined,
          attempt,
        );
        const out =
          op.run.trace === undefined
            ? step.fn.call(plan.instance, context, run)
            : this.traced(plan, step, context, op, run);
        return isThenable(out) ? await out : out;
      } catch (error) {
        if (!op.isCurrent(generation)) throw INTERRUPTED;
        if (attempt >= policy.attempts || !isRetryable(error, policy)) throw error;
        const delay = retryDelay(policy, attempt);
        // No retry that could not start before the deadline.
        if (performance.now() + delay >= op.deadline) throw error;
        const scope = op.scope;
        if (scope !== undefined) {
          op.enter(undefined);
          this.instrumentation!.retried(scope, delay, error);
        }
        if (this.observers.active) {
          this.observers.emit(
            'onOperationRetry',
            plan.definition,
            definition,
            attempt,
            delay,
            error,
            op.run.runId,
          );
        }
        await op.pause(delay);
        if (!op.isCurrent(generation)) throw INTERRUPTED;
      }
    }
  }

  /**
   * Records `step` for crash recovery before it starts; the error that ends the run when the
   * store cannot record it. Not raced against the run's deadline: a store call bounds itself.
   * Operations side by side record one after another (`state.recording`), so a later write can
   * never land before an earlier one and drop it from the record.
   */
  async recordBefore(
    plan: PipelinePlan,
    step: PlanStep,
    context: object,
    state: RunState,
  ): Promise<PipelineError | undefined> {
    const pipeline = plan.definition.name;
    const journal = state.journalOf(pipeline);
    try {
      await state.serialize(() => this.journal!.before(journal, step.definition.name, context));
      return undefined;
    } catch (error) {
      this.logger.error(
        messages.recordFailed(pipeline, step.definition.name, state.runId),
        error instanceof Error ? error.stack : String(error),
      );
      const name = step.definition.name;
      return pipelineError(
        name,
        messages.recoveryUnavailable,
        'RECOVERY_UNAVAILABLE',
        undefined,
        error,
      );
    }
  }

  /** Whether compensable steps are recorded for crash recovery. */
  get journaling(): boolean {
    return this.journal !== undefined;
  }

  /**
   * Runs a crashed run's compensations, last first, with the contexts it recorded and
   * `run.recovery` set; observers hear `onRecoveryEnd` (not `onCompensationEnd`).
   */
  async recover(
    plan: PipelinePlan,
    entries: readonly Compensable[],
    runId: string,
  ): Promise<CompensationReport[]> {
    const reports: CompensationReport[] = [];
    for (let i = entries.length - 1; i >= 0; i--) {
      const report = await compensate(plan, entries[i], runId, true, this.instrumentation);
      reports.push(report);
      this.reportCompensation('onRecoveryEnd', plan, report, runId);
    }
    return reports;
  }

  /** Undoes the succeeded steps, last finished first; a failing undo is recorded and the rest still run. */
  private async compensateAll(
    plan: PipelinePlan,
    done: readonly Compensable[],
    state: RunState,
  ): Promise<Record<string, CompensationOutcome>> {
    const outcomes: Record<string, CompensationOutcome> = {};
    const runId = state.runId;
    for (let i = done.length - 1; i >= 0; i--) {
      const report = await compensate(
        plan,
        done[i],
        runId,
        false,
        this.instrumentation,
        state.trace,
      );
      const operation = report.entry.step.definition;
      outcomes[operation.name] = report.outcome === 'success' ? 'done' : 'failed';
      if (report.outcome !== 'success') {
        const reason = report.error instanceof Error ? `: ${report.error.message}` : '';
        this.logger.error(
          messages.compensationFailed(
            plan.definition.name,
            operation.name,
            report.outcome,
            reason,
            runId,
          ),
        );
      }
      this.reportCompensation('onCompensationEnd', plan, report, runId);
    }
    return outcomes;
  }

  private reportCompensation(
    hook: 'onCompensationEnd' | 'onRecoveryEnd',
    plan: PipelinePlan,
    report: CompensationReport,
    runId: string,
  ): void {
    if (!this.observers.active) return;
    this.observers.emit(
      hook,
      plan.definition,
      report.entry.step.definition,
      report.outcome,
      report.durationMs,
      report.error,
      runId,
    );
  }
}
