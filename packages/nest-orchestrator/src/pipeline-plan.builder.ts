import type { Type } from '@nestjs/common';
import { MetadataScanner } from '@nestjs/core';
import { OrchestratorConfigurationError } from './orchestrator.errors.js';
import { messages } from './orchestrator.messages.js';
import type {
  OperationDefinition,
  PipelineDefinition,
  RetryPolicy,
} from './interfaces/pipeline-definition.interface.js';
import type { OrchestratorModuleOptions } from './interfaces/orchestrator-options.interface.js';
import type {
  OperationMetadata,
  PipelineMetadata,
  RetryOptions,
} from './interfaces/pipeline-options.interface.js';
import type { PipelineMetadataAccessor } from './pipeline-metadata.accessor.js';
import type { OperationFn, PipelinePlan, PlanStep } from './pipeline-plan.js';

type Defaults = Pick<
  OrchestratorModuleOptions,
  'defaultPipelineTimeoutMs' | 'defaultOperationTimeoutMs' | 'defaultRetry'
>;

const DEFAULT_COMPENSATION_TIMEOUT_MS = 5000;

interface FoundOperation {
  readonly method: string;
  readonly fn: OperationFn;
  readonly metadata: OperationMetadata;
}

export function checkTimeout(
  where: string,
  value: number | undefined,
  falseAllowed = false,
): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new OrchestratorConfigurationError(messages.invalidTimeout(where, value, falseAllowed));
  }
  return value;
}

/** A declared budget, else the module's default; `false` declares none, whatever the default. */
function budgetOf(
  where: string,
  declared: number | false | undefined,
  fallback: number | undefined,
): number | undefined {
  if (declared === false) return undefined;
  return declared === undefined
    ? checkTimeout(where, fallback)
    : checkTimeout(where, declared, true);
}

/** Fills a retry policy's defaults and refuses impossible values at boot. */
export function toRetryPolicy(
  label: string,
  options: RetryOptions | false | undefined,
): RetryPolicy | undefined {
  if (options === undefined || options === false) return undefined;
  const policy: RetryPolicy = {
    attempts: options.attempts,
    backoff: options.backoff ?? 'exponential',
    delayMs: options.delayMs ?? 50,
    maxDelayMs: options.maxDelayMs ?? 2000,
    jitter: options.jitter ?? true,
    retryOn: options.retryOn,
  };
  if (!Number.isInteger(policy.attempts) || policy.attempts < 1) {
    throw new OrchestratorConfigurationError(
      messages.invalidRetry(label, 'attempts', policy.attempts),
    );
  }
  for (const field of ['delayMs', 'maxDelayMs'] as const) {
    if (!Number.isFinite(policy[field]) || policy[field] < 0) {
      throw new OrchestratorConfigurationError(messages.invalidRetry(label, field, policy[field]));
    }
  }
  // One attempt means no retry: keep the policy-free fast path.
  return policy.attempts > 1 ? Object.freeze(policy) : undefined;
}

function findCompensation(
  prototype: Record<string, unknown>,
  accessor: PipelineMetadataAccessor,
  className: string,
  label: string,
  method: string | undefined,
): OperationFn | undefined {
  if (method === undefined) return undefined;
  const fn = prototype[method];
  if (typeof fn !== 'function' || method === 'constructor') {
    throw new OrchestratorConfigurationError(
      messages.missingCompensation(label, method, className),
    );
  }
  if (accessor.getOperationMetadata(fn as OperationFn) !== undefined) {
    throw new OrchestratorConfigurationError(messages.compensationIsOperation(label, method));
  }
  return fn as OperationFn;
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
  const parts: Omit<PlanStep, 'dependents' | 'plain'>[] = [];
  const names = found.map(({ method, metadata }) => metadata.name ?? method);
  for (const [index, { method, fn, metadata }] of found.entries()) {
    const name = metadata.name ?? method;
    const previous = methodByName.get(name);
    if (previous !== undefined) {
      throw new OrchestratorConfigurationError(
        messages.duplicateOperation(className, name, previous, method),
      );
    }
    methodByName.set(name, method);
    const label = `${className}@${method}`;
    const after = resolveAfter(label, metadata.after, names, index);
    const timeoutMs = budgetOf(label, metadata.timeoutMs, defaults.defaultOperationTimeoutMs);
    const compensation = findCompensation(
      target.prototype as Record<string, unknown>,
      accessor,
      className,
      label,
      metadata.compensate,
    );
    const definition: OperationDefinition = Object.freeze({
      name,
      method,
      critical: metadata.critical,
      timeoutMs,
      order: operations.length,
      after,
      retry: toRetryPolicy(label, metadata.retry ?? defaults.defaultRetry),
      compensate: metadata.compensate,
      compensationTimeoutMs:
        compensation === undefined
          ? undefined
          : checkTimeout(
              `${label} compensation`,
              metadata.compensationTimeoutMs ?? timeoutMs ?? DEFAULT_COMPENSATION_TIMEOUT_MS,
            ),
    });
    operations.push(definition);
    parts.push({ definition, fn, label, compensation, after: after.map((n) => names.indexOf(n)) });
  }

  // Every step written by one literal with every field, not a spread of a partial one: spread
  // copies came out with maps of their own, and the runner's loads of `step.fn`, `step.plain`
  // and the like went megamorphic once a few pipelines had run (a V8 IC log showed it).
  const planSteps: PlanStep[] = parts.map(({ definition, fn, label, compensation, after }, i) => ({
    definition,
    fn,
    label,
    compensation,
    after,
    dependents: parts.flatMap((other, j) => (other.after.includes(i) ? [j] : [])),
    plain:
      definition.timeoutMs === undefined &&
      definition.retry === undefined &&
      compensation === undefined,
  }));
  const sequential = planSteps.every((step, i) =>
    i === 0 ? step.after.length === 0 : step.after.length === 1 && step.after[0] === i - 1,
  );
  const definition: PipelineDefinition = Object.freeze({
    name: pipeline.name ?? className,
    target,
    description: pipeline.description,
    timeoutMs: budgetOf(className, pipeline.timeoutMs, defaults.defaultPipelineTimeoutMs),
    operations: Object.freeze(operations),
  });
  return { definition, instance, steps: planSteps, sequential };
}

/**
 * An operation's `after`, resolved and checked: the previous operation when it declares none,
 * otherwise names of operations declared before it (duplicates dropped).
 */
function resolveAfter(
  label: string,
  after: readonly string[] | undefined,
  names: readonly string[],
  index: number,
): readonly string[] {
  if (after === undefined) return Object.freeze(index === 0 ? [] : [names[index - 1]]);
  if (!Array.isArray(after) || after.some((name) => typeof name !== 'string')) {
    throw new OrchestratorConfigurationError(messages.invalidAfter(label, JSON.stringify(after)));
  }
  for (const name of after) {
    const position = names.indexOf(name);
    if (position === index) throw new OrchestratorConfigurationError(messages.selfAfter(label));
    if (position > index) {
      throw new OrchestratorConfigurationError(messages.laterAfter(label, name));
    }
    if (position < 0) {
      throw new OrchestratorConfigurationError(
        messages.unknownAfter(label, name, names.slice(0, index)),
      );
    }
  }
  return Object.freeze([...new Set(after)]);
}

/**
 * Pairs of operations that can run side by side (neither comes after the other, directly or
 * not) yet undo with the same method: worth a warning at boot, not an error.
 */
export function sharedCompensations(plan: PipelinePlan): [string, string, string][] {
  const steps = plan.steps;
  const before = steps.map(() => new Set<number>());
  steps.forEach((step, i) => {
    for (const j of step.after) {
      before[i].add(j);
      for (const k of before[j]) before[i].add(k);
    }
  });
  const pairs: [string, string, string][] = [];
  for (let i = 0; i < steps.length; i++) {
    for (let j = i + 1; j < steps.length; j++) {
      const method = steps[i].definition.compensate;
      if (method === undefined || method !== steps[j].definition.compensate) continue;
      if (before[j].has(i)) continue;
      pairs.push([method, steps[i].definition.name, steps[j].definition.name]);
    }
  }
  return pairs;
}
