import { ModulesContainer, NestFactory, Reflector } from '@nestjs/core';
import type { Type } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PipelineDefinition } from '../interfaces/pipeline-definition.interface.js';
import type { OrchestratorModuleOptions } from '../interfaces/orchestrator-options.interface.js';
import { ORCHESTRATOR_OPTIONS } from '../orchestrator.module-definition.js';
import { buildPlan } from '../pipeline-plan.builder.js';
import { PipelineMetadataAccessor } from '../pipeline-metadata.accessor.js';
import { cliMessages } from './cli.messages.js';

/** The exported class a compiled module file holds: `exportName`, else `AppModule`, else the only one. */
async function importRootModule(file: string, exportName?: string): Promise<Type<unknown>> {
  const path = resolve(file);
  if (!existsSync(path)) throw new Error(cliMessages.moduleMissing(path));
  const exports = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  const classes = Object.entries(exports).filter(([, value]) => typeof value === 'function');
  const wanted = exportName ?? 'AppModule';
  const found =
    classes.find(([name]) => name === wanted) ?? (classes.length === 1 ? classes[0] : undefined);
  if (found === undefined) {
    throw new Error(
      cliMessages.noModuleExport(
        path,
        wanted,
        classes.map(([name]) => name),
      ),
    );
  }
  return found[1] as Type<unknown>;
}

/**
 * The app's pipelines as the registry would list them, read from the compiled root module in
 * Nest's preview mode: modules are scanned, no provider is instantiated, so no database or other
 * service is needed. Options given to `OrchestratorModule.forRoot()` apply; those of a
 * `forRootAsync()` factory cannot be known without running it, so module defaults are left out.
 */
export async function loadPipelines(
  file: string,
  exportName?: string,
): Promise<readonly PipelineDefinition[]> {
  const root = await importRootModule(file, exportName);
  const app = await NestFactory.createApplicationContext(root, {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    let options: OrchestratorModuleOptions = {};
    const accessor = new PipelineMetadataAccessor(new Reflector());
    const targets = new Set<Type<unknown>>();
    for (const module of app.get(ModulesContainer).values()) {
      const configured: unknown = module.providers.get(ORCHESTRATOR_OPTIONS)?.instance;
      if (typeof configured === 'object' && configured !== null) {
        options = configured as OrchestratorModuleOptions;
      }
      for (const wrapper of [...module.providers.values(), ...module.controllers.values()]) {
        const target = wrapper.metatype as Type<unknown> | null;
        if (wrapper.inject || typeof target !== 'function') continue;
        if (accessor.getPipelineMetadata(target) !== undefined) targets.add(target);
      }
    }
    // Planned without an instance: only the definitions are read, no operation can run.
    return [...targets].map((target) => {
      const metadata = accessor.getPipelineMetadata(target)!;
      const detached = Object.create(target.prototype as object) as object;
      return buildPlan(target, detached, metadata, accessor, options).definition;
    });
  } finally {
    await app.close();
  }
}
