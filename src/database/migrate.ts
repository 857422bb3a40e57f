// `npm run db:migrate` (or `node dist/database/migrate.js` where dist/ is deployed): applies
// prisma/migrations to DATABASE_URL, or to the PGlite folder when it is unset.
import { Logger } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { createDatabaseDriver } from './database-driver.js';
import { MigrationRunner } from './migration-runner.js';

const logger = new Logger('db:migrate');

// The same .env the app reads; variables set in the shell win.
if (existsSync('.env')) process.loadEnvFile('.env');

const driver = createDatabaseDriver({
  databaseUrl: process.env.DATABASE_URL || undefined,
  pgliteDataDir: process.env.PGLITE_DATA_DIR || undefined,
});
try {
  const applied = await driver.withConnection((connection) =>
    new MigrationRunner().migrate(connection),
  );
  logger.log(
    applied.length > 0
      ? `${driver.target}: applied ${applied.length} migration(s)`
      : `${driver.target}: already up to date`,
  );
} catch (error) {
  logger.error((error as Error).message);
  process.exitCode = 1;
} finally {
  await driver.close();
}
