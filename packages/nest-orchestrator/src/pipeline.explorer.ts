import { Inject, Injectable, Logger, OnModuleInit, Type } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';
import { FailureLoggerObserver } from './failure-logger.observer.js';
import { ORCHESTRATOR_OPTIONS } from './orchestrator.module-definition.js';
import { OrchestratorConfigurationError } from './orchestrator.errors.js';
import { messages } from './orchestrator.messages.js';
import type { OrchestratorObserver } from './interfaces/orchestrator-observer.interface.js';
import type { OrchestratorModuleOptions } from './interfaces/orchestrator-options.interface.js';
import { buildPlan, findOperations, sharedCompensations } from './pipeline-plan.builder.js';
import { PipelineMetadataAccessor } from './pipeline-metadata.accessor.js';
import { PipelineRegistry } from './pipeline.registry.js';
import { PipelineRunner } from './pipeline.runner.js';

/**
 * Finds @Pipeline providers and @PipelineObserver providers once at boot, validates them and
 * fills the registry. Any mistake stops the app with a message naming `Class@method`.
 */
@Injectable()
export class PipelineExplorer implements OnModuleInit {
  private readonly logger = new Logger('Orchestrator');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly accessor: PipelineMetadataAccessor,
    private readonly registry: PipelineRegistry,
    private readonly runner: PipelineRunner,
    @Inject(ORCHESTRATOR_OPTIONS) private readonly options: OrchestratorModuleOptions,
  ) {}

  /** Options were checked once by the settings provider (orchestrator.settings.ts). */
  onModuleInit(): void {
    const observers: OrchestratorObserver[] = [];
    if (this.options.logFailures !== false) observers.push(new FailureLoggerObserver());
    observers.push(...(this.options.observers ?? []));

    const seen = new Set<object>();
    const wrappers = [...this.discovery.getProviders(), ...this.discovery.getControllers()];
    for (const wrapper of wrappers) {
      const target = this.classOf(wrapper);
      if (target === undefined) continue;
      const instance = wrapper.instance as object | undefined;
      if (instance !== undefined && seen.has(instance)) continue;

      if (this.accessor.isObserver(target) && instance !== undefined) {
        seen.add(instance);
        observers.push(instance as OrchestratorObserver);
      }
      const pipeline = this.accessor.getPipelineMetadata(target);
      if (pipeline === undefined) {
        this.refuseStrayOperations(target);
        continue;
      }
      if (!wrapper.isDependencyTreeStatic() || wrapper.isTransient || instance === undefined) {
        throw new OrchestratorConfigurationError(messages.notStatic(target.name));
      }
      seen.add(instance);
      const plan = buildPlan(target, instance, pipeline, this.accessor, this.options, this.scanner);
      for (const [method, first, second] of sharedCompensations(plan)) {
        this.logger.warn(messages.sharedCompensation(target.name, method, first, second));
      }
      this.registry.add(plan);
    }
    this.runner.observe(observers);
  }

  /** The class behind a provider; factories and plain values count only through their instance. */
  private classOf(wrapper: InstanceWrapper): Type<unknown> | undefined {
    const instance = wrapper.instance as object | null | undefined;
    if (instance !== null && typeof instance === 'object')
      return instance.constructor as Type<unknown>;
    if (!wrapper.inject && typeof wrapper.metatype === 'function')
      return wrapper.metatype as Type<unknown>;
    return undefined;
  }

  private refuseStrayOperations(target: Type<unknown>): void {
    const prototype = target.prototype as object | undefined;
    if (prototype === undefined || prototype === Object.prototype) return;
    const [stray] = findOperations(prototype, this.accessor, this.scanner);
    if (stray !== undefined) {
      throw new OrchestratorConfigurationError(
        messages.operationOutsidePipeline(target.name, stray.method),
      );
    }
  }
}
