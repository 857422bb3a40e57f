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
import { PipelineRegistry } from '../pipeline.registry.js';
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

export interface LoadOptions {
  /** The root module's export name (default `AppModule`, or the file's only class). */
  readonly exportName?: string;
  /**
   * Start the application context instead of previewing it: providers are created (databases
   * must be reachable), so options from a `forRootAsync()` factory apply too.
   */
  readonly boot?: boolean;
  /** Told what the preview could not see. */
  readonly warn?: (line: string) => void;
}

/**
 * The app's pipelines as the registry lists them. By default read from the compiled root module in
 * Nest's preview mode: modules are scanned, no provider is instantiated, so no database or other
 * service is needed. Options given to `OrchestratorModule.forRoot()` apply; those of a
 * `forRootAsync()` factory cannot be known without running it (`boot` runs it).
 */
export async function loadPipelines(
  file: string,
  options: LoadOptions = {},
): Promise<readonly PipelineDefinition[]> {
  const root = await importRootModule(file, options.exportName);
  return options.boot ? fromBootedApp(root) : fromPreview(root, options.warn);
}

async function fromBootedApp(root: Type<unknown>): Promise<readonly PipelineDefinition[]> {
  const app = await NestFactory.createApplicationContext(root, {
    logger: ['error'],
    abortOnError: false,
  });
  try {
    return app.get(PipelineRegistry, { strict: false }).list();
  } finally {
    await app.close();
  }
}

async function fromPreview(
  root: Type<unknown>,
  warn: (line: string) => void = () => undefined,
): Promise<readonly PipelineDefinition[]> {
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
      const wrapper = module.providers.get(ORCHESTRATOR_OPTIONS);
      const configured: unknown = wrapper?.instance;
      if (typeof configured === 'object' && configured !== null) {
        options = configured as OrchestratorModuleOptions;
      } else if (wrapper !== undefined) {
        warn(cliMessages.asyncOptions);
      }
      for (const provider of [...module.providers.values(), ...module.controllers.values()]) {
        const target = provider.metatype as Type<unknown> | null;
        if (provider.inject || typeof target !== 'function') continue;
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

/** What every command takes to find the app's root module. */
export interface AppModuleOptions {
  readonly module: string;
  readonly exportName?: string;
  readonly boot?: boolean;
}

/**
 * The pipelines of the app a command points at, warnings passed to `say`; an app without any is
 * an error, since every command has nothing to do then.
 */
export async function loadAppPipelines(
  options: AppModuleOptions,
  say: (line: string) => void,
): Promise<readonly PipelineDefinition[]> {
  const pipelines = await loadPipelines(options.module, {
    exportName: options.exportName,
    boot: options.boot,
    warn: (line) => say(`warning: ${line}`),
  });
  if (pipelines.length === 0) throw new Error(cliMessages.noPipelines(resolve(options.module)));
  return pipelines;
}
