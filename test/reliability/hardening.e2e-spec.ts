import { registerAndLogin, TEST_PASSWORD, uniqueEmail } from '../support/auth.js';
import type { TestApp } from '../support/test-app.js';
import { databaseState } from './support/assertions.js';
import { bootApp, bootAppWithLogs, type LoggedApp } from './support/boot.js';
import { interceptQueries, outageError } from './support/database-faults.js';
import { rawRequest } from './support/raw-http.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const items = [{ sku: 'SKU-1001', quantity: 1, unitPriceCents: 500 }];

describe('security headers and request ids (e2e)', () => {
  let api: TestApp;
  beforeAll(async () => {
    api = await bootApp();
  }, 60_000);
  afterAll(() => api?.close());

  it('sends helmet headers on every response: success, error, unknown route, docs', async () => {
    const user = await registerAndLogin(api);
    const responses = [
      await api.request('GET', '/health'),
      await api.request('GET', '/orders', { token: user.token }),
      await api.request('GET', '/orders'),
      await api.request('GET', '/no-such-route'),
      await api.request('GET', '/documentation/json'),
    ];

    expect(responses.map((response) => response.status)).toEqual([200, 200, 401, 404, 200]);
    for (const { headers } of responses) {
      expect({
        csp: headers.get('content-security-policy'),
        nosniff: headers.get('x-content-type-options'),
        frame: headers.get('x-frame-options'),
        hsts: headers.get('strict-transport-security'),
        referrer: headers.get('referrer-policy'),
        poweredBy: headers.get('x-powered-by'),
      }).toEqual({
        csp: expect.stringContaining("default-src 'self'"),
        nosniff: 'nosniff',
        frame: 'SAMEORIGIN',
        hsts: expect.stringMatching(/^max-age=\d+/),
        referrer: 'no-referrer',
        poweredBy: null,
      });
      expect(headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    }
  });

  it('answers no CORS preflight by default: browsers on other origins are refused', async () => {
    const preflight = await rawRequest(api.baseUrl, {
      method: 'OPTIONS',
      path: '/orders',
      headers: {
        origin: 'https://evil.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    const simple = await rawRequest(api.baseUrl, {
      path: '/health',
      headers: { origin: 'https://evil.example.com' },
    });

    expect(preflight.status).toBe(404);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(simple.status).toBe(200);
    expect(simple.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('gives every response an x-request-id: a fresh UUID, or the caller’s when it is sane', async () => {
    const fresh = await Promise.all([
      rawRequest(api.baseUrl, { path: '/health' }),
      rawRequest(api.baseUrl, { path: '/no-such-route' }),
      rawRequest(api.baseUrl, { path: '/orders' }),
      rawRequest(api.baseUrl, {
        method: 'POST',
        path: '/auth/login',
        body: 'x',
        headers: { 'content-type': 'text/plain' },
      }),
      rawRequest(api.baseUrl, { path: '/orders/%E0%A4%A' }), // answered by Fastify itself
      rawRequest(api.baseUrl, {
        method: 'POST',
        path: '/auth/login',
        body: { pad: 'x'.repeat(200_000) },
      }),
    ]);
    expect(fresh.map((response) => response.status)).toEqual([200, 404, 401, 415, 400, 413]);
    const ids = fresh.map((response) => response.headers['x-request-id']);
    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(ids.length);

    const traced = await rawRequest(api.baseUrl, {
      path: '/health',
      headers: { 'x-request-id': 'lb-7f3a.2026:42_x' },
    });
    expect(traced.headers['x-request-id']).toBe('lb-7f3a.2026:42_x');

    // Anything that could forge a log line or bloat a header is replaced, not echoed.
    for (const insane of ['two words', 'a'.repeat(129), '"quoted"', 'id;rm -rf /', 'café']) {
      const response = await rawRequest(api.baseUrl, {
        path: '/health',
        headers: { 'x-request-id': insane },
      });
      expect(response.headers['x-request-id']).toMatch(UUID);
    }
  });
});

describe('CORS and the body limit, configured (e2e)', () => {
  let api: TestApp;
  beforeAll(async () => {
    api = await bootApp({ CORS_ORIGINS: 'https://app.example.com', BODY_LIMIT_BYTES: '2048' });
  }, 60_000);
  afterAll(() => api?.close());

  const preflight = (origin: string) =>
    rawRequest(api.baseUrl, {
      method: 'OPTIONS',
      path: '/orders',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });

  it('lets a listed origin in, with the headers a browser app needs to read', async () => {
    const allowed = await preflight('https://app.example.com');
    expect(allowed.status).toBe(204);
    expect(allowed.headers).toMatchObject({
      'access-control-allow-origin': 'https://app.example.com',
      'access-control-allow-methods': 'GET, POST',
      'access-control-allow-headers': 'authorization, content-type, x-request-id',
    });

    const simple = await rawRequest(api.baseUrl, {
      path: '/health',
      headers: { origin: 'https://app.example.com' },
    });
    expect(simple.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(simple.headers['access-control-expose-headers']).toBe(
      'x-request-id, server-timing, retry-after',
    );
  });

  it('gives any other origin no CORS headers', async () => {
    const denied = await preflight('https://app.example.com.evil.net');
    expect(denied.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses a body over BODY_LIMIT_BYTES with 413 and the JSON error body, writing nothing', async () => {
    const user = await registerAndLogin(api);
    const before = await databaseState(api.prisma);
    const fits = { items, totalCents: 500 };
    const tooBig = { items, note: 'x'.repeat(2048) };

    const refused = await rawRequest(api.baseUrl, {
      method: 'POST',
      path: '/orders',
      token: user.token,
      body: tooBig,
    });

    expect(refused.status).toBe(413);
    expect(refused.body).toEqual({
      success: false,
      error: { code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large' },
    });
    expect(await databaseState(api.prisma)).toEqual(before);
    const accepted = await api.request('POST', '/orders', { token: user.token, body: fits });
    expect(accepted.status).toBe(201);
  });
});

describe('auth rate limit (e2e)', () => {
  let api: TestApp;
  beforeAll(async () => {
    api = await bootApp({ AUTH_RATE_LIMIT: '3', AUTH_RATE_WINDOW: '60s' });
  }, 60_000);
  afterAll(() => api?.close());

  it('answers 429 after a burst of logins, even to the right password, and counts routes apart', async () => {
    const email = uniqueEmail();
    const registered = await api.request('POST', '/auth/register', {
      body: { email, password: TEST_PASSWORD },
    });
    expect(registered.status).toBe(201);

    const burst = await Promise.all(
      Array.from({ length: 3 }, () =>
        api.request('POST', '/auth/login', { body: { email, password: 'a wrong password guess' } }),
      ),
    );
    expect(burst.map((response) => response.status)).toEqual([401, 401, 401]);

    const limited = await api.request('POST', '/auth/login', {
      body: { email, password: TEST_PASSWORD },
    });
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({
      success: false,
      error: {
        code: 'TOO_MANY_REQUESTS',
        message: expect.stringMatching(/^Too many attempts; try again in \d+ s$/),
      },
    });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.body.error.message).toContain(`${retryAfter} s`);

    // Registration has its own budget (1 of 3 used), and other routes are not limited.
    const other = await api.request('POST', '/auth/register', {
      body: { email: uniqueEmail(), password: TEST_PASSWORD },
    });
    expect(other.status).toBe(201);
    for (let i = 0; i < 5; i++) expect((await api.request('GET', '/health')).status).toBe(200);
  });
});

describe('log lines (e2e)', () => {
  let logged: LoggedApp;
  beforeAll(async () => {
    // The notifier always fails, so every order logs a warning from inside its request.
    logged = await bootAppWithLogs({ NOTIFIER_FAIL_RATE: '1' });
  }, 60_000);
  afterAll(() => logged?.close());

  it('carry the request id, and never a secret, a password, a token or a hash', async () => {
    const { baseUrl, lines } = logged;
    const email = uniqueEmail();
    const password = 'a long and very private passphrase';
    await rawRequest(baseUrl, {
      method: 'POST',
      path: '/auth/register',
      body: { email, password },
    });
    const login = await rawRequest(baseUrl, {
      method: 'POST',
      path: '/auth/login',
      body: { email, password },
    });
    const token: string = login.body.accessToken;
    const created = await rawRequest(baseUrl, {
      method: 'POST',
      path: '/orders',
      token,
      body: { items },
      headers: { 'x-request-id': 'order-trace-1' },
    });
    expect(created.status).toBe(201);
    expect(created.body.errors).toEqual([
      { operation: 'notify', code: 'OPERATION_FAILED', message: 'the operation failed' },
    ]);

    // An outage: the error filter logs the failure with its stack, the token in the query too.
    const kind = logged.database.kind;
    const restore = interceptQueries(() => {
      throw outageError(kind);
    });
    let outage;
    try {
      outage = await rawRequest(baseUrl, {
        path: `/orders?access_token=${token}`,
        token,
        headers: { 'x-request-id': 'outage-trace-1' },
      });
    } finally {
      restore();
    }
    expect(outage.status).toBe(503);

    const notifyLine = lines.find((line) => line.includes('create-order.notify'));
    expect(notifyLine).toMatch(
      /\[Orchestrator\] \[req order-trace-1\] create-order\.notify failure/,
    );
    const outageLine = lines.find((line) => line.includes('503 DATABASE_UNAVAILABLE'));
    expect(outageLine).toMatch(/\[Exceptions\] \[req outage-trace-1\] GET \/orders -> 503/);

    const user = await logged.prisma.user.findUniqueOrThrow({ where: { email } });
    const output = lines.join('\n');
    for (const secret of [logged.jwtSecret, password, token, user.passwordHash]) {
      expect(output).not.toContain(secret);
    }
    expect(output).not.toMatch(/eyJ[\w-]+\.eyJ/);
  });
});

describe('production mode refuses working default secrets', () => {
  it.each([
    [{ JWT_SECRET: undefined }, 'JWT_SECRET is required when NODE_ENV=production'],
    [
      { JWT_SECRET: 'change-me-change-me-change-me-change-me' },
      'JWT_SECRET looks like a placeholder, not a random value',
    ],
    [{ JWT_SECRET: 'x'.repeat(64) }, 'JWT_SECRET looks like a placeholder, not a random value'],
    [
      {
        JWT_SECRET: 'q8Vx1rJt2L0mZ9kNf3Hd6WsYb4Gc7Ae5Pu-TnK_oRiEw',
        DATABASE_URL: 'postgresql://app:secret@127.0.0.1:1/orders',
      },
      'DATABASE_URL uses a well-known password',
    ],
  ])('%j: the app does not start', async (env, reason) => {
    await expect(bootApp({ NODE_ENV: 'production', ...env })).rejects.toThrow(reason);
  });
});
