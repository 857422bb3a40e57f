import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDatabaseDriver } from '../../src/database/database-driver.js';
import { MigrationRunner } from '../../src/database/migration-runner.js';

/** A database of its own for one test file, and the environment that points the app at it. */
export interface TestDatabase {
  kind: 'pglite' | 'postgres';
  /** Applied to process.env before the app boots; `undefined` removes a variable. */
  env: Record<string, string | undefined>;
  /** PostgreSQL only: refuse new connections and end open ones, as an outage would. */
  cutConnections?(): Promise<void>;
  restoreConnections?(): Promise<void>;
  drop(): Promise<void>;
}

/**
 * In-memory PGlite (the app migrates it at boot), or, with TEST_DATABASE_URL, a freshly created
 * and migrated database on that server, dropped again by `drop()`.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    return {
      kind: 'pglite',
      env: { DATABASE_URL: undefined, PGLITE_DATA_DIR: 'memory://' },
      drop: async () => undefined,
    };
  }

  const name = `e2e_${randomBytes(6).toString('hex')}`;
  const databaseUrl = new URL(serverUrl);
  databaseUrl.pathname = `/${name}`;
  const admin = (sql: string) => withAdmin(serverUrl, (client) => client.query(sql));

  await admin(`CREATE DATABASE "${name}"`);
  const driver = createDatabaseDriver({ databaseUrl: databaseUrl.href });
  try {
    Logger.overrideLogger(false); // the runner's "Applied migration" lines; the app logs nothing either
    await driver.withConnection((connection) => new MigrationRunner().migrate(connection));
  } finally {
    await driver.close();
  }

  return {
    kind: 'postgres',
    env: { DATABASE_URL: databaseUrl.href },
    cutConnections: async () => {
      await admin(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
      await admin(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}'`,
      );
    },
    restoreConnections: async () => {
      await admin(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
    },
    drop: async () => {
      await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

async function withAdmin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
