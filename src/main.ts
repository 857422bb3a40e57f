import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AddressInfo } from 'node:net';
import { createApp, DOCS_PATH } from './app.setup.js';
import { closeOnSignals } from './common/graceful-shutdown.js';
import type { AppEnv } from './config/env.validation.js';
import { INSPECTOR_PATH, inspectorEnabled } from './config/inspector.options.js';
import { stopTracing } from './tracing/otel-sdk.js';

const logger = new Logger('Bootstrap');

try {
  const app = await createApp();
  const config = app.get<ConfigService<AppEnv, true>>(ConfigService);
  const host = config.get('HOST', { infer: true });
  const shutdownTimeoutMs = config.get('SHUTDOWN_TIMEOUT_MS', { infer: true });
  closeOnSignals(app, shutdownTimeoutMs, new Logger('Shutdown'), stopTracing);
  await app.listen(config.get('PORT', { infer: true }), host);
  // The bound port, which differs from PORT when PORT=0 asks for any free one.
  const { port } = app.getHttpServer().address() as AddressInfo;
  const pipelines = inspectorEnabled(config) ? `, pipelines at ${INSPECTOR_PATH}` : '';
  logger.log(`Listening on http://${host}:${port} (API docs at /${DOCS_PATH}${pipelines})`);
} catch (error) {
  // A refusal to start (bad environment, unmigrated database) is a message for the operator.
  logger.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
