import { OperationError } from './orchestrator.errors.js';
import { messages } from './orchestrator.messages.js';
import type {
  CompensationOutcome,
  OperationFailure,
  OperationOutcome,
  PipelineError,
  PipelineResult,
} from './interfaces/pipeline-result.interface.js';
import type { PipelinePlan, PlanStep } from './pipeline-plan.js';
import type { RunState } from './run-state.js';

/**
 * Past 16 names, adding keys one by one (`metrics[name] = ms`) turns an object into a slow
 * dictionary, so longer plans, and operations side by side (which end in any order), collect
 * durations by position and fill a copy of a template with every name.
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

function describeThrown(error: unknown): { message: string; code: string; details?: unknown } {
  if (error instanceof OperationError) {
    return { message: error.message, code: error.code, details: error.details };
  }
  if (error instanceof Error) return { message: error.message, code: 'OPERATION_FAILED' };
  if (typeof error === 'string') return { message: error, code: 'OPERATION_FAILED' };
  return { message: messages.nonErrorThrown(error), code: 'OPERATION_FAILED' };
}

export function pipelineError(
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
 * What a run has gathered so far: its context, durations, non-critical failures, tries, and
 * the failure that ended it. One per run, filled by the runner and turned into the result.
 */
export class RunRecord<Ctx extends object> {
  failure: PipelineError | undefined;
  outcome: OperationOutcome = 'success';
  /** The last operation reached, to name in an interruption that came between two. */
  private current: PlanStep | undefined;
  readonly errors: OperationFailure[] = [];
  private metrics: Record<string, number> = {};
  private readonly durations: number[] | undefined;
  private attempts: Record<string, number> | undefined;

  constructor(
    private readonly plan: PipelinePlan,
    readonly context: Ctx,
    readonly runTimeoutMs: number | undefined,
  ) {
    const steps = plan.steps;
    this.durations = steps.length > KEYED_METRICS_LIMIT || !plan.sequential ? [] : undefined;
  }

  reach(step: PlanStep): void {
    this.current = step;
  }

  /** How long an operation that started took, and its tries when it was retried. */
  measure(step: PlanStep, index: number, took: number, attempts: number): void {
    if (this.durations === undefined) this.metrics[step.definition.name] = took;
    else this.durations[index] = took;
    if (attempts > 1) (this.attempts ??= {})[step.definition.name] = attempts;
  }

  /** Records a step that did not succeed: ends the run, or is kept in `errors` and the run goes on. */
  fail(
    step: PlanStep,
    outcome: OperationOutcome,
    state: RunState,
    thrown: unknown,
    fatal: boolean,
  ): void {
    const { message, code, details } = this.explain(step, outcome, state, thrown);
    const name = step.definition.name;
    if (fatal) {
      this.outcome = outcome;
      this.failure = pipelineError(name, message, code, details, thrown);
    } else {
      this.errors.push({ operation: name, message, code, critical: false });
    }
  }

  /** Ends the run with a failure that is not an operation's (the journal refused to record). */
  refuse(error: PipelineError): void {
    this.outcome = 'failure';
    this.failure = error;
  }

  /** An interruption that came between two operations ends the run at the next one. */
  interruptedBetween(state: RunState): void {
    if (this.failure !== undefined || state.interrupted === undefined) return;
    if (this.current === undefined) return;
    this.fail(this.current, state.interrupted, state, undefined, true);
  }

  toResult(
    runId: string,
    duration: number,
    compensation: Record<string, CompensationOutcome> | undefined,
  ): PipelineResult<Ctx> {
    const metrics = this.durations === undefined ? this.metrics : this.collect(this.durations);
    const { failure, errors } = this;
    const result: PipelineResult<Ctx> =
      failure === undefined
        ? { success: true, runId, data: this.context, duration, metrics, errors }
        : { success: false, runId, error: failure, duration, metrics, errors };
    if (this.attempts !== undefined)
      (result as { attempts?: Record<string, number> }).attempts = this.attempts;
    if (compensation !== undefined) {
      (result as { compensation?: Record<string, CompensationOutcome> }).compensation =
        compensation;
    }
    return result;
  }

  /** Durations by position into `{ name: ms }` in plan order, for operations that started. */
  private collect(durations: readonly number[]): Record<string, number> {
    const steps = this.plan.steps;
    let complete = durations.length === steps.length;
    for (let i = 0; complete && i < durations.length; i++) complete = durations[i] !== undefined;
    const metrics: Record<string, number> = complete ? { ...metricsTemplate(steps) } : {};
    for (let i = 0; i < durations.length; i++) {
      if (durations[i] !== undefined) metrics[steps[i].definition.name] = durations[i];
    }
    return metrics;
  }

  private explain(
    step: PlanStep,
    outcome: OperationOutcome,
    state: RunState,
    thrown: unknown,
  ): { message: string; code: string; details?: unknown } {
    const name = step.definition.name;
    if (state.interrupted === 'timeout') {
      return {
        message: messages.runTimedOut(this.plan.definition.name, this.runTimeoutMs as number, name),
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
}
