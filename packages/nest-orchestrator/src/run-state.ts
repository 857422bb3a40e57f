import { performance } from 'node:perf_hooks';
import { messages } from './orchestrator.messages.js';
import type { OperationRun } from './interfaces/operation-run.interface.js';
import type { RunJournal } from './compensation-journal.js';
import type { PlanStep } from './pipeline-plan.js';

/** Rejection value that tells an interrupted wait apart from an operation's own error. */
export const INTERRUPTED: unique symbol = Symbol('interrupted');

export type Interruption = 'timeout' | 'aborted';

/** A step that succeeded and can be undone, with the context as it was right after it. */
export interface Compensable {
  readonly step: PlanStep;
  readonly context: object;
}

/**
 * Per-run state. Lazy by design: no AbortController, timer or listener exists unless the run
 * has a deadline, a caller signal, or an operation asks for `run.signal`.
 */
export class RunState {
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
  /** Tries of the current operation; only counted when it has a retry policy. */
  attempts = 1;
  /** Steps to undo if the run fails; created on the first compensable success. */
  done: Compensable[] | undefined;
  /** What the run recorded for crash recovery; created before its first compensable operation. */
  journal: RunJournal | undefined;
  /** Bumped when an operation ends, so a retry loop left behind knows to stop. */
  generation = 0;
  retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly runId: string,
    readonly callerSignal: AbortSignal | undefined,
  ) {}

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

  isCurrent(generation: number): boolean {
    return (
      generation === this.generation && this.interrupted === undefined && !this.operationTimedOut
    );
  }

  /** The wait between tries; cleared (and so never resolved) if the operation ends first. */
  pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.retryTimer = setTimeout(resolve, ms);
    });
  }

  /** Clears what one operation set up, so the next one starts clean. */
  endOperation(): void {
    this.generation++;
    this.attempts = 1;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.operationTimer !== undefined) clearTimeout(this.operationTimer);
    this.operationTimer = undefined;
    this.operationTimedOut = false;
    this.operationController = undefined;
    this.operationDeadlineAt = Infinity;
  }

  finish(): void {
    if (this.runTimer !== undefined) clearTimeout(this.runTimer);
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.callerSignal?.removeEventListener('abort', this);
    // Work an operation started with `run.signal` must not outlive the run.
    if (this.runController !== undefined && !this.runController.signal.aborted) {
      this.runController.abort(new DOMException(messages.runFinished, 'AbortError'));
    }
  }
}

export function onRunTimeout(state: RunState): void {
  state.interrupt('timeout');
}

export function onOperationTimeout(state: RunState): void {
  state.timeOutOperation();
}

/** The `run` argument of an operation; one small object per started try. */
export class OperationRunHandle implements OperationRun {
  constructor(
    readonly pipeline: string,
    readonly operation: string,
    private readonly state: RunState,
    private readonly ownBudget: boolean,
    readonly attempt: number,
  ) {}

  get runId(): string {
    return this.state.runId;
  }

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

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}
