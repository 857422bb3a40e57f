import { ConfigModule } from '@nestjs/config';
import { validateEnv } from './env.validation.js';

/**
 * Global `ConfigService<AppEnv, true>` holding only validated values (skipProcessEnv: no raw
 * variable slips past validation; add new ones to validateEnv). Validation runs in a `load`
 * factory rather than the `validate` option: that option runs when this file is imported and
 * copies its result into process.env (the generated JWT secret included), while a factory runs
 * when the app boots, so each boot sees the environment it was started with.
 * Tests ignore the developer's `.env`.
 */
export const AppConfigModule = ConfigModule.forRoot({
  isGlobal: true,
  skipProcessEnv: true,
  ignoreEnvFile: process.env.NODE_ENV === 'test',
  load: [() => validateEnv(process.env)],
});
