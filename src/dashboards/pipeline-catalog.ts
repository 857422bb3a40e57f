import { NestFactory } from '@nestjs/core';
import { PipelineRegistry, type PipelineDefinition } from '../orchestrator/index.js';

/**
 * Boots the application context (no HTTP listener; an in-memory embedded database unless one is
 * configured) and returns the registry's pipelines: the same source the runner uses.
 */
export async function loadPipelines(): Promise<readonly PipelineDefinition[]> {
  process.env.PGLITE_DATA_DIR ??= 'memory://';
  // Imported late so the environment above is in place before configuration is read.
  const { AppModule } = await import('../app.module.js');
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error'] });
  try {
    return app.get(PipelineRegistry).list();
  } finally {
    await app.close();
  }
}
