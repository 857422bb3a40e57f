import { Logger } from '@nestjs/common';
import { Prisma, PrismaClient } from '../generated/prisma/client.js';
import { createDatabaseDriver, type DatabaseDriver } from './database-driver.js';
import { MigrationRunner } from './migration-runner.js';

// Proves prisma/migrations and schema.prisma agree: every model, relation, default and
// constraint of the generated client works on a database built only from the migrations.
describe('schema.prisma against prisma/migrations', () => {
  let driver: DatabaseDriver;
  let prisma: PrismaClient;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    driver = createDatabaseDriver({ pgliteDataDir: 'memory://' });
    await driver.withConnection((connection) => new MigrationRunner().migrate(connection));
    prisma = new PrismaClient({ adapter: driver.adapter });
  }, 30_000);

  afterAll(async () => {
    await prisma.$disconnect();
    await driver.close();
  });

  beforeEach(async () => {
    await prisma.runClaim.deleteMany();
    await prisma.stockReservation.deleteMany();
    await prisma.stock.deleteMany();
    await prisma.orderItem.deleteMany();
    await prisma.order.deleteMany();
    await prisma.user.deleteMany();
  });

  const createUser = (email = 'ada@example.com') =>
    prisma.user.create({ data: { email, passwordHash: 'scrypt$hash' } });

  it('creates a user with a generated uuid and creation time', async () => {
    const user = await createUser();

    expect(user.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(user.createdAt).toBeInstanceOf(Date);
    expect(await prisma.user.findUnique({ where: { email: 'ada@example.com' } })).toEqual(user);
  });

  it('rejects a second user with the same email (P2002)', async () => {
    await createUser();

    await expect(createUser()).rejects.toMatchObject({ code: 'P2002' });
  });

  it('creates an order with its items in one call and reads them back through the relations', async () => {
    const customer = await createUser();
    const order = await prisma.order.create({
      data: {
        customerId: customer.id,
        totalCents: 2 * 1250 + 499,
        items: {
          create: [
            { sku: 'BOOK-1', quantity: 2, unitPriceCents: 1250 },
            { sku: 'PEN-7', quantity: 1, unitPriceCents: 499 },
          ],
        },
      },
      include: { items: { orderBy: { sku: 'asc' } }, customer: true },
    });

    expect(order).toMatchObject({
      status: 'PENDING',
      totalCents: 2999,
      customer: { email: 'ada@example.com' },
      items: [
        { sku: 'BOOK-1', quantity: 2, unitPriceCents: 1250, orderId: order.id },
        { sku: 'PEN-7', quantity: 1, unitPriceCents: 499, orderId: order.id },
      ],
    });
    expect(order.updatedAt).toBeInstanceOf(Date);

    const withOrders = await prisma.user.findUniqueOrThrow({
      where: { id: customer.id },
      include: { orders: { include: { items: true } } },
    });
    expect(withOrders.orders).toHaveLength(1);
    expect(withOrders.orders[0].items).toHaveLength(2);
  });

  it('stores the status enum and bumps updatedAt on change', async () => {
    const customer = await createUser();
    const order = await prisma.order.create({ data: { customerId: customer.id, totalCents: 100 } });

    const cancelled = await prisma.order.update({
      where: { id: order.id },
      data: { status: 'CANCELLED' },
    });

    expect(cancelled.status).toBe('CANCELLED');
    expect(cancelled.updatedAt.getTime()).toBeGreaterThanOrEqual(order.updatedAt.getTime());
    expect(await prisma.order.count({ where: { status: 'CANCELLED' } })).toBe(1);
  });

  it("pages a customer's orders newest first", async () => {
    const customer = await createUser();
    const other = await createUser('bob@example.com');
    for (const [index, totalCents] of [100, 200, 300].entries()) {
      await prisma.order.create({
        data: {
          customerId: customer.id,
          totalCents,
          createdAt: new Date(Date.UTC(2026, 0, index + 1)),
        },
      });
    }
    await prisma.order.create({ data: { customerId: other.id, totalCents: 999 } });

    const page = await prisma.order.findMany({
      where: { customerId: customer.id },
      orderBy: { createdAt: 'desc' },
      take: 2,
    });

    expect(page.map((order) => order.totalCents)).toEqual([300, 200]);
  });

  it('deletes the items with their order, and refuses to delete a customer who has orders', async () => {
    const customer = await createUser();
    const order = await prisma.order.create({
      data: {
        customerId: customer.id,
        totalCents: 100,
        items: { create: { sku: 'X', quantity: 1, unitPriceCents: 100 } },
      },
    });

    // ON DELETE RESTRICT raises SQLSTATE 23001, which Prisma reports as P2039, not P2003.
    await expect(prisma.user.delete({ where: { id: customer.id } })).rejects.toThrow(
      /violates RESTRICT setting of foreign key constraint "Order_customerId_fkey"/,
    );

    await prisma.order.delete({ where: { id: order.id } });
    expect(await prisma.orderItem.count()).toBe(0);
    await expect(prisma.user.delete({ where: { id: customer.id } })).resolves.toBeDefined();
  });

  it('refuses an order for a customer that does not exist', async () => {
    await expect(
      prisma.order.create({
        data: { customerId: '00000000-0000-4000-8000-000000000000', totalCents: 1 },
      }),
    ).rejects.toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
  });

  it('has the keys and indexes schema.prisma declares, named the way Prisma names them', async () => {
    const indexes = await prisma.$queryRaw<{ indexname: string }[]>`
      SELECT indexname FROM pg_indexes
      WHERE tablename IN ('User', 'Order', 'OrderItem')`;

    expect(indexes.map((row) => row.indexname).sort()).toEqual([
      'OrderItem_orderId_idx',
      'OrderItem_pkey',
      'Order_customerId_createdAt_idx',
      'Order_pkey',
      'User_email_key',
      'User_pkey',
    ]);
  });

  it('rolls back an interactive transaction that fails half-way', async () => {
    const customer = await createUser();

    await expect(
      prisma.$transaction(async (tx) => {
        await tx.order.create({ data: { customerId: customer.id, totalCents: 1 } });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await prisma.order.count()).toBe(0);
  });

  it('tracks stock per SKU with a conditional decrement', async () => {
    const stock = await prisma.stock.create({ data: { sku: 'BOOK-1', available: 3 } });
    expect(stock.updatedAt).toBeInstanceOf(Date);
    const take = (quantity: number) =>
      prisma.stock.updateMany({
        where: { sku: 'BOOK-1', available: { gte: quantity } },
        data: { available: { decrement: quantity } },
      });
    expect(await take(2)).toEqual({ count: 1 });
    expect(await take(2)).toEqual({ count: 0 });
    expect((await prisma.stock.findUniqueOrThrow({ where: { sku: 'BOOK-1' } })).available).toBe(1);
    await expect(
      prisma.stock.create({ data: { sku: 'BOOK-1', available: 1 } }),
    ).rejects.toMatchObject({
      code: 'P2002',
    });
  });

  it('keeps run claims with a JSON result, a time zone-aware expiry and the index listExpired uses', async () => {
    const expiresAt = new Date('2026-11-30T12:00:00.123Z');
    const claim = await prisma.runClaim.create({
      data: { key: 'idempotency:k', fingerprint: 'fp', holder: 'run-1', expiresAt },
    });
    expect(claim).toEqual({
      key: 'idempotency:k',
      fingerprint: 'fp',
      holder: 'run-1',
      completed: false,
      result: null,
      payload: null,
      expiresAt,
    });
    const done = await prisma.runClaim.update({
      where: { key: 'idempotency:k' },
      data: { completed: true, result: { success: true, data: { ids: [1, 2] } } },
    });
    expect(done.result).toEqual({ success: true, data: { ids: [1, 2] } });
    const recorded = await prisma.runClaim.update({
      where: { key: 'idempotency:k' },
      data: { payload: { pipeline: 'create-order', entries: [{ operation: 'reserve' }] } },
    });
    expect(recorded.payload).toEqual({
      pipeline: 'create-order',
      entries: [{ operation: 'reserve' }],
    });
    const indexes = await prisma.$queryRaw<{ indexname: string }[]>`
      SELECT indexname FROM pg_indexes WHERE tablename = 'RunClaim'`;
    expect(indexes.map((row) => row.indexname).sort()).toEqual([
      'RunClaim_completed_expiresAt_idx',
      'RunClaim_pkey',
    ]);
  });

  it('keeps one stock reservation row per run and SKU, with its creation time', async () => {
    const reservation = await prisma.stockReservation.create({
      data: { runId: 'run-1', sku: 'BOOK-1', quantity: 2 },
    });
    expect(reservation).toEqual({
      runId: 'run-1',
      sku: 'BOOK-1',
      quantity: 2,
      createdAt: expect.any(Date),
    });
    await prisma.stockReservation.create({ data: { runId: 'run-1', sku: 'PEN-7', quantity: 1 } });
    await expect(
      prisma.stockReservation.create({ data: { runId: 'run-1', sku: 'BOOK-1', quantity: 1 } }),
    ).rejects.toMatchObject({ code: 'P2002' });
    expect(await prisma.stockReservation.deleteMany({ where: { runId: 'run-1' } })).toEqual({
      count: 2,
    });
    const indexes = await prisma.$queryRaw<{ indexname: string }[]>`
      SELECT indexname FROM pg_indexes WHERE tablename = 'StockReservation'`;
    expect(indexes.map((row) => row.indexname)).toEqual(['StockReservation_pkey']);
  });
});
