import { existsSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEFAULT_MIGRATIONS_DIR } from '../src/database/migration-runner.js';
import { repoRoot } from './micro/run.js';

/**
 * Compiled into dist-bench/src/, the migration runner looks for dist-bench/prisma/migrations
 * (`../../prisma/migrations` from its own file); point that at the repository's, as
 * scripts/build-app-copy.mjs does for its copy. Nothing to do under ts-jest (src/ is real).
 */
export function linkMigrations(): void {
  if (existsSync(DEFAULT_MIGRATIONS_DIR)) return;
  const link = dirname(DEFAULT_MIGRATIONS_DIR);
  if (existsSync(link)) {
    throw new Error(`${link} exists but has no migrations/: remove it and run the bench again`);
  }
  symlinkSync(join(repoRoot(), 'prisma'), link, 'dir');
}
