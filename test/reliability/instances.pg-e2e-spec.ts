import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { TEST_PASSWORD, uniqueEmail } from '../support/auth.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import {
  buildAppCopy,
  listeningUrl,
  runAppCopy,
  type AppCopy,
  type RunningApp,
} from './support/built-app.js';
import { rawRequest, type RawResponse } from './support/raw-http.js';

// Two built app processes on one PostgreSQL database, as two instances behind a load balancer.
// Embedded PGlite belongs to one process, so there is nothing to share without a server: Jest
// picks up `*.pg-e2e-spec.ts` files only when TEST_DATABASE_URL is set (jest.config.js).

const SKU = 'SKU-TWICE';
const STOCK = 50;
const body = { items: [{ sku: SKU, quantity: 3, unitPriceCents: 700 }], totalCents: 2100 };

describe('two instances on one PostgreSQL database', () => {
  let copy: AppCopy;
  let database: TestDatabase;
  const apps: RunningApp[] = [];
  let urls: string[];

  const query = async <Row extends object>(sql: string, params: unknown[] = []) => {
    const client = new pg.Client({ connectionString: database.env.DATABASE_URL });
    await client.connect();
    try {
      return (await client.query<Row>(sql, params)).rows;
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    [copy, database] = await Promise.all([buildAppCopy(), createTestDatabase()]);
    const env = {
      NODE_ENV: 'test',
      JWT_SECRET: randomBytes(48).toString('base64url'),
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: database.env.DATABASE_URL!,
      // Keeps each run in flight long enough for all 12 requests to meet it.
      ORDERS_CREATE_DELAY_MS: '300',
    };
    apps.push(runAppCopy(copy.main, env), runAppCopy(copy.main, env));
    urls = await Promise.all(apps.map((app) => listeningUrl(app)));
    await query(`INSERT INTO "Stock" ("sku", "available", "updatedAt") VALUES ($1, $2, now())`, [
      SKU,
      STOCK,
    ]);
  }, 120_000);
  afterAll(async () => {
    for (const app of apps) app.child.kill('SIGKILL');
    await copy?.remove();
    await database?.drop();
  });

  it('makes one order of one key sent 12 times at once across both, and the other replays it', async () => {
    const registered = await rawRequest(urls[0], {
      method: 'POST',
      path: '/auth/register',
      body: { email: uniqueEmail('twice'), password: TEST_PASSWORD },
    });
    expect(registered.status).toBe(201);
    const token: string = registered.body.accessToken;
    const key = randomUUID();
    const place = (url: string): Promise<RawResponse> =>
      rawRequest(url, {
        method: 'POST',
        path: '/orders',
        token,
        headers: { 'idempotency-key': key },
        body,
      });

    const responses = await Promise.all(Array.from({ length: 12 }, (_, i) => place(urls[i % 2])));

    const orders = await query<{ id: string }>(`SELECT "id" FROM "Order"`);
    expect(orders).toHaveLength(1);
    const [{ available }] = await query<{ available: number }>(
      `SELECT "available" FROM "Stock" WHERE "sku" = $1`,
      [SKU],
    );
    expect(available).toBe(STOCK - 3);
    const created = responses.filter((response) => response.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((response) => response.body.data.id))).toEqual(
      new Set([orders[0].id]),
    );
    // The rest met the run on the other instance: 409, running nothing.
    const others = responses.filter((response) => response.status !== 201);
    expect(others.length).toBeGreaterThanOrEqual(1);
    for (const response of others) {
      expect(response.status).toBe(409);
      expect(response.body.error.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    }

    // Later, on each instance, whichever ran it: the stored answer, marked as a replay.
    for (const url of urls) {
      const replay = await place(url);
      expect(replay.status).toBe(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body.data.id).toBe(orders[0].id);
    }
    expect(await query(`SELECT "id" FROM "Order"`)).toHaveLength(1);
  }, 60_000);
});
