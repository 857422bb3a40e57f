import { performance } from 'node:perf_hooks';
import type { OperationRun } from './interfaces/operation-run.interface.js';
import { messages } from './orchestrator.messages.js';
import { DeadlineLanes, type Lane } from './deadline-lanes.js';
import { INTERRUPTED, type RunState } from './run-state.js';

/** One set of lanes per process: budgets of one length share a timer across runs. */
const deadlines = new DeadlineLanes();

/**
 * What one started operation holds: its own budget and timer, its signal, the wait the runner
 * is in, and its tries. A sequence reuses one (`RunState.sequenceSlot`); operations side by side
 * get one each. Only this class writes its fields.
 */
export class OperationState {
  /** Set when this operation's own budget ran out (the run may go on). */
  private timedOutFlag = false;
  private rejectWait: ((reason: unknown) => void) | undefined;
  private controller: AbortController | undefined;
  /** The lane watching this operation's budget while it waits. */
  private lane: Lane | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** `performance.now()` value at which this operation's own budget ends. */
  private deadlineAt = Infinity;
  /** Bumped when an operation ends, so a retry loop left behind knows to stop. */
  private generation = 0;
  /** Tries of the current operation; only counted when it has a retry policy. */
  private tries = 1;
  /** The current try's tracing scope (its span), when the run is traced. */
  private tryScope: unknown = undefined;

  constructor(readonly run: RunState) {}

  get attempts(): number {
    return this.tries;
  }

  /** A retry loop starts try number `attempt`. */
  tryNumber(attempt: number): void {
    this.tries = attempt;
  }

  get scope(): unknown {
    return this.tryScope;
  }

  /** The current try's tracing scope; `undefined` once a failed try's scope has ended. */
  enter(scope: unknown): void {
    this.tryScope = scope;
  }

  get timedOut(): boolean {
    return this.timedOutFlag;
  }

  /** Which operation this slot holds now; a retry loop compares it with `isCurrent`. */
  get current(): number {
    return this.generation;
  }

  /** Starts an operation's own budget at `t0` (its timer is armed only if it goes async). */
  begin(timeoutMs: number, t0: number): void {
    this.deadlineAt = t0 + timeoutMs;
  }

  /** The end of this operation's own budget (Infinity without one). */
  get budgetEnd(): number {
    return this.deadlineAt;
  }

  /** The end of this operation's or the run's budget, whichever comes first. */
  get deadline(): number {
    return Math.min(this.run.deadlineAt, this.deadlineAt);
  }

  /** Awaits `promise` unless the run or this operation is interrupted first. */
  wait(promise: PromiseLike<unknown>, timeoutMs: number | undefined): Promise<unknown> {
    if (this.run.stopped || this.timedOutFlag) return Promise.reject(INTERRUPTED);
    if (timeoutMs !== undefined) this.lane = deadlines.watch(this, timeoutMs);
    return new Promise((resolve, reject) => {
      this.rejectWait = reject;
      promise.then(resolve, reject);
    });
  }

  /** Stops the wait and aborts the signal: the run was interrupted or halted. */
  interrupt(reason: unknown): void {
    this.controller?.abort(reason);
    this.rejectWait?.(INTERRUPTED);
  }

  timeOut(): void {
    this.timedOutFlag = true;
    this.controller?.abort(new DOMException('Operation timed out', 'TimeoutError'));
    this.rejectWait?.(INTERRUPTED);
  }

  isCurrent(generation: number): boolean {
    return generation === this.generation && !this.run.stopped && !this.timedOutFlag;
  }

  /** The wait between tries; cleared (and so never resolved) if the operation ends first. */
  pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.retryTimer = setTimeout(resolve, ms);
    });
  }

  /** The signal of an operation with its own budget: aborted by that budget or by the run. */
  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.run.stopped) this.controller.abort(this.run.reason());
      else if (this.timedOutFlag) this.timeOut();
    }
    return this.controller.signal;
  }

  /** Ends the slot for good: a signal handed out is aborted, so no work outlives it. */
  release(): void {
    const controller = this.controller;
    this.end();
    if (controller !== undefined && !controller.signal.aborted) {
      controller.abort(new DOMException(messages.runFinished, 'AbortError'));
    }
  }

  /** Clears what one operation set up, so the next one starts clean. */
  end(): void {
    this.rejectWait = undefined;
    this.generation++;
    this.tries = 1;
    this.tryScope = undefined;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.lane !== undefined) deadlines.unwatch(this.lane);
    this.lane = undefined;
    this.timedOutFlag = false;
    this.controller = undefined;
    this.deadlineAt = Infinity;
  }
}

/**
 * The `run` argument of an operation; one small object per started try. `budget` is the
 * operation's own state when it has its own budget (its signal and deadline), else undefined.
 */
export class OperationRunHandle implements OperationRun {
  constructor(
    readonly pipeline: string,
    readonly operation: string,
    private readonly run: RunState,
    private readonly budget: OperationState | undefined,
    readonly attempt: number,
  ) {}

  get runId(): string {
    return this.run.runId;
  }

  get signal(): AbortSignal {
    return this.budget === undefined ? this.run.runSignal : this.budget.signal;
  }

  get deadline(): number | undefined {
    const at = this.budget === undefined ? this.run.deadlineAt : this.budget.deadline;
    return at === Infinity ? undefined : performance.timeOrigin + at;
  }
}
