import { bootTestApp, type TestApp } from './support/test-app.js';

describe('app shell (e2e)', () => {
  let api: TestApp;

  beforeAll(async () => {
    api = await bootTestApp();
  }, 60_000);
  afterAll(() => api?.close());

  it('GET /health answers 200 without a token when the database is reachable', async () => {
    const response = await api.request('GET', '/health');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok', database: 'up' });
  });

  it('answers an unknown route with the common error body', async () => {
    const response = await api.request('GET', '/no-such-route');

    expect(response.status).toBe(404);
    expect(response.body).toEqual({
      success: false,
      error: { code: 'NOT_FOUND', message: 'Cannot GET /no-such-route' },
    });
  });

  it('answers malformed JSON with 400 and no parser internals', async () => {
    const response = await api.request('POST', '/auth/login', {
      body: '{"email": "ada@example.com",',
      headers: { 'content-type': 'application/json' },
    });

    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      success: false,
      error: { code: 'INVALID_JSON', message: 'The request body is not valid JSON' },
    });
    expect(JSON.stringify(response.body)).not.toMatch(/ at |node_modules/);
  });

  it('serves the OpenAPI document with bearer auth declared and the public routes open', async () => {
    const response = await api.request('GET', '/documentation/json');

    expect(response.status).toBe(200);
    expect(response.body.info.title).toBe('nest-orchestrator starter');
    expect(response.body.components.securitySchemes.bearer).toEqual({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
    expect(response.body.security).toEqual([{ bearer: [] }]);
    expect(response.body.paths['/auth/login'].post.security).toEqual([{}]);
    expect(response.body.paths['/health'].get.security).toEqual([{}]);
    expect(response.body.paths['/auth/me'].get.security).toBeUndefined();
  });
});

describe('app shell when the database is unreachable (e2e)', () => {
  let api: TestApp;

  beforeAll(async () => {
    api = await bootTestApp();
  }, 60_000);
  afterAll(() => api?.close());

  it('answers 503 DATABASE_UNAVAILABLE from /health and from routes that need the database', async () => {
    // PostgreSQL: the server refuses connections to the test database and drops open ones, and
    // lets them in again afterwards. PGlite lives in the app's process: the outage is closing it.
    const { database } = api;
    if (database.cutConnections) await database.cutConnections();
    else await api.prisma.onApplicationShutdown();

    const startedAt = Date.now();
    const health = await api.request('GET', '/health');
    const login = await api.request('POST', '/auth/login', {
      body: { email: 'ada@example.com', password: 'correct horse battery staple' },
    });

    expect(health.status).toBe(503);
    expect(health.body).toEqual({
      success: false,
      error: { code: 'DATABASE_UNAVAILABLE', message: 'The database is unreachable' },
    });
    expect(login.status).toBe(503);
    expect(login.body.error.code).toBe('DATABASE_UNAVAILABLE');
    expect(Date.now() - startedAt).toBeLessThan(5_000);

    if (database.restoreConnections) {
      await database.restoreConnections();
      expect((await api.request('GET', '/health')).status).toBe(200);
    }
  });
});

describe('app boot', () => {
  it('refuses to start in production without JWT_SECRET, saying why', async () => {
    await expect(
      bootTestApp({ env: { NODE_ENV: 'production', JWT_SECRET: undefined } }),
    ).rejects.toThrow('JWT_SECRET is required when NODE_ENV=production');
  });
});
