import { randomUUID } from 'node:crypto';
import { registerAndLogin, type TestUser } from './support/auth.js';
import { bootTestApp, type TestApp } from './support/test-app.js';

const SKU = 'SKU-IDEM';
const items = [{ sku: SKU, quantity: 2, unitPriceCents: 1000 }];
const body = { items, totalCents: 2000 };

const INVALID_KEY = {
  success: false,
  error: {
    code: 'INVALID_IDEMPOTENCY_KEY',
    message: 'Idempotency-Key must be 1 to 255 printable ASCII characters',
  },
};

describe('Idempotency-Key on POST /orders and POST /orders/:id/cancel', () => {
  let app: TestApp;
  let ada: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    app = await bootTestApp();
    ada = await registerAndLogin(app);
    bob = await registerAndLogin(app);
  });
  afterAll(() => app.close());

  beforeEach(async () => {
    await app.prisma.stock.deleteMany();
    await app.prisma.stock.create({ data: { sku: SKU, available: 100 } });
  });

  const place = (key?: string, user = ada, payload: unknown = body) =>
    app.request('POST', '/orders', {
      token: user.token,
      body: payload,
      headers: key === undefined ? {} : { 'idempotency-key': key },
    });
  const available = async () =>
    (await app.prisma.stock.findUniqueOrThrow({ where: { sku: SKU } })).available;
  const ordersOf = (user: TestUser) => app.prisma.order.count({ where: { customerId: user.id } });

  it('runs the first request, then replays its status and body without running again', async () => {
    const key = randomUUID();
    const before = await ordersOf(ada);

    const first = await place(key);
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(first.body).toMatchObject({ success: true, data: { status: 'PENDING' } });

    const replay = await place(key);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect(replay.body.data.id).toBe(first.body.data.id);

    expect(await ordersOf(ada)).toBe(before + 1);
    expect(await available()).toBe(98);
  });

  it('treats the same body with its keys in another order as the same request', async () => {
    const key = randomUUID();
    const first = await place(key);
    const reordered = await place(key, ada, {
      totalCents: 2000,
      items: [{ unitPriceCents: 1000, quantity: 2, sku: SKU }],
    });

    expect(reordered.status).toBe(201);
    expect(reordered.headers.get('idempotent-replayed')).toBe('true');
    expect(reordered.body.data.id).toBe(first.body.data.id);
  });

  it('makes one order of many concurrent requests with one key; the others share it or get 409', async () => {
    const key = randomUUID();
    const before = await ordersOf(ada);

    const responses = await Promise.all(Array.from({ length: 8 }, () => place(key)));

    expect(await ordersOf(ada)).toBe(before + 1);
    expect(await available()).toBe(98);
    const created = responses.filter((response) => response.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((response) => response.body.data.id)).size).toBe(1);
    for (const response of responses.filter((r) => r.status !== 201)) {
      expect(response.status).toBe(409);
      expect(response.body.error.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    }
  });

  it('answers 409 (same body) or 422 (another) while another instance holds the key, running nothing', async () => {
    const key = randomUUID();
    await app.prisma.runClaim.create({
      data: {
        key: `idempotency:${ada.id}:${key}`,
        fingerprint: 'whatever another instance computed',
        holder: 'run-on-another-instance',
        expiresAt: new Date(Date.now() + 60_000),
      },
    });
    const before = await ordersOf(ada);

    const response = await place(key);

    // The fingerprint differs, so the mismatch answer wins; with the same one it is 409.
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('IDEMPOTENCY_KEY_MISMATCH');
    await app.prisma.runClaim.deleteMany({ where: { holder: 'run-on-another-instance' } });

    const runningKey = randomUUID();
    const first = await place(runningKey);
    // Turn the completed row back into a live claim of another holder, as a run elsewhere is.
    await app.prisma.runClaim.update({
      where: { key: `idempotency:${ada.id}:${runningKey}` },
      data: {
        completed: false,
        holder: 'run-on-another-instance',
        expiresAt: new Date(Date.now() + 60_000),
      },
    });
    const running = await place(runningKey);
    expect(running.status).toBe(409);
    expect(running.body).toMatchObject({
      success: false,
      error: { code: 'IDEMPOTENCY_IN_PROGRESS', operation: '' },
    });
    expect(first.status).toBe(201);
    expect(await ordersOf(ada)).toBe(before + 1);
  });

  it('refuses the same key with another body (422) and leaves everything as it was', async () => {
    const key = randomUUID();
    await place(key);
    const before = await ordersOf(ada);

    const other = await place(key, ada, {
      items: [{ sku: SKU, quantity: 3, unitPriceCents: 1000 }],
      totalCents: 3000,
    });

    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({
      success: false,
      error: { code: 'IDEMPOTENCY_KEY_MISMATCH', operation: '' },
    });
    expect(other.headers.get('idempotent-replayed')).toBeNull();
    expect(await ordersOf(ada)).toBe(before);
    expect(await available()).toBe(98);
  });

  it("scopes keys to the user: another customer's same key runs his own request", async () => {
    const key = randomUUID();
    const mine = await place(key);
    const his = await place(key, bob);

    expect(his.status).toBe(201);
    expect(his.headers.get('idempotent-replayed')).toBeNull();
    expect(his.body.data.id).not.toBe(mine.body.data.id);
  });

  it('keeps a refusal by validate as the answer of its key', async () => {
    const key = randomUUID();
    const wrongTotal = { items, totalCents: 1 };

    const first = await place(key, ada, wrongTotal);
    const replay = await place(key, ada, wrongTotal);

    expect(first.status).toBe(422);
    expect(first.body.error.code).toBe('VALIDATION');
    expect(replay.status).toBe(422);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
  });

  it.each([
    ['256 characters', 'k'.repeat(256)],
    ['a non-ASCII character', 'clé-1'],
    ['a control character', 'a\tb'],
  ])('refuses a key of %s with 400 and writes nothing', async (_, key) => {
    const before = await ordersOf(ada);

    const response = await place(key);

    expect(response.status).toBe(400);
    expect(response.body).toEqual(INVALID_KEY);
    expect(await ordersOf(ada)).toBe(before);
    expect(await available()).toBe(100);
  });

  it('takes a key of exactly 255 printable characters', async () => {
    const key = ` !~${'x'.repeat(250)}Z9`;
    expect(key).toHaveLength(255);

    expect((await place(key)).status).toBe(201);
    expect((await place(key)).headers.get('idempotent-replayed')).toBe('true');
  });

  it('replays a cancel with its key, and refuses that key for another order', async () => {
    const order = (await place()).body.data;
    const other = (await place()).body.data;
    const key = randomUUID();
    const cancel = (id: string, cancelKey?: string) =>
      app.request('POST', `/orders/${id}/cancel`, {
        token: ada.token,
        headers: cancelKey === undefined ? {} : { 'idempotency-key': cancelKey },
      });

    const first = await cancel(order.id, key);
    expect(first.status).toBe(200);
    expect(first.body.data).toMatchObject({ id: order.id, status: 'CANCELLED' });

    const replay = await cancel(order.id, key);
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    // Without the key the same cancel runs again and is refused: the replay did not run.
    expect((await cancel(order.id)).status).toBe(409);
    // Stock came back once: 100 - 2 orders * 2 + 2.
    expect(await available()).toBe(98);

    const elsewhere = await cancel(other.id, key);
    expect(elsewhere.status).toBe(422);
    expect(elsewhere.body.error.code).toBe('IDEMPOTENCY_KEY_MISMATCH');
    expect(await app.prisma.order.findUniqueOrThrow({ where: { id: other.id } })).toMatchObject({
      status: 'PENDING',
    });
  });

  it('without a key, behaves as before: every request runs', async () => {
    const before = await ordersOf(ada);

    const first = await place();
    const second = await place();

    expect([first.status, second.status]).toEqual([201, 201]);
    expect(first.body.data.id).not.toBe(second.body.data.id);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(await ordersOf(ada)).toBe(before + 2);
    expect(await available()).toBe(96);
    expect(await app.prisma.runClaim.count({ where: { key: { contains: 'undefined' } } })).toBe(0);
  });
});
