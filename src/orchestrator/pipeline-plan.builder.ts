import type { Type } from '@nestjs/common';
import { MetadataScanner } from '@nestjs/core';
import { OrchestratorConfigurationError } from './orchestrator.errors.js';
import { messages } from './orchestrator.messages.js';
import type {
  OperationDefinition,
  PipelineDefinition,
} from './interfaces/pipeline-definition.interface.js';
import type { OrchestratorModuleOptions } from './interfaces/orchestrator-options.interface.js';
import type {
  OperationMetadata,
  PipelineMetadata,
} from './interfaces/pipeline-options.interface.js';
import type { PipelineMetadataAccessor } from './pipeline-metadata.accessor.js';
import type { OperationFn, PipelinePlan, PlanStep } from './pipeline-plan.js';

type Defaults = Pick<
  OrchestratorModuleOptions,
  'defaultPipelineTimeoutMs' | 'defaultOperationTimeoutMs'
>;

interface FoundOperation {
  readonly method: string;
  readonly fn: OperationFn;
  readonly metadata: OperationMetadata;
}

export function checkTimeout(where: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new OrchestratorConfigurationError(messages.invalidTimeout(where, value));
  }
  return value;
}

/** Methods of `prototype` (own and inherited) carrying @Operation, in declaration order. */
export function findOperations(
  prototype: object,
  accessor: PipelineMetadataAccessor,
  scanner: MetadataScanner = new MetadataScanner(),
): FoundOperation[] {
  const found: FoundOperation[] = [];
  for (const method of scanner.getAllMethodNames(prototype)) {
    const fn = (prototype as Record<string, OperationFn>)[method];
    const metadata = accessor.getOperationMetadata(fn);
    if (metadata !== undefined) found.push({ method, fn, metadata });
  }
  return found.sort((a, b) => a.metadata.sequence - b.metadata.sequence);
}

/** Turns a decorated class and its instance into a validated, ready-to-run plan. */
export function buildPlan(
  target: Type<unknown>,
  instance: object,
  pipeline: PipelineMetadata,
  accessor: PipelineMetadataAccessor,
  defaults: Defaults = {},
  scanner?: MetadataScanner,
): PipelinePlan {
  const className = target.name;
  const found = findOperations(target.prototype as object, accessor, scanner);
  if (found.length === 0)
    throw new OrchestratorConfigurationError(messages.noOperations(className));

  const methodByName = new Map<string, string>();
  const operations: OperationDefinition[] = [];
  const steps: PlanStep[] = [];
  for (const { method, fn, metadata } of found) {
    const name = metadata.name ?? method;
    const previous = methodByName.get(name);
    if (previous !== undefined) {
      throw new OrchestratorConfigurationError(
        messages.duplicateOperation(className, name, previous, method),
      );
    }
    methodByName.set(name, method);
    const label = `${className}@${method}`;
    const definition: OperationDefinition = Object.freeze({
      name,
      method,
      critical: metadata.critical,
      timeoutMs: checkTimeout(label, metadata.timeoutMs ?? defaults.defaultOperationTimeoutMs),
      order: operations.length,
    });
    operations.push(definition);
    steps.push({ definition, fn, label });
  }

  const definition: PipelineDefinition = Object.freeze({
    name: pipeline.name ?? className,
    target,
    description: pipeline.description,
    timeoutMs: checkTimeout(className, pipeline.timeoutMs ?? defaults.defaultPipelineTimeoutMs),
    operations: Object.freeze(operations),
  });
  return { definition, instance, steps };
}
