import { Logger } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  databaseNotMigrated,
  migrationChanged,
  migrationFailed,
  migrationFailedEarlier,
} from './database.messages.js';
import type { SqlConnection } from './sql-connection.js';

/** `prisma/migrations` of this project, from src/database or dist/database alike. */
export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(
  new URL('../../prisma/migrations', import.meta.url),
);

// The key `prisma migrate deploy` locks with, so this runner and Prisma's never run at once.
const PRISMA_ADVISORY_LOCK = 72707369;

// The table as Prisma's schema engine creates it, so `prisma migrate status|deploy` accept it.
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "_prisma_migrations_pkey" PRIMARY KEY ("id")
)`;

export interface MigrationFile {
  /** The folder name, `<timestamp>_<name>`; migrations run in this order. */
  name: string;
  path: string;
  script: string;
  /** sha256 hex of migration.sql, as Prisma stores it. */
  checksum: string;
}

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/**
 * Applies `prisma/migrations/<name>/migration.sql` in name order, each in its own transaction,
 * recording `_prisma_migrations` rows the way `prisma migrate deploy` does. Needed because
 * Prisma's own runner is the Rust schema engine, which is not available everywhere.
 */
export class MigrationRunner {
  private readonly logger = new Logger(MigrationRunner.name);

  constructor(private readonly migrationsDir: string = DEFAULT_MIGRATIONS_DIR) {}

  async load(): Promise<MigrationFile[]> {
    const entries = await readdir(this.migrationsDir, { withFileTypes: true });
    const names = entries
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    const files: MigrationFile[] = [];
    for (const name of names) {
      const path = join(this.migrationsDir, name, 'migration.sql');
      const script = await readFile(path, 'utf8').catch(() => undefined);
      if (script === undefined) continue;
      files.push({
        name,
        path,
        script,
        checksum: createHash('sha256').update(script).digest('hex'),
      });
    }
    return files;
  }

  /** Names of the migrations not yet applied; throws if an applied one was edited or failed. */
  async pending(connection: SqlConnection): Promise<string[]> {
    const [table] = await connection.query<{ name: string | null }>(
      `SELECT to_regclass('"_prisma_migrations"')::text AS name`,
    );
    const rows = table.name === null ? [] : await this.appliedRows(connection);
    return this.compare(await this.load(), rows).map((migration) => migration.name);
  }

  /** Throws the message an operator needs when the database lags behind the migrations. */
  async assertUpToDate(connection: SqlConnection): Promise<void> {
    const pending = await this.pending(connection);
    if (pending.length > 0) throw new Error(databaseNotMigrated(pending));
  }

  /** Applies what is pending and returns its names; running it again applies nothing. */
  async migrate(connection: SqlConnection): Promise<string[]> {
    await connection.query(`SELECT pg_advisory_lock(${PRISMA_ADVISORY_LOCK})`);
    try {
      await connection.exec(CREATE_MIGRATIONS_TABLE);
      const pending = this.compare(await this.load(), await this.appliedRows(connection));
      for (const migration of pending) {
        await this.apply(connection, migration);
        this.logger.log(`Applied migration ${migration.name}`);
      }
      return pending.map((migration) => migration.name);
    } finally {
      // If the session broke, the server has dropped the lock with it; keep the first error.
      await connection
        .query(`SELECT pg_advisory_unlock(${PRISMA_ADVISORY_LOCK})`)
        .catch(() => undefined);
    }
  }

  private async apply(connection: SqlConnection, migration: MigrationFile): Promise<void> {
    await connection.exec('BEGIN');
    try {
      // now() is the transaction start, clock_timestamp() the moment the script finished.
      await connection.exec(migration.script);
      await connection.query(
        `INSERT INTO "_prisma_migrations"
           ("id", "checksum", "migration_name", "started_at", "finished_at", "applied_steps_count")
         VALUES ($1, $2, $3, now(), clock_timestamp(), 1)`,
        [randomUUID(), migration.checksum, migration.name],
      );
      await connection.exec('COMMIT');
    } catch (error) {
      await connection.exec('ROLLBACK');
      throw new Error(migrationFailed(migration.name, (error as Error).message), { cause: error });
    }
  }

  private appliedRows(connection: SqlConnection): Promise<MigrationRow[]> {
    return connection.query<MigrationRow>(
      `SELECT "migration_name", "checksum", "finished_at", "rolled_back_at"
         FROM "_prisma_migrations" ORDER BY "started_at"`,
    );
  }

  /** What is left to apply, refusing histories that must not be built upon. */
  private compare(files: MigrationFile[], rows: MigrationRow[]): MigrationFile[] {
    // Prisma ignores rows marked rolled back: such a migration counts as not applied.
    const live = rows.filter((row) => row.rolled_back_at === null);
    const failed = live.find((row) => row.finished_at === null);
    if (failed) throw new Error(migrationFailedEarlier(failed.migration_name));

    const applied = new Map(live.map((row) => [row.migration_name, row.checksum]));
    for (const file of files) {
      const checksum = applied.get(file.name);
      if (checksum !== undefined && checksum !== file.checksum) {
        throw new Error(migrationChanged(file.name, relative(process.cwd(), file.path)));
      }
    }
    return files.filter((file) => !applied.has(file.name));
  }
}
