import { setTimeout as sleep } from 'node:timers/promises';
import { METRIC_NAMES } from 'nest-orchestrator/prometheus';
import { NOTIFY_TIMEOUT_MS } from '../../src/orders/orders.constants.js';
import { registerAndLogin, type TestUser } from '../support/auth.js';
import type { TestApp } from '../support/test-app.js';
import { databaseState, halfWrittenOrders, internalsIn } from './support/assertions.js';
import { bootApp } from './support/boot.js';
import { interceptQueries, isWrite, outageError } from './support/database-faults.js';
import { sampleValue } from './support/metrics.js';
import { rawRequest } from './support/raw-http.js';

const items = [
  { sku: 'SKU-1001', quantity: 2, unitPriceCents: 1999 },
  { sku: 'SKU-2002', quantity: 1, unitPriceCents: 500 },
];
const databaseUnavailable = {
  success: false,
  error: {
    code: 'DATABASE_UNAVAILABLE',
    message: 'The database is unavailable; try again shortly.',
  },
};

async function scrape(api: TestApp): Promise<string> {
  const response = await api.request('GET', '/metrics');
  expect(response.status).toBe(200);
  return response.body as string;
}

const notifyFailures = (exposition: string, reason: string) =>
  sampleValue(exposition, METRIC_NAMES.operationFailures, {
    pipeline: 'create-order',
    operation: 'notify',
    critical: 'false',
    reason,
  });

describe('a non-critical notifier that throws (e2e)', () => {
  let api: TestApp;
  let user: TestUser;
  beforeAll(async () => {
    api = await bootApp({ NOTIFIER_FAIL_RATE: '1' });
    user = await registerAndLogin(api);
  }, 60_000);
  afterAll(() => api?.close());

  it('still places the order, and reports the failure in `errors` and in /metrics', async () => {
    const failuresBefore = notifyFailures(await scrape(api), 'error');

    const response = await api.request('POST', '/orders', { token: user.token, body: { items } });

    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      success: true,
      data: { status: 'PENDING', totalCents: 4498 },
      errors: [{ operation: 'notify', code: 'OPERATION_FAILED', message: 'the operation failed' }],
    });
    expect(Object.keys(response.body.metrics)).toEqual([
      'validate',
      'reserve',
      'create',
      'notify',
      'track',
    ]);
    const stored = await api.prisma.order.findUniqueOrThrow({
      where: { id: response.body.data.id },
      include: { items: true },
    });
    expect(stored.items).toHaveLength(2);
    expect(notifyFailures(await scrape(api), 'error')).toBe(failuresBefore + 1);
  });
});

describe('a non-critical notifier that hangs (e2e)', () => {
  let api: TestApp;
  let user: TestUser;
  beforeAll(async () => {
    api = await bootApp({ NOTIFIER_LATENCY_MS: '60000' });
    user = await registerAndLogin(api);
  }, 60_000);
  afterAll(() => api?.close());

  it(`answers within its ${NOTIFY_TIMEOUT_MS} ms timeout plus a margin, with the order placed`, async () => {
    const timeoutsBefore = notifyFailures(await scrape(api), 'timeout');

    const response = await rawRequest(api.baseUrl, {
      method: 'POST',
      path: '/orders',
      token: user.token,
      body: { items },
    });

    expect(response.status).toBe(201);
    expect(response.body.errors).toEqual([
      {
        operation: 'notify',
        code: 'TIMEOUT',
        message: `Operation "notify" timed out after ${NOTIFY_TIMEOUT_MS} ms.`,
      },
    ]);
    // The step itself stops at its deadline; the whole request gets a margin for the rest of
    // the pipeline and HTTP on two busy cores.
    expect(response.body.metrics.notify).toBeGreaterThanOrEqual(NOTIFY_TIMEOUT_MS - 1);
    expect(response.body.metrics.notify).toBeLessThan(NOTIFY_TIMEOUT_MS + 100);
    expect(response.elapsedMs).toBeLessThan(NOTIFY_TIMEOUT_MS + 1_000);
    expect(await api.prisma.order.count({ where: { id: response.body.data.id } })).toBe(1);
    expect(notifyFailures(await scrape(api), 'timeout')).toBe(timeoutsBefore + 1);
  });
});

describe('faults in the database (e2e)', () => {
  let api: TestApp;
  let user: TestUser;
  beforeAll(async () => {
    api = await bootApp();
    user = await registerAndLogin(api);
  }, 60_000);
  afterAll(() => api?.close());

  it('a critical step failing after earlier writes leaves no partial order, and says which step failed', async () => {
    // A trigger fails the insert of one item, after the order row and the stock reservation
    // were written. A sequence, which no rollback undoes, records that the order row existed.
    await api.prisma.$executeRawUnsafe(`CREATE SEQUENCE reliability_order_rows_seen`);
    await api.prisma.$executeRawUnsafe(`
      CREATE FUNCTION reliability_fail_item() RETURNS trigger AS $$
      BEGIN
        IF NEW.sku = 'FAIL-ON-INSERT' THEN
          IF EXISTS (SELECT 1 FROM "Order" WHERE id = NEW."orderId") THEN
            PERFORM nextval('reliability_order_rows_seen');
          END IF;
          RAISE EXCEPTION 'simulated failure writing an order item';
        END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`);
    await api.prisma.$executeRawUnsafe(`
      CREATE TRIGGER reliability_fail_item BEFORE INSERT ON "OrderItem"
      FOR EACH ROW EXECUTE FUNCTION reliability_fail_item()`);
    await api.prisma.stock.create({ data: { sku: 'LAMP-9', available: 5 } });
    const before = await databaseState(api.prisma);

    const response = await rawRequest(api.baseUrl, {
      method: 'POST',
      path: '/orders',
      token: user.token,
      body: {
        items: [
          { sku: 'LAMP-9', quantity: 2, unitPriceCents: 4000 },
          { sku: 'FAIL-ON-INSERT', quantity: 1, unitPriceCents: 100 },
        ],
      },
    });

    expect(response.status).toBe(500);
    expect(response.body).toEqual({
      success: false,
      error: { code: 'OPERATION_FAILED', message: 'the operation failed', operation: 'create' },
      duration: expect.any(Number),
      metrics: {
        validate: expect.any(Number),
        reserve: expect.any(Number),
        create: expect.any(Number),
      },
      compensation: { reserve: 'done' },
    });
    expect(internalsIn(response.text)).toEqual([]);
    expect(response.text).not.toContain('simulated failure');
    const [seen] = await api.prisma.$queryRawUnsafe<Array<{ is_called: boolean }>>(
      'SELECT is_called FROM reliability_order_rows_seen',
    );
    expect(seen.is_called).toBe(true); // the order row had been written...
    expect(await databaseState(api.prisma)).toEqual(before); // ...and nothing of it remains
    expect(await halfWrittenOrders(api.prisma)).toEqual([]);
    await api.prisma.$executeRawUnsafe('DROP TRIGGER reliability_fail_item ON "OrderItem"');
  });

  it('an unreachable database: 503 with a clear error, quickly, then back to normal without a restart', async () => {
    const { database } = api;
    // PostgreSQL: the server refuses the test database and drops its connections. PGlite runs in
    // this process: every statement fails the way a closed PGlite does.
    let restore: () => Promise<void>;
    if (database.cutConnections && database.restoreConnections) {
      await database.cutConnections();
      restore = database.restoreConnections;
    } else {
      const stop = interceptQueries(() => {
        throw outageError('pglite');
      });
      restore = async () => stop();
    }

    let during;
    try {
      during = {
        health: await rawRequest(api.baseUrl, { path: '/health' }),
        list: await rawRequest(api.baseUrl, { path: '/orders', token: user.token }),
        create: await rawRequest(api.baseUrl, {
          method: 'POST',
          path: '/orders',
          token: user.token,
          body: { items },
        }),
        login: await rawRequest(api.baseUrl, {
          method: 'POST',
          path: '/auth/login',
          body: { email: user.email, password: user.password },
        }),
      };
    } finally {
      await restore();
    }

    expect(during.health).toMatchObject({
      status: 503,
      body: {
        success: false,
        error: { code: 'DATABASE_UNAVAILABLE', message: 'The database is unreachable' },
      },
    });
    for (const response of [during.list, during.create, during.login]) {
      expect({ status: response.status, body: response.body }).toEqual({
        status: 503,
        body: databaseUnavailable,
      });
    }
    for (const response of Object.values(during)) {
      expect(response.elapsedMs).toBeLessThan(3_000);
      expect(internalsIn(response.text)).toEqual([]);
    }

    // Same process, same connection pool: the next requests just work.
    expect((await rawRequest(api.baseUrl, { path: '/health' })).status).toBe(200);
    const placed = await api.request('POST', '/orders', { token: user.token, body: { items } });
    expect(placed.status).toBe(201);
    const read = await api.request('GET', `/orders/${placed.body.data.id}`, { token: user.token });
    expect(read.status).toBe(200);
  });

  it('a database lost between authentication and the write: the pipeline answers 503, naming the step', async () => {
    const before = await databaseState(api.prisma);
    // Down from `create`'s first write (it consumes the run's stock reservation) on: the
    // recovery record written before `reserve` went through, and the undo cannot reach the
    // database either, so its record stays for a recovery sweep.
    let down = false;
    const stop = interceptQueries((sql) => {
      down ||= isWrite(sql) && /"(StockReservation|Order)"/.test(sql);
      if (down && isWrite(sql)) throw outageError(api.database.kind);
    });
    let response;
    try {
      response = await rawRequest(api.baseUrl, {
        method: 'POST',
        path: '/orders',
        token: user.token,
        body: { items },
      });
    } finally {
      stop();
    }

    expect({ status: response.status, body: response.body }).toEqual({
      status: 503,
      body: {
        success: false,
        error: {
          code: 'DATABASE_UNAVAILABLE',
          message: 'The database is unavailable; try again shortly.',
          operation: 'create',
        },
        duration: expect.any(Number),
        metrics: {
          validate: expect.any(Number),
          reserve: expect.any(Number),
          create: expect.any(Number),
        },
        compensation: { reserve: 'failed' },
      },
    });
    expect(await databaseState(api.prisma)).toEqual(before);
  });

  describe('a client that disconnects', () => {
    // The statements to slow down: the start of every transaction (`reserve` opens one before
    // `create`), or the guard's look-up of the token's user.
    const BEGIN = /^\s*begin\b/i;
    const USER_LOOKUP = /from\s+"(public"\.")?User"/i;

    async function disconnectWhile(
      slow: RegExp,
      giveUpAfterMs: number,
      order: unknown = { items },
    ): Promise<void> {
      const stop = interceptQueries(async (sql) => {
        if (slow.test(sql)) await sleep(800);
      });
      try {
        const attempt = rawRequest(api.baseUrl, {
          method: 'POST',
          path: '/orders',
          token: user.token,
          body: order,
          abortAfterMs: giveUpAfterMs,
        });
        await expect(attempt).rejects.toThrow('client gave up');
        // Long enough for the slowed statement, and anything the run would do after it.
        await sleep(2_000);
      } finally {
        stop();
      }
    }

    it('mid-pipeline (during `reserve`): `create` never runs, no order is written', async () => {
      const before = await databaseState(api.prisma);
      const metricsBefore = await scrape(api);

      await disconnectWhile(BEGIN, 300);

      expect(await databaseState(api.prisma)).toEqual(before);
      const metricsAfter = await scrape(api);
      const runs = (exposition: string, outcome: string) =>
        sampleValue(exposition, `${METRIC_NAMES.pipelineDuration}_count`, {
          pipeline: 'create-order',
          outcome,
        });
      const creates = (exposition: string) =>
        ['success', 'failure', 'timeout', 'aborted']
          .map((outcome) =>
            sampleValue(exposition, `${METRIC_NAMES.operationDuration}_count`, {
              pipeline: 'create-order',
              operation: 'create',
              outcome,
            }),
          )
          .reduce((sum, count) => sum + count, 0);
      expect(runs(metricsAfter, 'aborted')).toBe(runs(metricsBefore, 'aborted') + 1);
      expect(creates(metricsAfter)).toBe(creates(metricsBefore));
    });

    it('mid-pipeline, with tracked stock: the reservation still in flight is rolled back, not leaked', async () => {
      // The runner stops waiting for `reserve` when the client leaves and never compensates an
      // operation it did not see finish, so the reservation must undo itself.
      await api.prisma.stock.create({ data: { sku: 'LAMP-7', available: 5 } });
      const before = await databaseState(api.prisma);

      await disconnectWhile(BEGIN, 300, {
        items: [{ sku: 'LAMP-7', quantity: 2, unitPriceCents: 2500 }],
      });

      expect(await databaseState(api.prisma)).toEqual(before);
    });

    it('before the handler (during authentication): the run starts aborted, no order is written', async () => {
      const before = await databaseState(api.prisma);

      await disconnectWhile(USER_LOOKUP, 300);

      expect(await databaseState(api.prisma)).toEqual(before);
    });
  });
});
