// Where the store bench runs: an in-memory PGlite, or a throwaway database on a PostgreSQL server,
// created and migrated the way the PostgreSQL e2e pass does it (test/support/test-database.ts).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDatabaseDriver } from '../../src/database/database-driver.js';
import { MigrationRunner } from '../../src/database/migration-runner.js';
import { linkMigrations } from '../migrations-link.js';

export interface StoreDatabase {
  readonly kind: 'pglite' | 'postgres';
  /** Where it lives, without credentials. */
  readonly target: string;
  /** The variables the starter's AppConfigModule reads to reach it. */
  readonly env: Record<string, string>;
  /** PostgreSQL: drops the throwaway database. */
  drop(): Promise<void>;
}

/**
 * Without `serverUrl`: PGlite in memory, migrated by PrismaService at boot as the starter does.
 * With it: a database `bench_store_<hex>` created on that server (the role needs CREATEDB) and
 * migrated here, since PrismaService only checks a server's migrations; nothing else is touched.
 */
export async function openStoreDatabase(serverUrl?: string): Promise<StoreDatabase> {
  linkMigrations();
  if (serverUrl === undefined) {
    return {
      kind: 'pglite',
      target: 'in memory, in-process (WASM)',
      env: { DATABASE_URL: '', PGLITE_DATA_DIR: 'memory://' },
      drop: async () => undefined,
    };
  }

  const name = `bench_store_${randomBytes(6).toString('hex')}`;
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const server = `${url.hostname}:${url.port || 5432}`;
  const target = `${server}/${name}, a throwaway database`;
  const admin = (sql: string) => withAdmin(serverUrl, (client) => client.query(sql));

  await admin(`CREATE DATABASE "${name}"`).catch((error: Error) => {
    const why = `Cannot create database ${name} on ${server} (the role needs CREATEDB)`;
    throw new Error(`${why}: ${error.message}`, { cause: error });
  });
  const drop = async () => {
    await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  };
  const driver = createDatabaseDriver({ databaseUrl: url.href });
  try {
    await driver.withConnection((connection) => new MigrationRunner().migrate(connection));
  } catch (error) {
    await drop();
    throw error;
  } finally {
    await driver.close();
  }
  return { kind: 'postgres', target, env: { DATABASE_URL: url.href }, drop };
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
