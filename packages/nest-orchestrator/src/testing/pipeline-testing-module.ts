import type { Provider, Type } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import type { RunOptions } from '../interfaces/operation-run.interface.js';
import type { OrchestratorModuleOptions } from '../interfaces/orchestrator-options.interface.js';
import type { PipelineResult } from '../interfaces/pipeline-result.interface.js';
import { Orchestrator, type ContextOf } from '../orchestrator.js';
import { OrchestratorModule } from '../orchestrator.module.js';

export interface PipelineTestingOptions {
  /** The pipeline's dependencies, usually fakes: `{ provide: OrdersRepository, useValue: fake }`. */
  providers?: Provider[];
  /** Orchestrator options; failure logging is off unless asked for. */
  orchestrator?: OrchestratorModuleOptions;
}

export interface PipelineTestingApp<P, C extends object> {
  readonly module: TestingModule;
  readonly orchestrator: Orchestrator;
  /** The pipeline instance, with its dependencies injected. */
  readonly pipeline: P;
  run(input: C, options?: RunOptions): Promise<PipelineResult<C>>;
  close(): Promise<void>;
}

/** Boots a real Nest module holding one pipeline and the providers you give it. */
export async function createPipelineTestingModule<P, C extends object = ContextOf<P> & object>(
  pipeline: Type<P>,
  options: PipelineTestingOptions = {},
): Promise<PipelineTestingApp<P, C>> {
  const module = await Test.createTestingModule({
    imports: [OrchestratorModule.forRoot({ logFailures: false, ...options.orchestrator })],
    providers: [pipeline, ...(options.providers ?? [])],
  }).compile();
  await module.init();
  const orchestrator = module.get(Orchestrator);
  return {
    module,
    orchestrator,
    pipeline: module.get(pipeline),
    run: (input, runOptions) => orchestrator.run<P, C>(pipeline, input, runOptions),
    close: () => module.close(),
  };
}
