import type { Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { OrchestratorConfigurationError } from '../orchestrator.errors.js';
import { messages } from '../orchestrator.messages.js';
import type { RunOptions } from '../interfaces/operation-run.interface.js';
import type { PipelineResult } from '../interfaces/pipeline-result.interface.js';
import { buildPlan } from '../pipeline-plan.builder.js';
import { PipelineMetadataAccessor } from '../pipeline-metadata.accessor.js';
import { PipelineRunner } from '../pipeline.runner.js';

/**
 * Runs one operation of a pipeline instance on `context`, with the same rules as a real run
 * (merge of the returned partial, timeouts, error codes), and nothing else of the pipeline.
 */
export function runOperation<Ctx extends object>(
  pipeline: object,
  operation: string,
  context: Ctx,
  options?: RunOptions,
): Promise<PipelineResult<Ctx>> {
  const target = pipeline.constructor as Type<unknown>;
  const accessor = new PipelineMetadataAccessor(new Reflector());
  const full = buildPlan(
    target,
    pipeline,
    accessor.getPipelineMetadata(target) ?? {
      name: undefined,
      timeoutMs: undefined,
      description: undefined,
    },
    accessor,
  );
  const step = full.steps.find((candidate) => candidate.definition.name === operation);
  if (step === undefined) {
    return Promise.reject(
      new OrchestratorConfigurationError(messages.unknownOperation(target.name, operation)),
    );
  }
  // One step on its own, whatever it comes after in the pipeline.
  const plan = {
    ...full,
    definition: { ...full.definition, operations: [step.definition] },
    steps: [{ ...step, after: [], dependents: [] }],
    sequential: true,
  };
  return new PipelineRunner().run(plan, context, options);
}
