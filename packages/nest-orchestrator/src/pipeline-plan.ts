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
}

/** A pipeline ready to run: built once at boot, read on every run. */
export interface PipelinePlan {
  readonly definition: PipelineDefinition;
  readonly instance: object;
  readonly steps: readonly PlanStep[];
}
