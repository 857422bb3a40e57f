import { Injectable, Type } from '@nestjs/common';
import { OrchestratorConfigurationError } from './orchestrator.errors.js';
import { messages } from './orchestrator.messages.js';
import type { PipelineDefinition } from './interfaces/pipeline-definition.interface.js';
import type { PipelinePlan } from './pipeline-plan.js';

/**
 * Every discovered pipeline, filled once at boot. The single source that the runner, metrics,
 * dashboards and schematics read.
 */
@Injectable()
export class PipelineRegistry {
  private readonly byClass = new Map<Type<unknown>, PipelinePlan>();
  private readonly byName = new Map<string, PipelinePlan>();
  private definitions: readonly PipelineDefinition[] = [];

  /** All pipelines in discovery order. Empty until OrchestratorModule has initialised. */
  list(): readonly PipelineDefinition[] {
    return this.definitions;
  }

  get(pipeline: string | Type<unknown>): PipelineDefinition | undefined {
    return this.find(pipeline)?.definition;
  }

  /** @internal used by the explorer at boot. */
  add(plan: PipelinePlan): void {
    const { name, target } = plan.definition;
    const existing = this.byName.get(name);
    if (existing !== undefined) {
      throw new OrchestratorConfigurationError(
        messages.duplicatePipeline(name, existing.definition.target.name, target.name),
      );
    }
    this.byClass.set(target, plan);
    this.byName.set(name, plan);
    this.definitions = Object.freeze([...this.definitions, plan.definition]);
  }

  /** @internal the plan to run; throws for a pipeline that was never registered. */
  plan(pipeline: string | Type<unknown>): PipelinePlan {
    const plan = this.find(pipeline);
    if (plan === undefined) {
      const label =
        typeof pipeline === 'string' ? `"${pipeline}"` : (pipeline?.name ?? String(pipeline));
      throw new OrchestratorConfigurationError(messages.notRegistered(label));
    }
    return plan;
  }

  private find(pipeline: string | Type<unknown>): PipelinePlan | undefined {
    return typeof pipeline === 'string' ? this.byName.get(pipeline) : this.byClass.get(pipeline);
  }
}
