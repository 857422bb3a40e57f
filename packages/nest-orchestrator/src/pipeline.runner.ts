import { Logger } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { OperationError } from './orchestrator.errors.js';
import { messages } from './orchestrator.messages.js';
import type { RunOptions } from './interfaces/operation-run.interface.js';
import type { OrchestratorObserver } from './interfaces/orchestrator-observer.interface.js';
import type {
  CompensationOutcome,
  OperationFailure,
  OperationOutcome,
  PipelineError,
  PipelineResult,
} from './interfaces/pipeline-result.interface.js';
import type { PipelinePlan, PlanStep } from './pipeline-plan.js';
import { compensate, type CompensationReport } from './compensator.js';
import { RunJournal, type CompensationJournal } from './compensation-journal.js';
import { isRetryable, retryDelay } from './retry-policy.js';
import type { RetryPolicy } from './interfaces/pipeline-definition.interface.js';
import { nextRunId } from './run-id.js';
import {
  INTERRUPTED,
  type Compensable,
  OperationRunHandle,
  RunState,
  isThenable,
  onOperationTimeout,
  onRunTimeout,
} from './run-state.js';

/**
 * Past 16 names, adding keys one by one (`metrics[name] = ms`) turns an object into a slow
 * dictionary, so longer plans collect durations and fill a copy of a template with every name.
 */
const KEYED_METRICS_LIMIT = 16;

const metricsTemplates = new WeakMap<readonly PlanStep[], Record<string, number>>();

/** `{ [name]: 0 }` in plan order; JSON.parse builds it in fast mode, and copies of it stay fast. */
function metricsTemplate(steps: readonly PlanStep[]): Record<string, number> {
  let template = metricsTemplates.get(steps);
  if (template === undefined) {
    const entries = steps.map((step) => `${JSON.stringify(step.definition.name)}:0`).join(',');
    template = JSON.parse(`{${entries}}`) as Record<string, number>;
    metricsTemplates.set(steps, template);
  }
  return template;
}

function collectMetrics(
  steps: readonly PlanStep[],
  durations: readonly number[],
): Record<string, number> {
  const metrics = durations.length === steps.length ? { ...metricsTemplate(steps) } : {};
  for (let i = 0; i < durations.length; i++) metrics[steps[i].definition.name] = durations[i];
  return metrics;
}

function describeThrown(error: unknown): { message: string; code: string; details?: unknown } {
  if (error instanceof OperationError) {
    return { message: error.message, code: error.code, details: error.details };
  }
  if (error instanceof Error) return { message: error.message, code: 'OPERATION_FAILED' };
  if (typeof error === 'string') return { message: error, code: 'OPERATION_FAILED' };
  return { message: messages.nonErrorThrown(error), code: 'OPERATION_FAILED' };
}

function pipelineError(
  operation: string,
  message: string,
  code: string,
  details: unknown,
  cause: unknown,
): PipelineError {
  const error: PipelineError =
    details === undefined ? { operation, message, code } : { operation, message, code, details };
  // Kept for the caller's own mapping, hidden from JSON so it never reaches a client.
  if (cause !== undefined)
    Object.defineProperty(error, 'cause', { value: cause, enumerable: false });
  return error;
}

/**
 * Runs plans: operations in order, critical vs non-critical, timeouts and aborts that end the
 * run at once, and timing from the monotonic clock. Holds no per-run state itself.
 */
export class PipelineRunner {
  private readonly logger = new Logger('Orchestrator');
  private observers: readonly OrchestratorObserver[] = [];
  private observed = false;

  /** `journal` records compensable steps for crash recovery; without it, nothing is recorded. */
  constructor(private readonly journal?: CompensationJournal) {}

  /** Sets who hears about runs; called once at boot, so the hot path reads a fixed array. */
  observe(observers: readonly OrchestratorObserver[]): void {
    this.observers = Object.freeze([...observers]);
    this.observed = this.observers.length > 0;
  }

  /** `runId` is chosen by the caller only when the id must be known first (a keyed run's claim). */
  async run<Ctx extends object>(
    plan: PipelinePlan,
    input: Ctx,
    options?: RunOptions,
    runId: string = nextRunId(),
  ): Promise<PipelineResult<Ctx>> {
    const definition = plan.definition;
    const steps = plan.steps;
    const started = performance.now();
    // Not `{ ...input }`: on Node 20 adding a key to a spread copy costs ~0.6 µs, and operations
    // add keys to the context all the time.
    const context = Object.assign({}, input) as Ctx;
    let metrics: Record<string, number> = {};
    const durations: number[] | undefined = steps.length > KEYED_METRICS_LIMIT ? [] : undefined;
    const errors: OperationFailure[] = [];
    if (this.observed) this.notifyRunStart(plan, runId);

    const signal = options?.signal;
    const timeoutMs = options?.timeoutMs ?? definition.timeoutMs;
    const state = new RunState(runId, signal);
    if (timeoutMs !== undefined) {
      state.deadlineAt = started + timeoutMs;
      state.runTimer = setTimeout(onRunTimeout, timeoutMs, state);
    }
    if (signal !== undefined) {
      if (signal.aborted) state.interrupt('aborted');
      else signal.addEventListener('abort', state, { once: true });
    }
    // Without a deadline or a caller signal nothing can interrupt, so async steps are awaited plainly.
    const interruptible = timeoutMs !== undefined || signal !== undefined;
    // The end of one operation is the start of the next: one clock read per operation instead of
    // two (a read costs ~40 ns on Node 20). Read afresh after set-up work and after a failure.
    let clock = interruptible ? performance.now() : started;

    let failure: PipelineError | undefined;
    let outcome: OperationOutcome = 'success';
    let current: PlanStep | undefined;

    let attempts: Record<string, number> | undefined;
    for (let i = 0; i < steps.length; i++) {
      const step = (current = steps[i]);
      if (state.interrupted !== undefined) break;
      const op = step.definition;
      const ownBudget = op.timeoutMs !== undefined;
      let stepOutcome: OperationOutcome = 'success';
      let thrown: unknown;
      if (step.compensation !== undefined && this.journal !== undefined) {
        const refused = await this.recordBefore(plan, step, context, state);
        clock = performance.now();
        if (refused !== undefined) {
          outcome = 'failure';
          failure = refused;
          break;
        }
        if (state.interrupted !== undefined) break;
      }
      const t0 = clock;
      if (ownBudget) state.operationDeadlineAt = t0 + (op.timeoutMs as number);
      try {
        let out =
          op.retry === undefined
            ? step.fn.call(
                plan.instance,
                context,
                new OperationRunHandle(definition.name, op.name, state, ownBudget, 1),
              )
            : this.retrying(plan, step, context, state);
        if (isThenable(out)) {
          if (ownBudget) {
            state.operationTimer = setTimeout(onOperationTimeout, op.timeoutMs, state);
            out = await this.wait(out, state);
          } else if (interruptible) {
            out = await this.wait(out, state);
          } else {
            out = await out;
          }
        }
        if (out !== undefined && out !== context) {
          if (out === null || typeof out !== 'object') {
            throw new TypeError(
              messages.invalidReturn(step.label, out === null ? 'null' : typeof out),
            );
          }
          Object.assign(context, out);
        }
      } catch (error) {
        // An interrupted wait is explained by the state, not by a thrown value.
        thrown = error === INTERRUPTED ? undefined : error;
        stepOutcome = 'failure';
      }
      state.rejectWait = undefined;
      const t1 = (clock = performance.now());
      const took = t1 - t0;
      if (durations === undefined) metrics[op.name] = took;
      else durations.push(took);
      if (op.retry !== undefined && state.attempts > 1) {
        (attempts ??= {})[op.name] = state.attempts;
      }
      if (ownBudget) {
        // A sync step cannot be stopped, but one that overran its budget still counts as timed out.
        if (
          state.operationTimedOut ||
          (stepOutcome === 'success' && took > (op.timeoutMs as number))
        ) {
          stepOutcome = 'timeout';
        }
        state.endOperation();
      } else if (op.retry !== undefined) {
        state.endOperation();
      }
      // Its effect exists even if the run's budget ran out meanwhile, so it is undone on failure.
      if (step.compensation !== undefined && stepOutcome === 'success') {
        (state.done ??= []).push({ step, context: { ...context } });
      }
      if (state.interrupted === undefined && t1 >= state.deadlineAt) state.interrupt('timeout');
      if (state.interrupted !== undefined) stepOutcome = state.interrupted;

      if (stepOutcome !== 'success') {
        if (this.observed) this.notifyOperationEnd(plan, step, stepOutcome, took, thrown, runId);
        const { message, code, details } = this.explain(
          plan,
          step,
          stepOutcome,
          state,
          thrown,
          timeoutMs,
        );
        clock = performance.now();
        if (op.critical || state.interrupted !== undefined) {
          outcome = stepOutcome;
          failure = pipelineError(op.name, message, code, details, thrown);
          break;
        }
        errors.push({ operation: op.name, message, code, critical: false });
      } else if (this.observed) {
        this.notifyOperationEnd(plan, step, stepOutcome, took, undefined, runId);
      }
    }

    // Interrupted before an operation started (e.g. the caller aborted between two steps).
    if (failure === undefined && state.interrupted !== undefined && current !== undefined) {
      outcome = state.interrupted;
      const { message, code } = this.explain(plan, current, outcome, state, undefined, timeoutMs);
      failure = pipelineError(current.definition.name, message, code, undefined, undefined);
    }
    state.finish();
    const compensation =
      failure !== undefined && state.done !== undefined
        ? await this.compensateAll(plan, state.done, runId)
        : undefined;
    // Cleared only once the compensations have run: a crash before then leaves it to a sweep.
    if (state.journal !== undefined) await this.journal!.end(state.journal);

    const duration =
      (interruptible || compensation !== undefined || state.journal !== undefined
        ? performance.now()
        : clock) - started;
    if (durations !== undefined) metrics = collectMetrics(steps, durations);
    const result: PipelineResult<Ctx> =
      failure === undefined
        ? { success: true, runId, data: context, duration, metrics, errors }
        : { success: false, runId, error: failure, duration, metrics, errors };
    if (attempts !== undefined)
      (result as { attempts?: Record<string, number> }).attempts = attempts;
    if (compensation !== undefined) {
      (result as { compensation?: Record<string, CompensationOutcome> }).compensation =
        compensation;
    }
    if (this.observed) this.notifyRunEnd(plan, outcome, result);
    return result;
  }

  /**
   * Tries a step under its retry policy. The caller still races the returned promise against
   * timeouts and aborts; this loop stops by itself once the step is no longer current.
   */
  private async retrying(
    plan: PipelinePlan,
    step: PlanStep,
    context: object,
    state: RunState,
  ): Promise<unknown> {
    const op = step.definition;
    const policy = op.retry as RetryPolicy;
    const generation = state.generation;
    const ownBudget = op.timeoutMs !== undefined;
    for (let attempt = 1; ; attempt++) {
      state.attempts = attempt;
      try {
        const run = new OperationRunHandle(
          plan.definition.name,
          op.name,
          state,
          ownBudget,
          attempt,
        );
        const out = step.fn.call(plan.instance, context, run);
        return isThenable(out) ? await out : out;
      } catch (error) {
        if (!state.isCurrent(generation)) throw INTERRUPTED;
        if (attempt >= policy.attempts || !isRetryable(error, policy)) throw error;
        const delay = retryDelay(policy, attempt);
        // No retry that could not start before the deadline.
        if (performance.now() + delay >= Math.min(state.deadlineAt, state.operationDeadlineAt)) {
          throw error;
        }
        if (this.observed) this.notifyRetry(plan, step, attempt, delay, error, state.runId);
        await state.pause(delay);
        if (!state.isCurrent(generation)) throw INTERRUPTED;
      }
    }
  }

  /**
   * Records `step` for crash recovery before it starts; the error that ends the run when the
   * store cannot record it. Not raced against the run's deadline: a store call bounds itself.
   */
  private async recordBefore(
    plan: PipelinePlan,
    step: PlanStep,
    context: object,
    state: RunState,
  ): Promise<PipelineError | undefined> {
    const pipeline = plan.definition.name;
    const journal = (state.journal ??= new RunJournal(pipeline, state.runId));
    try {
      await this.journal!.before(journal, step.definition.name, context);
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
      const report = await compensate(plan, entries[i], runId, true);
      reports.push(report);
      if (this.observed) this.notifyRecoveryEnd(plan, report, runId);
    }
    return reports;
  }

  /** Undoes the succeeded steps, last first; a failing undo is recorded and the rest still run. */
  private async compensateAll(
    plan: PipelinePlan,
    done: readonly Compensable[],
    runId: string,
  ): Promise<Record<string, CompensationOutcome>> {
    const outcomes: Record<string, CompensationOutcome> = {};
    for (let i = done.length - 1; i >= 0; i--) {
      const report = await compensate(plan, done[i], runId);
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
      if (this.observed) this.notifyCompensationEnd(plan, report, runId);
    }
    return outcomes;
  }

  /** Awaits an operation's promise unless the run or the operation is interrupted first. */
  private wait(promise: PromiseLike<unknown>, state: RunState): Promise<unknown> {
    if (state.interrupted !== undefined || state.operationTimedOut)
      return Promise.reject(INTERRUPTED);
    return new Promise((resolve, reject) => {
      state.rejectWait = reject;
      promise.then(resolve, reject);
    });
  }

  private explain(
    plan: PipelinePlan,
    step: PlanStep,
    outcome: OperationOutcome,
    state: RunState,
    thrown: unknown,
    runTimeoutMs: number | undefined,
  ): { message: string; code: string; details?: unknown } {
    const name = step.definition.name;
    if (state.interrupted === 'timeout') {
      return {
        message: messages.runTimedOut(plan.definition.name, runTimeoutMs as number, name),
        code: 'TIMEOUT',
      };
    }
    if (state.interrupted === 'aborted')
      return { message: messages.runAborted(name), code: 'ABORTED' };
    if (outcome === 'timeout') {
      return {
        message: messages.operationTimedOut(name, step.definition.timeoutMs as number),
        code: 'TIMEOUT',
      };
    }
    return describeThrown(thrown);
  }

  private notifyRunStart(plan: PipelinePlan, runId: string): void {
    for (const observer of this.observers) {
      try {
        observer.onRunStart?.(plan.definition, runId);
      } catch (error) {
        this.observerFailed('onRunStart', observer, error);
      }
    }
  }

  private notifyOperationEnd(
    plan: PipelinePlan,
    step: PlanStep,
    outcome: OperationOutcome,
    took: number,
    error: unknown,
    runId: string,
  ): void {
    for (const observer of this.observers) {
      try {
        observer.onOperationEnd?.(plan.definition, step.definition, outcome, took, error, runId);
      } catch (failure) {
        this.observerFailed('onOperationEnd', observer, failure);
      }
    }
  }

  private notifyRetry(
    plan: PipelinePlan,
    step: PlanStep,
    attempt: number,
    delayMs: number,
    error: unknown,
    runId: string,
  ): void {
    for (const observer of this.observers) {
      try {
        observer.onOperationRetry?.(
          plan.definition,
          step.definition,
          attempt,
          delayMs,
          error,
          runId,
        );
      } catch (failure) {
        this.observerFailed('onOperationRetry', observer, failure);
      }
    }
  }

  private notifyCompensationEnd(
    plan: PipelinePlan,
    report: CompensationReport,
    runId: string,
  ): void {
    for (const observer of this.observers) {
      try {
        observer.onCompensationEnd?.(
          plan.definition,
          report.entry.step.definition,
          report.outcome,
          report.durationMs,
          report.error,
          runId,
        );
      } catch (error) {
        this.observerFailed('onCompensationEnd', observer, error);
      }
    }
  }

  private notifyRecoveryEnd(plan: PipelinePlan, report: CompensationReport, runId: string): void {
    for (const observer of this.observers) {
      try {
        observer.onRecoveryEnd?.(
          plan.definition,
          report.entry.step.definition,
          report.outcome,
          report.durationMs,
          report.error,
          runId,
        );
      } catch (error) {
        this.observerFailed('onRecoveryEnd', observer, error);
      }
    }
  }

  private notifyRunEnd(
    plan: PipelinePlan,
    outcome: OperationOutcome,
    result: PipelineResult<unknown>,
  ): void {
    for (const observer of this.observers) {
      try {
        observer.onRunEnd?.(plan.definition, outcome, result);
      } catch (error) {
        this.observerFailed('onRunEnd', observer, error);
      }
    }
  }

  private observerFailed(hook: string, observer: OrchestratorObserver, error: unknown): void {
    this.logger.error(
      messages.observerFailed(hook, observer.constructor.name),
      error instanceof Error ? error.stack : String(error),
    );
  }
}
