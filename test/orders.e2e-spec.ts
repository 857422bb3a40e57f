import { randomUUID } from 'node:crypto';
import { registerAndLogin, type TestUser } from './support/auth.js';
import { bootTestApp, type TestApp } from './support/test-app.js';

const items = [
  { sku: 'SKU-1001', quantity: 2, unitPriceCents: 1999 },
  { sku: 'SKU-2002', quantity: 1, unitPriceCents: 500 },
];

async function orderCount(app: TestApp): Promise<number> {
  return app.prisma.order.count();
}

describe('orders over HTTP', () => {
  let app: TestApp;
  let ada: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    app = await bootTestApp();
    ada = await registerAndLogin(app);
    bob = await registerAndLogin(app);
  });
  afterAll(() => app.close());

  it('places an order: 201, the envelope with a duration per step, and Server-Timing', async () => {
    const response = await app.request('POST', '/orders', {
      token: ada.token,
      body: { items, totalCents: 4498 },
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      success: true,
      data: { status: 'PENDING', totalCents: 4498, items: expect.arrayContaining(items) },
    });
    expect(Object.keys(response.body.metrics)).toEqual([
      'validate',
      'reserve',
      'create',
      'notify',
      'track',
    ]);
    for (const ms of Object.values<number>(response.body.metrics)) expect(ms).toBeGreaterThan(0);
    expect(response.body.duration).toBeGreaterThan(0);
    expect(response.headers.get('server-timing')).toMatch(
      /^validate;dur=[\d.]+, reserve;dur=[\d.]+, create;dur=[\d.]+, notify;dur=[\d.]+, track;dur=[\d.]+, total;dur=[\d.]+$/,
    );

    const stored = await app.prisma.order.findUniqueOrThrow({
      where: { id: response.body.data.id },
      include: { items: true },
    });
    expect(stored).toMatchObject({ customerId: ada.id, totalCents: 4498 });
    expect(stored.items).toHaveLength(2);
  });

  it('refuses a total that disagrees with the items (422) and writes nothing', async () => {
    const before = await orderCount(app);
    const response = await app.request('POST', '/orders', {
      token: ada.token,
      body: { items, totalCents: 1 },
    });
    expect(response.status).toBe(422);
    expect(response.body).toEqual({
      success: false,
      error: {
        code: 'VALIDATION',
        message: 'totalCents does not match the items',
        operation: 'validate',
        details: { expectedTotalCents: 4498 },
      },
      duration: expect.any(Number),
      metrics: { validate: expect.any(Number) },
    });
    expect(await orderCount(app)).toBe(before);
  });

  it('refuses a malformed body with 400 before any step runs', async () => {
    const response = await app.request('POST', '/orders', {
      token: ada.token,
      body: { items: [{ sku: 'SKU-1', quantity: -1, unitPriceCents: 100 }] },
    });
    expect(response.status).toBe(400);
    expect(response.body.success).toBe(false);
  });

  it('refuses anonymous callers', async () => {
    expect((await app.request('POST', '/orders', { body: { items } })).status).toBe(401);
  });

  it("gets one's own order, and 404s for another customer's or an unknown id", async () => {
    const created = await app.request('POST', '/orders', { token: ada.token, body: { items } });
    const id = created.body.data.id;
    const own = await app.request('GET', `/orders/${id}`, { token: ada.token });
    expect(own.status).toBe(200);
    expect(own.body).toEqual({ success: true, data: created.body.data });
    expect((await app.request('GET', `/orders/${id}`, { token: bob.token })).status).toBe(404);
    expect((await app.request('GET', `/orders/${randomUUID()}`, { token: ada.token })).status).toBe(
      404,
    );
    expect((await app.request('GET', '/orders/not-a-uuid', { token: ada.token })).status).toBe(400);
  });

  it('lists only my orders, newest first, a page at a time', async () => {
    const carol = await registerAndLogin(app);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const created = await app.request('POST', '/orders', { token: carol.token, body: { items } });
      ids.push(created.body.data.id);
    }
    const first = await app.request('GET', '/orders?page=1&pageSize=2', { token: carol.token });
    expect(first.status).toBe(200);
    expect(first.body.data).toMatchObject({ page: 1, pageSize: 2, total: 3 });
    const second = await app.request('GET', '/orders?page=2&pageSize=2', { token: carol.token });
    const listed = [...first.body.data.items, ...second.body.data.items].map(
      (order: { id: string }) => order.id,
    );
    expect(listed).toEqual([...ids].reverse());
    expect((await app.request('GET', '/orders?pageSize=500', { token: carol.token })).status).toBe(
      400,
    );
    expect((await app.request('GET', '/orders?page=0', { token: carol.token })).status).toBe(400);
  });

  it('cancels a pending order once; again is 409; not mine is 404', async () => {
    const created = await app.request('POST', '/orders', { token: ada.token, body: { items } });
    const id = created.body.data.id;
    expect((await app.request('POST', `/orders/${id}/cancel`, { token: bob.token })).status).toBe(
      404,
    );

    const cancelled = await app.request('POST', `/orders/${id}/cancel`, { token: ada.token });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.data.status).toBe('CANCELLED');
    expect(Object.keys(cancelled.body.metrics)).toEqual([
      'load',
      'check',
      'update',
      'notify',
      'track',
    ]);

    const again = await app.request('POST', `/orders/${id}/cancel`, { token: ada.token });
    expect(again.status).toBe(409);
    expect(again.body.error).toEqual({
      code: 'CONFLICT',
      message: 'order is already cancelled',
      operation: 'check',
    });
    expect((await app.prisma.order.findUniqueOrThrow({ where: { id } })).status).toBe('CANCELLED');
  });

  it('shows the runs on /metrics, which needs no token', async () => {
    const metrics = await app.request('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(
      /^orchestrator_operation_duration_seconds_count\{pipeline="create-order",operation="create",outcome="success",critical="true"\} [1-9]/m,
    );
  });

  it('documents every orders route in the OpenAPI document', async () => {
    const document = await app.request('GET', '/documentation/json');
    expect(Object.keys(document.body.paths)).toEqual(
      expect.arrayContaining(['/orders', '/orders/{id}', '/orders/{id}/cancel']),
    );
  });
});
