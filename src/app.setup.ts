import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { LogLevel } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from './app.module.js';
import { AllExceptionsFilter } from './common/all-exceptions.filter.js';
import { createValidationPipe } from './common/validation.pipe.js';

export const DOCS_PATH = 'documentation';

export interface CreateAppOptions {
  /** Nest's logger levels, or false for none (tests). */
  logger?: LogLevel[] | false;
  /**
   * Serve the Swagger UI page and assets (default true); the JSON document is always served.
   * Jest on Node < 24.9 must pass false: the assets come through @fastify/static, which
   * require()s an ES-module-only package that Jest's module loader cannot load there.
   */
  swaggerUi?: boolean;
}

/** The app exactly as `main.ts` serves it; e2e tests boot it through here too. */
export async function createApp(options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), {
    // Throw boot errors (bad env, unmigrated database) to the caller instead of aborting the process.
    abortOnError: false,
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
  });
  configureApp(app, { swaggerUi: options.swaggerUi ?? true });
  return app;
}

/** Everything global: input validation, the error body, docs, and closing cleanly on SIGTERM. */
export function configureApp(
  app: NestFastifyApplication,
  { swaggerUi = true }: Pick<CreateAppOptions, 'swaggerUi'> = {},
): void {
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter(app.get(HttpAdapterHost)));
  app.enableShutdownHooks();
  SwaggerModule.setup(DOCS_PATH, app, () => createOpenApiDocument(app), {
    ui: swaggerUi,
    jsonDocumentUrl: `${DOCS_PATH}/json`,
  });
}

export function createOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('nest-orchestrator starter')
    .setDescription(
      'Orders processed by a pipeline of must-succeed and nice-to-have steps, with per-step ' +
        'timing. Register or log in under `auth`, then use **Authorize** with the `accessToken`.',
    )
    .setVersion('1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .addSecurityRequirements('bearer')
    .build();
  return SwaggerModule.createDocument(app, config);
}
