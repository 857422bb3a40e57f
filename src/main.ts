import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createApp, DOCS_PATH } from './app.setup.js';
import type { AppEnv } from './config/env.validation.js';

const logger = new Logger('Bootstrap');

try {
  const app = await createApp();
  const config = app.get<ConfigService<AppEnv, true>>(ConfigService);
  const host = config.get('HOST', { infer: true });
  const port = config.get('PORT', { infer: true });
  await app.listen(port, host);
  logger.log(`Listening on http://${host}:${port} (API docs at /${DOCS_PATH})`);
} catch (error) {
  // A refusal to start (bad environment, unmigrated database) is a message for the operator.
  logger.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
