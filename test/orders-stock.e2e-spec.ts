import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { AppModule } from '../src/app.module.js';
import { configureApp } from '../src/app.setup.js';
import { PrismaService } from '../src/database/prisma.service.js';
import { OrdersRepository, StockReservationLostError } from '../src/orders/orders.repository.js';
import { StockRepository } from '../src/orders/stock.repository.js';
import { registerAndLogin } from './support/auth.js';
import { bootTestApp, type TestApp } from './support/test-app.js';

const item = (sku: string, quantity: number) => ({ sku, quantity, unitPriceCents: 100 });

async function available(prisma: PrismaService, sku: string): Promise<number | undefined> {
  return (await prisma.stock.findUnique({ where: { sku } }))?.available;
}

describe('stock reservation', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await bootTestApp();
  });
  afterAll(() => app.close());

  it('takes tracked stock, leaves untracked SKUs alone, and gives it back on cancel', async () => {
    await app.prisma.stock.create({ data: { sku: 'LAMP-1', available: 5 } });
    const user = await registerAndLogin(app);
    const placed = await app.request('POST', '/orders', {
      token: user.token,
      body: { items: [item('LAMP-1', 3), item('GIFT-CARD', 1)] },
    });
    expect(placed.status).toBe(201);
    expect(await available(app.prisma, 'LAMP-1')).toBe(2);
    // The order consumed its reservation: nothing is left for a release to give back.
    expect(await app.prisma.stockReservation.count()).toBe(0);

    const cancelled = await app.request('POST', `/orders/${placed.body.data.id}/cancel`, {
      token: user.token,
    });
    expect(cancelled.status).toBe(200);
    expect(await available(app.prisma, 'LAMP-1')).toBe(5);
  });

  it('refuses an order short of stock with 409, taking nothing and writing nothing', async () => {
    await app.prisma.stock.createMany({
      data: [
        { sku: 'CHAIR-1', available: 10 },
        { sku: 'DESK-1', available: 1 },
      ],
    });
    const user = await registerAndLogin(app);
    const refused = await app.request('POST', '/orders', {
      token: user.token,
      body: { items: [item('CHAIR-1', 4), item('DESK-1', 2)] },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toEqual({
      code: 'CONFLICT',
      message: 'not enough stock for DESK-1',
      operation: 'reserve',
      details: { sku: 'DESK-1' },
    });
    expect(await available(app.prisma, 'CHAIR-1')).toBe(10);
    expect(await available(app.prisma, 'DESK-1')).toBe(1);
    expect(await app.prisma.order.count({ where: { customerId: user.id } })).toBe(0);
  });
});

describe('stock reservations recorded by run id', () => {
  let app: TestApp;
  let stock: StockRepository;
  let orders: OrdersRepository;
  let customerId: string;
  beforeAll(async () => {
    app = await bootTestApp();
    stock = app.app.get(StockRepository);
    orders = app.app.get(OrdersRepository);
    customerId = (await registerAndLogin(app)).id;
  });
  afterAll(() => app.close());
  beforeEach(async () => {
    await app.prisma.stockReservation.deleteMany();
    await app.prisma.stock.deleteMany();
    await app.prisma.stock.createMany({
      data: [
        { sku: 'BED-1', available: 10 },
        { sku: 'RUG-1', available: 10 },
      ],
    });
  });

  const reservationsOf = (runId: string) =>
    app.prisma.stockReservation.findMany({
      where: { runId },
      orderBy: { sku: 'asc' },
      select: { sku: true, quantity: true },
    });
  const levels = async () => [
    await available(app.prisma, 'BED-1'),
    await available(app.prisma, 'RUG-1'),
  ];

  it('records what a run took, tracked SKUs only, with the decrement', async () => {
    const taken = await stock.reserve('run-a', [
      item('BED-1', 2),
      item('GIFT-CARD', 1),
      item('RUG-1', 3),
    ]);

    expect(taken).toEqual([
      { sku: 'BED-1', quantity: 2 },
      { sku: 'RUG-1', quantity: 3 },
    ]);
    expect(await reservationsOf('run-a')).toEqual(taken);
    expect(await levels()).toEqual([8, 7]);
  });

  it('records nothing when the reservation is refused', async () => {
    await expect(stock.reserve('run-a', [item('BED-1', 2), item('RUG-1', 11)])).rejects.toThrow(
      'not enough stock for RUG-1',
    );

    expect(await app.prisma.stockReservation.count()).toBe(0);
    expect(await levels()).toEqual([10, 10]);
  });

  it('releases exactly what the run holds, once, however often it is asked', async () => {
    await stock.reserve('run-a', [item('BED-1', 2), item('RUG-1', 3)]);
    await stock.reserve('run-b', [item('BED-1', 4)]);

    await expect(stock.release('run-a')).resolves.toEqual(
      expect.arrayContaining([
        { sku: 'BED-1', quantity: 2 },
        { sku: 'RUG-1', quantity: 3 },
      ]),
    );
    await expect(stock.release('run-a')).resolves.toEqual([]);
    await expect(stock.release('never-reserved')).resolves.toEqual([]);

    expect(await levels()).toEqual([6, 10]);
    expect(await reservationsOf('run-a')).toEqual([]);
    expect(await reservationsOf('run-b')).toEqual([{ sku: 'BED-1', quantity: 4 }]);
  });

  it('gives back once when releases of one run race (its own compensation and a sweep)', async () => {
    await stock.reserve('run-a', [item('BED-1', 2), item('RUG-1', 3)]);

    const released = await Promise.all(Array.from({ length: 6 }, () => stock.release('run-a')));

    expect(released.flat()).toHaveLength(2);
    expect(await levels()).toEqual([10, 10]);
  });

  it('gives nothing back for a run whose order was written: the order consumed the reservation', async () => {
    const items = [item('BED-1', 2), item('RUG-1', 3)];
    const reservation = await stock.reserve('run-a', items);
    const order = await orders.create(customerId, 500, items, { runId: 'run-a', reservation });

    await expect(stock.release('run-a')).resolves.toEqual([]);
    expect(await levels()).toEqual([8, 7]);
    expect(await app.prisma.order.count({ where: { id: order.id } })).toBe(1);
  });

  it('refuses to write an order whose reservation was released meanwhile, writing nothing', async () => {
    const items = [item('BED-1', 2)];
    const reservation = await stock.reserve('run-a', items);
    await stock.release('run-a');
    const before = await app.prisma.order.count();

    await expect(
      orders.create(customerId, 200, items, { runId: 'run-a', reservation }),
    ).rejects.toBeInstanceOf(StockReservationLostError);
    expect(await app.prisma.order.count()).toBe(before);
    expect(await levels()).toEqual([10, 10]);
  });
});

describe('stock compensation when the order cannot be written', () => {
  let app: NestFastifyApplication;
  let baseUrl: string;

  beforeAll(async () => {
    process.env.PGLITE_DATA_DIR = 'memory://';
    delete process.env.DATABASE_URL;
    process.env.JWT_SECRET = randomBytes(32).toString('hex');
    // The real app, except that writing the order fails after stock was taken.
    const module = await Test.createTestingModule({ imports: [AppModule] })
      .overrideProvider(OrdersRepository)
      .useFactory({
        factory: (prisma: PrismaService) => {
          const real = new OrdersRepository(prisma);
          real.create = () => Promise.reject(new Error('connection lost while inserting'));
          return real;
        },
        inject: [PrismaService],
      })
      .compile();
    app = module.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
      logger: false,
    });
    configureApp(app, { swaggerUi: false });
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(() => app.close());

  it('releases the reserved units, and says which step failed and what was undone', async () => {
    const prisma = app.get(PrismaService);
    await prisma.stock.create({ data: { sku: 'SOFA-1', available: 4 } });
    const send = (path: string, body: unknown, token?: string) =>
      fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });
    const credentials = { email: 'stock@example.com', password: 'correct horse battery staple' };
    expect((await send('/auth/register', credentials)).status).toBe(201);
    const { accessToken } = (await (await send('/auth/login', credentials)).json()) as {
      accessToken: string;
    };

    const response = await send('/orders', { items: [item('SOFA-1', 3)] }, accessToken);
    expect(response.status).toBe(500);
    const body = (await response.json()) as {
      error: { operation: string; message: string };
      metrics: object;
    };
    expect(body.error).toMatchObject({ operation: 'create', message: 'the operation failed' });
    expect(Object.keys(body.metrics)).toEqual(['validate', 'reserve', 'create']);
    expect(await available(prisma, 'SOFA-1')).toBe(4);
    expect(await prisma.order.count()).toBe(0);
    expect(await prisma.stockReservation.count()).toBe(0);
  });
});
