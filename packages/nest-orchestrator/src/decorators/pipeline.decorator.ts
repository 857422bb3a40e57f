import { Injectable, SetMetadata, applyDecorators } from '@nestjs/common';
import { PIPELINE_METADATA } from '../orchestrator.constants.js';
import type {
  PipelineMetadata,
  PipelineOptions,
} from '../interfaces/pipeline-options.interface.js';

/**
 * Marks a class as a pipeline whose `@Operation()` methods run in declaration order.
 * The class is also made injectable: list it in a module's `providers`.
 */
export function Pipeline(nameOrOptions?: string | PipelineOptions): ClassDecorator {
  const options =
    typeof nameOrOptions === 'string' ? { name: nameOrOptions } : (nameOrOptions ?? {});
  const metadata: PipelineMetadata = {
    name: options.name,
    timeoutMs: options.timeoutMs,
    description: options.description,
  };
  return applyDecorators(Injectable(), SetMetadata(PIPELINE_METADATA, metadata));
}
