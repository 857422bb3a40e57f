import helmet from '@fastify/helmet';
import type { LoggerService, LogLevel } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from './app.module.js';
import { AllExceptionsFilter, codeFor } from './common/all-exceptions.filter.js';
import { AppLogger } from './common/app-logger.js';
import { useJsonBodiesOnly } from './common/json-body.js';
import { installRequestId, REQUEST_ID_HEADER, requestIdFor } from './common/request-id.js';
import { createValidationPipe } from './common/validation.pipe.js';
import type { AppEnv } from './config/env.validation.js';

export const DOCS_PATH = 'documentation';

export interface CreateAppOptions {
  /**
   * Nest's logger levels (an `AppLogger` with those levels), a logger of your own, or false for
   * none (tests). Default: an `AppLogger` with every level.
   */
  logger?: LogLevel[] | LoggerService | false;
  /**
   * Serve the Swagger UI page and assets (default true); the JSON document is always served.
   * Jest on Node < 24.9 must pass false: the assets come through @fastify/static, which
   * require()s an ES-module-only package that Jest's module loader cannot load there.
   */
  swaggerUi?: boolean;
}

/** The app exactly as `main.ts` serves it; e2e tests boot it through here too. */
export async function createApp(options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  const logger = Array.isArray(options.logger)
    ? new AppLogger({ logLevels: options.logger })
    : (options.logger ?? new AppLogger());
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, createFastifyAdapter(), {
    // Throw boot errors (bad env, unmigrated database) to the caller instead of aborting the process.
    abortOnError: false,
    logger,
  });
  if (logger instanceof AppLogger) logger.redactValues(...secretsIn(app));
  configureApp(app, { swaggerUi: options.swaggerUi ?? true });
  return app;
}

/** Configuration values no log line may show. */
function secretsIn(app: NestFastifyApplication): string[] {
  const config = app.get<ConfigService<AppEnv, true>>(ConfigService);
  const secrets = [config.get('JWT_SECRET', { infer: true })];
  const databaseUrl = config.get('DATABASE_URL', { infer: true });
  const password = databaseUrl === undefined ? '' : new URL(databaseUrl).password;
  if (password !== '') {
    secrets.push(password);
    try {
      secrets.push(decodeURIComponent(password));
    } catch {
      // Not percent-encoded: the raw form is already listed.
    }
  }
  return secrets;
}

// What Fastify refuses before any route or hook runs, in words a client can act on.
const FRAMEWORK_ERROR_MESSAGES: Record<number, string> = {
  400: 'The URL is not valid',
  414: 'The URL is too long',
};

/**
 * Fastify as the app needs it: request ids taken from a sane `x-request-id` or generated, and
 * the errors Fastify answers by itself (malformed or too long URLs) in the app's error body.
 * Use it wherever the app is built by hand (`Test.createTestingModule(...).createNestApplication`).
 */
export function createFastifyAdapter(): FastifyAdapter {
  return new FastifyAdapter({
    genReqId: requestIdFor,
    requestIdHeader: false,
    // A client trickling its request in cannot hold a connection forever (Fastify's default is
    // no limit); every pipeline has finished long before this.
    requestTimeout: 30_000,
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const status = error.statusCode ?? 400;
      const message = FRAMEWORK_ERROR_MESSAGES[status] ?? 'Internal server error';
      void reply
        .header(REQUEST_ID_HEADER, request.id)
        .code(status)
        .send({ success: false, error: { code: codeFor(status), message } });
    },
  });
}

/**
 * Everything global: security headers, CORS, JSON-only bodies within a size limit, request ids,
 * input validation, the error body and docs. Closing on SIGTERM is main.ts's job
 * (`closeOnSignals`), so tests that boot the app do not install process signal handlers.
 */
export function configureApp(
  app: NestFastifyApplication,
  { swaggerUi = true }: Pick<CreateAppOptions, 'swaggerUi'> = {},
): void {
  const config = app.get<ConfigService<AppEnv, true>>(ConfigService);
  const fastify = app.getHttpAdapter().getInstance();

  installRequestId(fastify);
  // Fastify loads plugins in order before it listens, and adds the routes Nest registers after
  // this one, so every response (errors and the 404 handler included) gets the headers.
  void app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Swagger UI sets inline styles and shows data: images.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        frameAncestors: ["'none'"],
        // TLS is the proxy's job (HSTS is sent); this would break the docs on plain-HTTP hosts.
        upgradeInsecureRequests: null,
      },
    },
  });
  const corsOrigins = config.get('CORS_ORIGINS', { infer: true });
  if (corsOrigins.length > 0) {
    app.enableCors({
      origin: corsOrigins.includes('*') ? '*' : corsOrigins,
      methods: ['GET', 'POST'],
      allowedHeaders: ['authorization', 'content-type', REQUEST_ID_HEADER],
      exposedHeaders: [REQUEST_ID_HEADER, 'server-timing', 'retry-after'],
      maxAge: 600,
    });
  }
  useJsonBodiesOnly(app, config.get('BODY_LIMIT_BYTES', { infer: true }));

  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter(app.get(HttpAdapterHost)));
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
