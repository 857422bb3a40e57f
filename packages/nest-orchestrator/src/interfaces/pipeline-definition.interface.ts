import type { Type } from '@nestjs/common';
import type { RetryOptions } from './pipeline-options.interface.js';

/** A retry policy with every default filled in. */
export type RetryPolicy = Readonly<Required<Omit<RetryOptions, 'retryOn'>>> &
  Pick<RetryOptions, 'retryOn'>;

/** One operation of a pipeline, as the registry holds it. Built once at boot; never mutated. */
export interface OperationDefinition {
  /** Name in results, metrics and dashboards (defaults to the method name). */
  readonly name: string;
  /** Method of the pipeline class that implements it. */
  readonly method: string;
  /** A failing critical operation stops the run; a non-critical one is recorded and skipped. */
  readonly critical: boolean;
  /** Own time budget in ms, if any (module default applied). */
  readonly timeoutMs: number | undefined;
  /** Position in the pipeline, from 0. */
  readonly order: number;
  /** Retry policy (module default applied), if any. */
  readonly retry: RetryPolicy | undefined;
  /** Method that undoes this operation, if any. */
  readonly compensate: string | undefined;
  /** Budget of the compensation in ms (set when `compensate` is). */
  readonly compensationTimeoutMs: number | undefined;
  /**
   * Operations this one starts after, resolved: `[]` for the first one or one declared with
   * `after: []`, `['<previous>']` for one in a plain sequence.
   */
  readonly after: readonly string[];
}

/** A discovered pipeline: what metrics, dashboards, docs and schematics read. */
export interface PipelineDefinition {
  readonly name: string;
  readonly target: Type<unknown>;
  readonly description: string | undefined;
  /** Budget for the whole run in ms, if any (module default applied). */
  readonly timeoutMs: number | undefined;
  readonly operations: readonly OperationDefinition[];
}
