import { JwtService } from '@nestjs/jwt';
import { registerAndLogin, TEST_PASSWORD, uniqueEmail } from './support/auth.js';
import { bootTestApp, type TestApp } from './support/test-app.js';

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('auth (e2e)', () => {
  let api: TestApp;

  beforeAll(async () => {
    api = await bootTestApp();
  }, 60_000);
  afterAll(() => api?.close());

  describe('POST /auth/register', () => {
    it('creates the account, stores only a scrypt hash, and returns a token', async () => {
      const email = uniqueEmail('Ada');

      const response = await api.request('POST', '/auth/register', {
        body: { email: `  ${email.toUpperCase()} `, password: TEST_PASSWORD },
      });

      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        accessToken: expect.any(String),
        tokenType: 'Bearer',
        expiresIn: 900,
        user: { id: expect.any(String), email: email.toLowerCase(), createdAt: expect.any(String) },
      });
      expect(JSON.stringify(response.body)).not.toContain(TEST_PASSWORD);
      const stored = await api.prisma.user.findUniqueOrThrow({
        where: { email: email.toLowerCase() },
      });
      expect(stored.passwordHash).toMatch(/^scrypt\$/);
      expect(stored.passwordHash).not.toContain(TEST_PASSWORD);
    });

    it('answers 409 for an email that is already registered, whatever its case', async () => {
      const { email } = await registerAndLogin(api);

      const response = await api.request('POST', '/auth/register', {
        body: { email: email.toUpperCase(), password: 'another long password' },
      });

      expect(response.status).toBe(409);
      expect(response.body).toEqual({
        success: false,
        error: { code: 'EMAIL_TAKEN', message: 'An account with this email already exists' },
      });
    });

    it('answers 400 for a weak password or a bad email, and creates nothing', async () => {
      const email = uniqueEmail();

      const weak = await api.request('POST', '/auth/register', {
        body: { email, password: 'short-pass1' },
      });
      const badEmail = await api.request('POST', '/auth/register', {
        body: { email: 'not-an-email', password: TEST_PASSWORD },
      });

      expect(weak.status).toBe(400);
      expect(weak.body).toEqual({
        success: false,
        error: {
          code: 'VALIDATION_FAILED',
          message: 'Invalid request: password must be longer than or equal to 12 characters',
          details: [
            {
              field: 'password',
              errors: ['password must be longer than or equal to 12 characters'],
            },
          ],
        },
      });
      expect(badEmail.status).toBe(400);
      expect(badEmail.body.error.message).toBe('Invalid request: email must be an email');
      expect(await api.prisma.user.count({ where: { email } })).toBe(0);
    });

    it('refuses fields it does not know', async () => {
      const response = await api.request('POST', '/auth/register', {
        body: { email: uniqueEmail(), password: TEST_PASSWORD, role: 'admin' },
      });

      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: [{ field: 'role', errors: ['property role should not exist'] }],
      });
    });
  });

  describe('POST /auth/login', () => {
    it('returns a bearer token that expires in JWT_EXPIRES_IN (15 minutes by default)', async () => {
      const { email } = await registerAndLogin(api);

      const response = await api.request('POST', '/auth/login', {
        body: { email, password: TEST_PASSWORD },
      });

      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        accessToken: expect.any(String),
        tokenType: 'Bearer',
        expiresIn: 900,
      });
      const [header, claims] = response.body.accessToken
        .split('.')
        .slice(0, 2)
        .map((part: string) => JSON.parse(Buffer.from(part, 'base64url').toString()));
      expect(header.alg).toBe('HS256');
      expect(claims.exp - claims.iat).toBe(900);
    });

    it('says the same thing for a wrong password and for an unknown email', async () => {
      const { email } = await registerAndLogin(api);

      const wrongPassword = await api.request('POST', '/auth/login', {
        body: { email, password: 'not the right password' },
      });
      const unknownEmail = await api.request('POST', '/auth/login', {
        body: { email: uniqueEmail('nobody'), password: 'not the right password' },
      });

      const refusal = {
        success: false,
        error: { code: 'INVALID_CREDENTIALS', message: 'Invalid email or password' },
      };
      expect(wrongPassword.status).toBe(401);
      expect(wrongPassword.body).toEqual(refusal);
      expect(unknownEmail.status).toBe(401);
      expect(unknownEmail.body).toEqual(refusal);
    });
  });

  describe('the global guard (GET /auth/me)', () => {
    const invalidToken = {
      success: false,
      error: { code: 'INVALID_TOKEN', message: 'Invalid or expired access token' },
    };

    it('lets a valid token through and tells the handler who is calling', async () => {
      const user = await registerAndLogin(api);

      const response = await api.request('GET', '/auth/me', { token: user.token });

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ id: user.id, email: user.email });
    });

    it('answers 401 without a bearer token', async () => {
      const response = await api.request('GET', '/auth/me');

      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('MISSING_TOKEN');
    });

    it('answers 401 for tokens that are malformed, unsigned, of another algorithm or secret, or expired', async () => {
      const user = await registerAndLogin(api);
      const now = Math.floor(Date.now() / 1000);
      const claims = { sub: user.id, iat: now, exp: now + 600 };
      const ours = new JwtService({ secret: api.jwtSecret });
      const [, , signature] = user.token.split('.');

      const forged = [
        'not-a-jwt',
        `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`,
        ours.sign(claims, { algorithm: 'HS512' }),
        new JwtService({ secret: 'another secret of at least 32 chars!!' }).sign(claims),
        ours.sign({ sub: user.id, iat: now - 3600, exp: now - 60 }),
        // Our signature over someone else's claims.
        `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url({ ...claims, sub: 'x' })}.${signature}`,
      ];

      for (const token of forged) {
        const response = await api.request('GET', '/auth/me', { token });
        expect({ token, status: response.status, body: response.body }).toEqual({
          token,
          status: 401,
          body: invalidToken,
        });
      }
    });

    it('answers 401 once the token’s user has been deleted', async () => {
      const user = await registerAndLogin(api);
      await api.prisma.user.delete({ where: { id: user.id } });

      const response = await api.request('GET', '/auth/me', { token: user.token });

      expect(response.status).toBe(401);
      expect(response.body).toEqual(invalidToken);
    });
  });
});
