import type {
  OperationDefinition,
  PipelineDefinition,
} from './interfaces/pipeline-definition.interface.js';

export type OperationFn = (context: object, run: unknown) => unknown;

/** One step of a plan: the definition plus what the runner needs to call it without look-ups. */
export interface PlanStep {
  readonly definition: OperationDefinition;
  readonly fn: OperationFn;
  /** `Class@method`, for messages. */
  readonly label: string;
  /** The method that undoes this step, when it declares one. */
  readonly compensation: OperationFn | undefined;
  /** Positions of the steps this one starts after (its resolved `after`). */
  readonly after: readonly number[];
  /** Positions of the steps that start after this one. */
  readonly dependents: readonly number[];
  /** No budget, retry policy or compensation: a success needs only its duration recorded. */
  readonly plain: boolean;
}

/** A pipeline ready to run: built once at boot, read on every run. */
export interface PipelinePlan {
  readonly definition: PipelineDefinition;
  readonly instance: object;
  readonly steps: readonly PlanStep[];
  /** Every step starts after the one before it: the runner's plain loop, no graph bookkeeping. */
  readonly sequential: boolean;
}
