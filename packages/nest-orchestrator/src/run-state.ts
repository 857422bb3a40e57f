import { messages } from './orchestrator.messages.js';
import { RunJournal } from './compensation-journal.js';
import type { PlanStep } from './pipeline-plan.js';
import { OperationState } from './operation-state.js';

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
 * has a deadline, a caller signal, or an operation asks for `run.signal`. What belongs to one
 * operation lives in its `OperationState`.
 */
export class RunState {
  /** Why the run was cut short from outside (its deadline, the caller's signal), if it was. */
  interrupted: Interruption | undefined;
  /**
   * Nothing new may start: interrupted, or a critical failure while operations ran side by side
   * (`halt`), whose siblings are then aborted.
   */
  stopped = false;
  /** `performance.now()` value at which the run's budget ends. */
  deadlineAt = Infinity;
  /** Steps to undo if the run fails, in the order they finished. */
  done: Compensable[] | undefined;
  /** What the run recorded for crash recovery; created before its first compensable operation. */
  private journalled: RunJournal | undefined;
  private runController: AbortController | undefined;
  private runTimer: ReturnType<typeof setTimeout> | undefined;
  private haltReason: unknown;
  /** The one operation of a sequence at a time; operations side by side open their own. */
  private sequenceSlot: OperationState | undefined;
  /** Operations running side by side; created by the first one (sequences never need it). */
  private open: Set<OperationState> | undefined;

  /** Journal writes of operations side by side, one after another. */
  private recording: Promise<unknown> | undefined;

  constructor(
    readonly runId: string,
    readonly callerSignal: AbortSignal | undefined,
    /** `performance.now()` when the run started: operations' start offsets count from it. */
    readonly startedAt: number,
    timeoutMs: number | undefined,
    /** The run's tracing scope (`RunInstrumentation.runStarted`); undefined when untraced. */
    readonly trace: unknown = undefined,
  ) {
    const started = startedAt;
    if (timeoutMs !== undefined) {
      this.deadlineAt = started + timeoutMs;
      this.runTimer = setTimeout(onRunTimeout, timeoutMs, this);
    }
    if (callerSignal !== undefined) {
      if (callerSignal.aborted) this.interrupt('aborted');
      else callerSignal.addEventListener('abort', this, { once: true });
    }
  }

  /** The slot a sequence reuses for each of its operations. */
  get sequence(): OperationState {
    return (this.sequenceSlot ??= new OperationState(this));
  }

  /** A slot for one operation running beside others; `closeOperation` when it has settled. */
  openOperation(): OperationState {
    const state = new OperationState(this);
    (this.open ??= new Set()).add(state);
    return state;
  }

  closeOperation(state: OperationState): void {
    state.end();
    this.open?.delete(state);
  }

  /** The caller's signal fired. */
  handleEvent(): void {
    this.interrupt('aborted');
  }

  get runSignal(): AbortSignal {
    if (this.runController === undefined) {
      this.runController = new AbortController();
      if (this.stopped) this.runController.abort(this.reason());
    }
    return this.runController.signal;
  }

  interrupt(kind: Interruption): void {
    if (this.interrupted !== undefined) return;
    this.interrupted = kind;
    this.stopAll();
  }

  /** A critical operation failed while others ran: abort them, start nothing new. */
  halt(operation: string): void {
    if (this.stopped) return;
    this.haltReason = new DOMException(messages.siblingFailed(operation), 'AbortError');
    this.stopAll();
  }

  /** The run's crash-recovery record, created by its first compensable operation. */
  journalOf(pipeline: string): RunJournal {
    return (this.journalled ??= new RunJournal(pipeline, this.runId));
  }

  /** The record, if the run made one (then it must be cleared when the run ends). */
  get journal(): RunJournal | undefined {
    return this.journalled;
  }

  /** Marks a succeeded compensable step, with the context right after it, for undoing. */
  remember(step: PlanStep, context: object): void {
    (this.done ??= []).push({ step, context: { ...context } });
  }

  /** Runs `write` after the run's previous journal write has settled, whatever its outcome. */
  serialize<T>(write: () => Promise<T>): Promise<T> {
    const next = this.recording === undefined ? write() : this.recording.then(write, write);
    this.recording = next.catch(() => undefined);
    return next;
  }

  reason(): unknown {
    if (this.interrupted === 'timeout')
      return new DOMException('Pipeline timed out', 'TimeoutError');
    if (this.interrupted === undefined && this.haltReason !== undefined) return this.haltReason;
    return this.callerSignal?.reason ?? new DOMException('Run aborted', 'AbortError');
  }

  finish(): void {
    if (this.runTimer !== undefined) clearTimeout(this.runTimer);
    // The sequence's slot needs no clean-up: an operation with a timer or a retry ends its own.
    this.callerSignal?.removeEventListener('abort', this);
    // Work an operation started with `run.signal` must not outlive the run.
    if (this.runController !== undefined && !this.runController.signal.aborted) {
      this.runController.abort(new DOMException(messages.runFinished, 'AbortError'));
    }
  }

  private stopAll(): void {
    this.stopped = true;
    const reason = this.reason();
    this.runController?.abort(reason);
    this.sequenceSlot?.interrupt(reason);
    if (this.open !== undefined) for (const state of this.open) state.interrupt(reason);
  }
}

function onRunTimeout(state: RunState): void {
  state.interrupt('timeout');
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}
