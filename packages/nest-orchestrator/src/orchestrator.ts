import { Injectable, Type } from '@nestjs/common';
import { IdempotentRunner, type KeyedRunOptions } from './idempotent-run.js';
import type { RunOptions } from './interfaces/operation-run.interface.js';
import type { PipelineResult } from './interfaces/pipeline-result.interface.js';
import { checkTimeout } from './pipeline-plan.builder.js';
import { PipelineRegistry } from './pipeline.registry.js';
import { PipelineRunner } from './pipeline.runner.js';

/** The context type of a pipeline class: what its operations take as first argument. */
export type ContextOf<P> = {
  [K in keyof P]: P[K] extends (context: infer C, ...rest: never[]) => unknown ? C : never;
}[keyof P];

/** Runs registered pipelines. Inject it wherever a request needs one. */
@Injectable()
export class Orchestrator {
  constructor(
    private readonly registry: PipelineRegistry,
    private readonly runner: PipelineRunner,
    private readonly idempotent: IdempotentRunner,
  ) {}

  /**
   * Runs `pipeline` with a shallow copy of `input` as its context. Resolves with the result even
   * when an operation fails; rejects only for programming errors (an unregistered pipeline).
   * With `idempotencyKey`, runs at most once per key (README "Idempotent runs").
   */
  run<P, C extends object = ContextOf<P> & object>(
    pipeline: Type<P>,
    // Typed from the pipeline's operations, not from whatever object is passed in.
    input: NoInfer<C>,
    options?: RunOptions,
  ): Promise<PipelineResult<C>>;
  run<C extends object>(
    pipeline: string,
    input: C,
    options?: RunOptions,
  ): Promise<PipelineResult<C>>;
  run<C extends object>(
    pipeline: string | Type<unknown>,
    input: C,
    options?: RunOptions,
  ): Promise<PipelineResult<C>> {
    try {
      const plan = this.registry.plan(pipeline);
      if (options?.timeoutMs !== undefined) checkTimeout('run() options', options.timeoutMs);
      if (options?.idempotencyKey !== undefined) {
        return this.idempotent.run(plan, input, options as KeyedRunOptions);
      }
      return this.runner.run(plan, input, options);
    } catch (error) {
      return Promise.reject(error);
    }
  }
}
