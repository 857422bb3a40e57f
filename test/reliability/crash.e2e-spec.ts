import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDatabaseDriver, type DatabaseTarget } from '../../src/database/database-driver.js';
import { MigrationRunner } from '../../src/database/migration-runner.js';
import type { SqlConnection } from '../../src/database/sql-connection.js';
import { TEST_PASSWORD, uniqueEmail } from '../support/auth.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import {
  buildAppCopy,
  exitWithin,
  listeningUrl,
  runAppCopy,
  type AppCopy,
  type RunningApp,
} from './support/built-app.js';
import { rawRequest } from './support/raw-http.js';

// The built app killed with SIGKILL in the middle of a burst of orders, on a database that
// outlives it: a PGlite data folder of its own, or with TEST_DATABASE_URL a fresh database on
// that server. Orders wait ORDERS_CREATE_DELAY_MS between `reserve` and `create`, so the kill
// always lands on runs that have taken stock and written no order yet.

const SKU = 'SKU-CRASH';
const STOCK = 100_000;
const WORKERS = 12;
const LEASE_MS = 1_000;
const RECOVERY_LINE = /Recovered run \S+ of create-order/g;

interface Ledger {
  available: number;
  /** Units in stored orders. */
  ordered: number;
  /** Units still recorded as reserved, and by how many runs. */
  reserved: number;
  reservingRuns: number;
  /** Recovery records left in the run store. */
  records: number;
}

async function ledger(connection: SqlConnection): Promise<Ledger> {
  const [row] = await connection.query<Ledger>(
    `SELECT (SELECT "available" FROM "Stock" WHERE "sku" = $1) AS available,
            (SELECT coalesce(sum("quantity"), 0)::int FROM "OrderItem" WHERE "sku" = $1) AS ordered,
            (SELECT coalesce(sum("quantity"), 0)::int FROM "StockReservation") AS reserved,
            (SELECT count(DISTINCT "runId")::int FROM "StockReservation") AS "reservingRuns",
            (SELECT count(*)::int FROM "RunClaim" WHERE "key" LIKE 'compensation:%') AS records`,
    [SKU],
  );
  return row;
}

describe('the built app killed with SIGKILL during a burst of orders', () => {
  let copy: AppCopy;
  let workDir: string;
  let database: TestDatabase;
  let target: DatabaseTarget;
  const running: RunningApp[] = [];

  /** Opens the database from the test, only while no app has it open (PGlite is one process's). */
  async function withDatabase<T>(work: (connection: SqlConnection) => Promise<T>): Promise<T> {
    const driver = createDatabaseDriver(target);
    try {
      return await driver.withConnection(work);
    } finally {
      await driver.close();
    }
  }

  beforeAll(async () => {
    Logger.overrideLogger(false); // the migration runner's lines
    [copy, workDir, database] = await Promise.all([
      buildAppCopy(),
      mkdtemp(join(tmpdir(), 'reliability-crash-')),
      createTestDatabase(),
    ]);
    target =
      database.kind === 'postgres'
        ? { databaseUrl: database.env.DATABASE_URL }
        : { pgliteDataDir: join(workDir, 'pglite') };
  }, 120_000);
  afterAll(async () => {
    for (const app of running) app.child.kill('SIGKILL');
    await copy?.remove();
    await database?.drop();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('gives back, after a restart and a recovery sweep, exactly the stock no stored order holds', async () => {
    await withDatabase(async (connection) => {
      await new MigrationRunner().migrate(connection);
      await connection.query(
        `INSERT INTO "Stock" ("sku", "available", "updatedAt") VALUES ($1, $2, now())`,
        [SKU, STOCK],
      );
    });
    const env = {
      NODE_ENV: 'test',
      JWT_SECRET: randomBytes(48).toString('base64url'),
      HOST: '127.0.0.1',
      PORT: '0',
      ...(target.databaseUrl
        ? { DATABASE_URL: target.databaseUrl }
        : { PGLITE_DATA_DIR: target.pgliteDataDir! }),
      IDEMPOTENCY_LEASE_MS: String(LEASE_MS),
      RECOVERY_INTERVAL_MS: '200',
    };

    const first = runAppCopy(copy.main, { ...env, ORDERS_CREATE_DELAY_MS: '800' });
    running.push(first);
    const baseUrl = await listeningUrl(first);
    const registered = await rawRequest(baseUrl, {
      method: 'POST',
      path: '/auth/register',
      body: { email: uniqueEmail('crash'), password: TEST_PASSWORD },
    });
    expect(registered.status).toBe(201);
    const token: string = registered.body.accessToken;

    // Each worker places orders back to back until the process is gone.
    let created = 0;
    const worker = async (index: number) => {
      for (;;) {
        const quantity = 1 + (index % 3);
        const response = await rawRequest(baseUrl, {
          method: 'POST',
          path: '/orders',
          token,
          body: { items: [{ sku: SKU, quantity, unitPriceCents: 100 }] },
        }).catch(() => undefined);
        if (response?.status !== 201) return;
        created++;
      }
    };
    const burst = Promise.all(Array.from({ length: WORKERS }, (_, index) => worker(index)));
    await sleep(2_500);
    first.child.kill('SIGKILL');
    expect(await exitWithin(first, 10_000)).toMatchObject({ signal: 'SIGKILL' });
    await burst;

    // The crash stranded stock: taken, recorded as reserved, in no order.
    const crashed = await withDatabase(ledger);
    expect(created).toBeGreaterThan(0);
    expect(crashed.ordered).toBeGreaterThanOrEqual(created);
    expect(crashed.reservingRuns).toBeGreaterThan(0);
    expect(STOCK - crashed.available).toBe(crashed.ordered + crashed.reserved);
    expect(crashed.records).toBeGreaterThanOrEqual(crashed.reservingRuns);

    // A new process: its boot sweep (or the next) finds the records once their lease ended.
    const second = runAppCopy(copy.main, env);
    running.push(second);
    await listeningUrl(second);
    const deadline = Date.now() + 30_000;
    while ((second.output().match(RECOVERY_LINE) ?? []).length < crashed.reservingRuns) {
      if (Date.now() > deadline) {
        throw new Error(
          `${crashed.reservingRuns} runs to recover; the restarted app logged:\n${second.output()}`,
        );
      }
      await sleep(100);
    }
    second.child.kill('SIGTERM');
    expect(await exitWithin(second, 15_000)).toMatchObject({ code: 0 });

    const recovered = await withDatabase(ledger);
    expect(recovered).toEqual({
      available: STOCK - crashed.ordered,
      ordered: crashed.ordered,
      reserved: 0,
      reservingRuns: 0,
      records: 0,
    });
  }, 180_000);
});
