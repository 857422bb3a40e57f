import { PGlite } from '@electric-sql/pglite';
import { Logger } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapterFactory } from '@prisma/client/runtime/client';
import { mkdirSync } from 'node:fs';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { DEFAULT_PGLITE_DATA_DIR } from '../config/env.validation.js';
import { databaseUnreachable } from './database.messages.js';
import type { SqlConnection } from './sql-connection.js';

export interface DatabaseTarget {
  /** A PostgreSQL server; when unset, the embedded PGlite database below is used. */
  databaseUrl?: string;
  /** A folder, or `memory://`; defaults to ./.data/pglite. */
  pgliteDataDir?: string;
}

/** The two back ends behind one shape: what Prisma needs, and a raw session for migrations. */
export interface DatabaseDriver {
  /** Embedded databases are migrated at boot; a server only through `npm run db:migrate`. */
  readonly embedded: boolean;
  /** Where the data lives, without credentials, for logs and error messages. */
  readonly target: string;
  readonly adapter: SqlDriverAdapterFactory;
  withConnection<T>(work: (connection: SqlConnection) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

// Bounds how long a request waits for a connection while the server is down, so it fails
// with a 503 in seconds instead of hanging.
const CONNECT_TIMEOUT_MS = 5_000;

export function createDatabaseDriver(target: DatabaseTarget): DatabaseDriver {
  return target.databaseUrl
    ? postgresDriver(target.databaseUrl)
    : pgliteDriver(target.pgliteDataDir ?? DEFAULT_PGLITE_DATA_DIR);
}

function pgliteDriver(dataDir: string): DatabaseDriver {
  const inMemory = dataDir.startsWith('memory://');
  // Opened on first use, so building the driver has no side effect (a boot that fails on
  // configuration leaves no folder or WASM instance behind).
  let db: PGlite | undefined;
  const open = (): PGlite => {
    if (!db) {
      if (!inMemory) mkdirSync(dataDir, { recursive: true });
      db = new PGlite(dataDir);
    }
    return db;
  };
  // PGlite is one in-process session shared with Prisma; migrations use it before serving starts.
  const connection: SqlConnection = {
    query: async <Row extends object>(sql: string, params?: unknown[]) =>
      (await open().query<Row>(sql, params)).rows,
    exec: async (script) => {
      await open().exec(script);
    },
  };
  return {
    embedded: true,
    target: inMemory ? 'PGlite in memory' : `PGlite at ${dataDir}`,
    adapter: {
      provider: 'postgres',
      adapterName: 'pglite-prisma-adapter',
      connect: () => new PrismaPGlite(open()).connect(),
    },
    withConnection: async (work) => work(connection),
    close: async () => {
      if (db && !db.closed) await db.close();
    },
  };
}

function postgresDriver(databaseUrl: string): DatabaseDriver {
  const url = new URL(databaseUrl);
  const target = `PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}`;
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  // An idle connection dropped by the server must not crash the process; the pool reconnects.
  const logger = new Logger('Database');
  pool.on('error', (error) => logger.warn(`Idle connection to ${target} lost: ${error.message}`));

  return {
    embedded: false,
    target,
    adapter: new PrismaPg(pool),
    withConnection: async (work) => {
      const client = await pool.connect().catch((error: Error) => {
        throw new Error(databaseUnreachable(target, error.message), { cause: error });
      });
      try {
        return await work({
          query: async <Row extends object>(sql: string, params?: unknown[]) =>
            (await client.query<Row>(sql, params)).rows,
          exec: async (script) => {
            await client.query(script);
          },
        });
      } finally {
        client.release();
      }
    },
    close: async () => {
      if (!pool.ending) await pool.end();
    },
  };
}
