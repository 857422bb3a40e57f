import { Logger } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { OperationError } from './orchestrator.errors.js';
import { messages } from './orchestrator.messages.js';
import type { OperationRun, RunOptions } from './interfaces/operation-run.interface.js';
import type { OrchestratorObserver } from './interfaces/orchestrator-observer.interface.js';
import type {
  OperationFailure,
  OperationOutcome,
  PipelineError,
  PipelineResult,
} from './interfaces/pipeline-result.interface.js';
import type { PipelinePlan, PlanStep } from './pipeline-plan.js';

/** Rejection value that tells an interrupted wait apart from an operation's own error. */
const INTERRUPTED: unique symbol = Symbol('interrupted');

type Interruption = 'timeout' | 'aborted';

/**
 * Per-run state. Lazy by design: no AbortController, timer or listener exists unless the run
 * has a deadline, a caller signal, or an operation asks for `run.signal`.
 */
class RunState {
  interrupted: Interruption | undefined;
  /** Set when the current operation's own budget ran out (the run may go on). */
  operationTimedOut = false;
  /** Rejects the wait on the current async operation. */
  rejectWait: ((reason: unknown) => void) | undefined;
  runController: AbortController | undefined;
  operationController: AbortController | undefined;
  runTimer: ReturnType<typeof setTimeout> | undefined;
  operationTimer: ReturnType<typeof setTimeout> | undefined;
  /** `performance.now()` value at which the run's budget ends. */
  deadlineAt = Infinity;
  operationDeadlineAt = Infinity;

  constructor(readonly callerSignal: AbortSignal | undefined) {}

  /** The caller's signal fired. */
  handleEvent(): void {
    this.interrupt('aborted');
  }

  get runSignal(): AbortSignal {
    if (this.runController === undefined) {
      this.runController = new AbortController();
      if (this.interrupted !== undefined) this.runController.abort(this.reason());
    }
    return this.runController.signal;
  }

  interrupt(kind: Interruption): void {
    if (this.interrupted !== undefined) return;
    this.interrupted = kind;
    const reason = this.reason();
    this.runController?.abort(reason);
    this.operationController?.abort(reason);
    this.rejectWait?.(INTERRUPTED);
  }

  timeOutOperation(): void {
    this.operationTimedOut = true;
    this.operationController?.abort(new DOMException('Operation timed out', 'TimeoutError'));
    this.rejectWait?.(INTERRUPTED);
  }

  reason(): unknown {
    if (this.interrupted === 'timeout')
      return new DOMException('Pipeline timed out', 'TimeoutError');
    return this.callerSignal?.reason ?? new DOMException('Run aborted', 'AbortError');
  }

  finish(): void {
    if (this.runTimer !== undefined) clearTimeout(this.runTimer);
    this.callerSignal?.removeEventListener('abort', this);
    // Work an operation started with `run.signal` must not outlive the run.
    if (this.runController !== undefined && !this.runController.signal.aborted) {
      this.runController.abort(new DOMException(messages.runFinished, 'AbortError'));
    }
  }
}

function onRunTimeout(state: RunState): void {
  state.interrupt('timeout');
}

function onOperationTimeout(state: RunState): void {
  state.timeOutOperation();
}

/** The `run` argument of an operation; one small object per started operation. */
class OperationRunHandle implements OperationRun {
  constructor(
    readonly pipeline: string,
    readonly operation: string,
    private readonly state: RunState,
    private readonly ownBudget: boolean,
  ) {}

  get signal(): AbortSignal {
    const state = this.state;
    if (!this.ownBudget) return state.runSignal;
    if (state.operationController === undefined) {
      state.operationController = new AbortController();
      if (state.interrupted !== undefined) state.operationController.abort(state.reason());
      else if (state.operationTimedOut) state.timeOutOperation();
    }
    return state.operationController.signal;
  }

  get deadline(): number | undefined {
    const at = Math.min(this.state.deadlineAt, this.state.operationDeadlineAt);
    return at === Infinity ? undefined : performance.timeOrigin + at;
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
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

  /** Sets who hears about runs; called once at boot, so the hot path reads a fixed array. */
  observe(observers: readonly OrchestratorObserver[]): void {
    this.observers = Object.freeze([...observers]);
    this.observed = this.observers.length > 0;
  }

  async run<Ctx extends object>(
    plan: PipelinePlan,
    input: Ctx,
    options?: RunOptions,
  ): Promise<PipelineResult<Ctx>> {
    const definition = plan.definition;
    const steps = plan.steps;
    const started = performance.now();
    const context = { ...input } as Ctx;
    const metrics: Record<string, number> = {};
    const errors: OperationFailure[] = [];
    if (this.observed) this.notifyRunStart(plan);

    const signal = options?.signal;
    const timeoutMs = options?.timeoutMs ?? definition.timeoutMs;
    const state = new RunState(signal);
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

    let failure: PipelineError | undefined;
    let outcome: OperationOutcome = 'success';
    let current: PlanStep | undefined;

    for (let i = 0; i < steps.length; i++) {
      const step = (current = steps[i]);
      if (state.interrupted !== undefined) break;
      const op = step.definition;
      const ownBudget = op.timeoutMs !== undefined;
      let stepOutcome: OperationOutcome = 'success';
      let thrown: unknown;
      const t0 = performance.now();
      if (ownBudget) state.operationDeadlineAt = t0 + (op.timeoutMs as number);
      try {
        let out = step.fn.call(
          plan.instance,
          context,
          new OperationRunHandle(definition.name, op.name, state, ownBudget),
        );
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
      const t1 = performance.now();
      const took = t1 - t0;
      metrics[op.name] = took;
      if (ownBudget) {
        if (state.operationTimer !== undefined) clearTimeout(state.operationTimer);
        // A sync step cannot be stopped, but one that overran its budget still counts as timed out.
        if (
          state.operationTimedOut ||
          (stepOutcome === 'success' && took > (op.timeoutMs as number))
        ) {
          stepOutcome = 'timeout';
        }
        state.operationTimer = undefined;
        state.operationTimedOut = false;
        state.operationController = undefined;
        state.operationDeadlineAt = Infinity;
      }
      if (state.interrupted === undefined && t1 >= state.deadlineAt) state.interrupt('timeout');
      if (state.interrupted !== undefined) stepOutcome = state.interrupted;

      if (stepOutcome !== 'success') {
        if (this.observed) this.notifyOperationEnd(plan, step, stepOutcome, took, thrown);
        const { message, code, details } = this.explain(
          plan,
          step,
          stepOutcome,
          state,
          thrown,
          timeoutMs,
        );
        if (op.critical || state.interrupted !== undefined) {
          outcome = stepOutcome;
          failure = pipelineError(op.name, message, code, details, thrown);
          break;
        }
        errors.push({ operation: op.name, message, code, critical: false });
      } else if (this.observed) {
        this.notifyOperationEnd(plan, step, stepOutcome, took, undefined);
      }
    }

    // Interrupted before an operation started (e.g. the caller aborted between two steps).
    if (failure === undefined && state.interrupted !== undefined && current !== undefined) {
      outcome = state.interrupted;
      const { message, code } = this.explain(plan, current, outcome, state, undefined, timeoutMs);
      failure = pipelineError(current.definition.name, message, code, undefined, undefined);
    }
    state.finish();

    const duration = performance.now() - started;
    const result: PipelineResult<Ctx> =
      failure === undefined
        ? { success: true, data: context, duration, metrics, errors }
        : { success: false, error: failure, duration, metrics, errors };
    if (this.observed) this.notifyRunEnd(plan, outcome, result);
    return result;
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

  private notifyRunStart(plan: PipelinePlan): void {
    for (const observer of this.observers) {
      try {
        observer.onRunStart?.(plan.definition);
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
  ): void {
    for (const observer of this.observers) {
      try {
        observer.onOperationEnd?.(plan.definition, step.definition, outcome, took, error);
      } catch (failure) {
        this.observerFailed('onOperationEnd', observer, failure);
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
