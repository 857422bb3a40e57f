import { JwtService } from '@nestjs/jwt';
import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { registerAndLogin, TEST_PASSWORD, uniqueEmail, type TestUser } from '../support/auth.js';
import { bootTestApp, type Json, type TestApp } from '../support/test-app.js';
import { databaseState, internalsIn } from './support/assertions.js';
import { rawRequest, type RawRequest } from './support/raw-http.js';

// Every way a request can be wrong, one row each: the status and the whole JSON body it gets,
// with no stack trace or SQL in it, and, for writes, a database exactly as it was before.

interface Fixtures {
  ada: TestUser;
  bob: TestUser;
  /** Token of a user deleted after logging in. */
  ghostToken: string;
  adaOrderId: string;
  bobOrderId: string;
  jwtSecret: string;
}

interface Case {
  name: string;
  request: (f: Fixtures) => RawRequest;
  status: number;
  body: Json | ((f: Fixtures) => Json);
}

const item = { sku: 'SKU-1001', quantity: 2, unitPriceCents: 1999 };
const json = { 'content-type': 'application/json' };
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

const error = (code: string, message: string) => ({ success: false, error: { code, message } });
/** The validation pipe's 400: one entry per field, every message also in `message`. */
const invalid = (...fields: Array<[string, ...string[]]>) => ({
  success: false,
  error: {
    code: 'VALIDATION_FAILED',
    message: `Invalid request: ${fields.flatMap(([, ...errors]) => errors).join('; ')}`,
    details: fields.map(([field, ...errors]) => ({ field, errors })),
  },
});
/** A pipeline's refusal: which operation said no, with the timings of what ran. */
const refused = (
  code: string,
  message: string,
  operation: string,
  metrics: string[],
  details?: unknown,
) => ({
  success: false,
  error: { code, message, operation, ...(details === undefined ? {} : { details }) },
  duration: expect.any(Number),
  metrics: Object.fromEntries(metrics.map((name) => [name, expect.any(Number)])),
});

const missingToken = error(
  'MISSING_TOKEN',
  'This route needs an "Authorization: Bearer <accessToken>" header',
);
const invalidToken = error('INVALID_TOKEN', 'Invalid or expired access token');
const notJson = error(
  'UNSUPPORTED_MEDIA_TYPE',
  'Send the request body as JSON, with "Content-Type: application/json"',
);
const forbiddenKey = (key: string) =>
  error('FORBIDDEN_KEY', `The request body must not contain the key "${key}"`);
const skuMessage = 'sku must be 1-32 upper-case letters, digits or dashes';
// class-validator lists every constraint of a missing array, the maximum size included.
const ITEMS_MISSING: [string, ...string[]] = [
  'items',
  'items must contain no more than 100 elements',
  'items must contain at least 1 elements',
  'items must be an array',
];
const itemsMissing = invalid(ITEMS_MISSING);

const claims = (sub: string, lifetime = 600) => {
  const now = Math.floor(Date.now() / 1000);
  return { sub, iat: now, exp: now + lifetime };
};
const createOrder = (token: string | undefined, body: unknown, headers?: Record<string, string>) =>
  ({ method: 'POST', path: '/orders', token, body, headers }) satisfies RawRequest;
const withSku = (sku: string) => createOrder(undefined, { items: [{ ...item, sku }] });

const cases: Case[] = [
  // The body as bytes.
  {
    name: 'malformed JSON',
    request: (f) => createOrder(f.ada.token, '{"items": [', json),
    status: 400,
    body: error('INVALID_JSON', 'The request body is not valid JSON'),
  },
  {
    name: 'JSON sent as text/plain',
    request: (f) =>
      createOrder(f.ada.token, JSON.stringify({ items: [item] }), { 'content-type': 'text/plain' }),
    status: 415,
    body: notJson,
  },
  {
    name: 'a form instead of JSON',
    request: (f) =>
      createOrder(f.ada.token, 'items[0][sku]=SKU-1', {
        'content-type': 'application/x-www-form-urlencoded',
      }),
    status: 415,
    body: notJson,
  },
  {
    name: 'a body with no content type',
    request: (f) => createOrder(f.ada.token, JSON.stringify({ items: [item] })),
    status: 415,
    body: notJson,
  },
  {
    name: 'an empty body declared as JSON',
    request: (f) => createOrder(f.ada.token, '', json),
    status: 400,
    body: error('EMPTY_BODY', 'The request body is empty; send a JSON object'),
  },
  {
    name: 'no body at all',
    request: (f) => ({ method: 'POST', path: '/orders', token: f.ada.token }),
    status: 400,
    body: itemsMissing,
  },
  {
    name: 'JSON null',
    request: (f) => createOrder(f.ada.token, 'null', json),
    status: 400,
    body: itemsMissing,
  },
  {
    name: 'a JSON array instead of an object',
    request: (f) => createOrder(f.ada.token, [item]),
    status: 400,
    body: invalid(['0', 'property 0 should not exist'], ITEMS_MISSING),
  },
  {
    name: 'a body over the size limit',
    request: (f) => createOrder(f.ada.token, { items: [item], note: 'x'.repeat(200 * 1024) }),
    status: 413,
    body: error('PAYLOAD_TOO_LARGE', 'Request body is too large'),
  },
  {
    name: 'JSON nested absurdly deep',
    request: (f) =>
      createOrder(f.ada.token, `{"items":${'['.repeat(5000)}${']'.repeat(5000)}}`, json),
    status: 400,
    body: error('BODY_TOO_DEEP', 'The request body is nested more than 16 levels deep'),
  },

  // Fields missing, extra, or polluting prototypes.
  {
    name: 'missing items',
    request: (f) => createOrder(f.ada.token, { totalCents: 100 }),
    status: 400,
    body: itemsMissing,
  },
  {
    name: 'an extra field (customerId is never taken from the body)',
    request: (f) => createOrder(f.ada.token, { items: [item], customerId: f.bob.id }),
    status: 400,
    body: invalid(['customerId', 'property customerId should not exist']),
  },
  {
    name: 'an extra field inside an item',
    request: (f) => createOrder(f.ada.token, { items: [{ ...item, discountCents: 500 }] }),
    status: 400,
    body: invalid(['items.0.discountCents', 'property discountCents should not exist']),
  },
  {
    name: 'a __proto__ key',
    request: (f) =>
      createOrder(
        f.ada.token,
        `{"items":[${JSON.stringify(item)}],"__proto__":{"admin":true}}`,
        json,
      ),
    status: 400,
    body: forbiddenKey('__proto__'),
  },
  {
    name: 'a __proto__ key spelled with unicode escapes, inside an item',
    request: (f) =>
      createOrder(
        f.ada.token,
        '{"items":[{"sku":"SKU-1","quantity":1,"unitPriceCents":1,"\\u005f_proto__":{}}]}',
        json,
      ),
    status: 400,
    body: forbiddenKey('__proto__'),
  },
  {
    name: 'a constructor.prototype key',
    request: (f) =>
      createOrder(
        f.ada.token,
        `{"items":[${JSON.stringify(item)}],"constructor":{"prototype":{"admin":true}}}`,
        json,
      ),
    status: 400,
    body: forbiddenKey('constructor'),
  },

  // Wrong types and out-of-range numbers.
  {
    name: 'items as a string',
    request: (f) => createOrder(f.ada.token, { items: 'SKU-1001' }),
    status: 400,
    body: invalid([
      ...ITEMS_MISSING,
      'each value in nested property items must be either object or array',
    ]),
  },
  {
    name: 'a quantity sent as a string',
    request: (f) => createOrder(f.ada.token, { items: [{ ...item, quantity: '2' }] }),
    status: 400,
    body: invalid([
      'items.0.quantity',
      'quantity must not be greater than 1000',
      'quantity must not be less than 1',
      'quantity must be an integer number',
    ]),
  },
  {
    name: 'a zero quantity',
    request: (f) => createOrder(f.ada.token, { items: [{ ...item, quantity: 0 }] }),
    status: 400,
    body: invalid(['items.0.quantity', 'quantity must not be less than 1']),
  },
  {
    name: 'a negative quantity',
    request: (f) => createOrder(f.ada.token, { items: [{ ...item, quantity: -3 }] }),
    status: 400,
    body: invalid(['items.0.quantity', 'quantity must not be less than 1']),
  },
  {
    name: 'a fractional quantity',
    request: (f) => createOrder(f.ada.token, { items: [{ ...item, quantity: 1.5 }] }),
    status: 400,
    body: invalid(['items.0.quantity', 'quantity must be an integer number']),
  },
  {
    name: 'a huge quantity (1e308)',
    request: (f) =>
      createOrder(
        f.ada.token,
        '{"items":[{"sku":"SKU-1","quantity":1e308,"unitPriceCents":1}]}',
        json,
      ),
    status: 400,
    body: invalid(['items.0.quantity', 'quantity must not be greater than 1000']),
  },
  {
    name: 'a zero price',
    request: (f) => createOrder(f.ada.token, { items: [{ ...item, unitPriceCents: 0 }] }),
    status: 400,
    body: invalid(['items.0.unitPriceCents', 'unitPriceCents must not be less than 1']),
  },
  {
    name: 'a negative price',
    request: (f) => createOrder(f.ada.token, { items: [{ ...item, unitPriceCents: -1999 }] }),
    status: 400,
    body: invalid(['items.0.unitPriceCents', 'unitPriceCents must not be less than 1']),
  },
  {
    name: 'a price beyond any integer column (1e21)',
    request: (f) => createOrder(f.ada.token, { items: [{ ...item, unitPriceCents: 1e21 }] }),
    status: 400,
    body: invalid(['items.0.unitPriceCents', 'unitPriceCents must not be greater than 10000000']),
  },
  {
    name: 'a total that overflows int4 although each line is in range',
    request: (f) =>
      createOrder(f.ada.token, {
        items: Array.from({ length: 3 }, (_, i) => ({
          sku: `BIG-${i}`,
          quantity: 1000,
          unitPriceCents: 10_000_000,
        })),
      }),
    status: 422,
    body: refused('VALIDATION', 'the order total is too large', 'validate', ['validate']),
  },
  {
    name: 'a client total that disagrees with the items',
    request: (f) => createOrder(f.ada.token, { items: [item], totalCents: 1 }),
    status: 422,
    body: refused('VALIDATION', 'totalCents does not match the items', 'validate', ['validate'], {
      expectedTotalCents: 3998,
    }),
  },
  {
    name: 'a negative client total',
    request: (f) => createOrder(f.ada.token, { items: [item], totalCents: -3998 }),
    status: 400,
    body: invalid(['totalCents', 'totalCents must not be less than 0']),
  },
  {
    name: 'the same SKU twice',
    request: (f) => createOrder(f.ada.token, { items: [item, item] }),
    status: 422,
    body: refused(
      'VALIDATION',
      'items[1].sku SKU-1001 appears twice: merge the quantities',
      'validate',
      ['validate'],
    ),
  },
  {
    name: 'no items',
    request: (f) => createOrder(f.ada.token, { items: [] }),
    status: 400,
    body: invalid(['items', 'items must contain at least 1 elements']),
  },
  {
    name: 'too many items (101)',
    request: (f) =>
      createOrder(f.ada.token, {
        items: Array.from({ length: 101 }, (_, i) => ({
          sku: `SKU-${i}`,
          quantity: 1,
          unitPriceCents: 1,
        })),
      }),
    status: 400,
    body: invalid(['items', 'items must contain no more than 100 elements']),
  },

  // Strings: too long, or unicode that only looks right.
  ...(
    [
      ['a SKU of 33 characters', 'A'.repeat(33)],
      ['a SKU of 10,000 characters', 'A'.repeat(10_000)],
      ['a lower-case SKU', 'sku-1001'],
      ['a SKU with a Cyrillic look-alike letter', 'SKU-100\u041e'],
      ['a SKU with a zero-width space', 'SKU-\u200b1001'],
      ['a SKU with a right-to-left override', 'SKU-\u202e1001'],
      ['a SKU with a NUL byte', 'SKU-\u00001001'],
      ['a SKU with a lone surrogate', 'SKU-\ud8001001'],
      ['a SKU that is an emoji', '\u{1F4E6}'],
    ] as const
  ).map(([name, sku]): Case => ({
    name,
    request: (f) => ({ ...withSku(sku), token: f.ada.token }),
    status: 400,
    body: invalid(['items.0.sku', skuMessage]),
  })),

  // Ids and paths.
  {
    name: 'an unknown order id',
    request: (f) => ({ path: `/orders/${randomUUID()}`, token: f.ada.token }),
    status: 404,
    body: error('NOT_FOUND', 'order not found'),
  },
  {
    name: 'a malformed order id',
    request: (f) => ({ path: '/orders/42', token: f.ada.token }),
    status: 400,
    body: error('BAD_REQUEST', 'Validation failed (uuid v 4 is expected)'),
  },
  {
    name: 'the nil UUID',
    request: (f) => ({ path: '/orders/00000000-0000-0000-0000-000000000000', token: f.ada.token }),
    status: 400,
    body: error('BAD_REQUEST', 'Validation failed (uuid v 4 is expected)'),
  },
  {
    name: 'an id with SQL in it',
    request: (f) => ({ path: `/orders/${encodeURIComponent("1' OR '1'='1")}`, token: f.ada.token }),
    status: 400,
    body: error('BAD_REQUEST', 'Validation failed (uuid v 4 is expected)'),
  },
  {
    name: 'a NUL byte after a valid id',
    request: (f) => ({ path: `/orders/${f.adaOrderId}%00`, token: f.ada.token }),
    status: 400,
    body: error('BAD_REQUEST', 'Validation failed (uuid v 4 is expected)'),
  },
  {
    name: 'dot segments in the path (not normalised into another route)',
    request: (f) => ({ path: '/orders/../health', token: f.ada.token }),
    status: 404,
    body: error('NOT_FOUND', 'Cannot GET /orders/../health'),
  },
  {
    name: 'encoded dot segments in an id',
    request: (f) => ({ path: '/orders/..%2F..%2Fhealth', token: f.ada.token }),
    status: 400,
    body: error('BAD_REQUEST', 'Validation failed (uuid v 4 is expected)'),
  },
  {
    name: 'a malformed percent-encoding',
    request: (f) => ({ path: '/orders/%E0%A4%A', token: f.ada.token }),
    status: 400,
    body: error('BAD_REQUEST', 'The URL is not valid'),
  },
  {
    name: 'an id longer than any route parameter',
    request: (f) => ({ path: `/orders/${'a'.repeat(150)}`, token: f.ada.token }),
    status: 414,
    body: error('URI_TOO_LONG', 'The URL is too long'),
  },
  {
    name: "another customer's order",
    request: (f) => ({ path: `/orders/${f.bobOrderId}`, token: f.ada.token }),
    status: 404,
    body: error('NOT_FOUND', 'order not found'),
  },
  {
    name: "cancelling another customer's order",
    request: (f) => ({
      method: 'POST',
      path: `/orders/${f.bobOrderId}/cancel`,
      token: f.ada.token,
    }),
    status: 404,
    body: refused('NOT_FOUND', 'order not found', 'load', ['load']),
  },
  {
    name: 'cancelling an unknown order',
    request: (f) => ({
      method: 'POST',
      path: `/orders/${randomUUID()}/cancel`,
      token: f.ada.token,
    }),
    status: 404,
    body: refused('NOT_FOUND', 'order not found', 'load', ['load']),
  },

  // Pagination.
  ...(
    [
      ['page=0', [['page', 'page must not be less than 1']]],
      ['page=-1', [['page', 'page must not be less than 1']]],
      ['page=10001', [['page', 'page must not be greater than 10000']]],
      ['page=1.5', [['page', 'page must be an integer number']]],
      [
        'page=abc',
        [
          [
            'page',
            'page must not be greater than 10000',
            'page must not be less than 1',
            'page must be an integer number',
          ],
        ],
      ],
      ['pageSize=0', [['pageSize', 'pageSize must not be less than 1']]],
      ['pageSize=101', [['pageSize', 'pageSize must not be greater than 100']]],
    ] as Array<[string, Array<[string, ...string[]]>]>
  ).map(([query, fields]): Case => ({
    name: `pagination out of range: ${query}`,
    request: (f) => ({ path: `/orders?${query}`, token: f.ada.token }),
    status: 400,
    body: invalid(...fields),
  })),
  {
    name: 'a page past the last one is empty, not an error',
    request: (f) => ({ path: '/orders?page=500&pageSize=100', token: f.ada.token }),
    status: 200,
    body: { success: true, data: { items: [], page: 500, pageSize: 100, total: 1 } },
  },

  // Tokens.
  {
    name: 'no token',
    request: () => createOrder(undefined, { items: [item] }),
    status: 401,
    body: missingToken,
  },
  {
    name: 'a token under another scheme (Basic)',
    request: (f) =>
      createOrder(undefined, { items: [item] }, { authorization: `Basic ${f.ada.token}` }),
    status: 401,
    body: missingToken,
  },
  {
    name: 'a token that is not a JWT',
    request: () => createOrder('not-a-jwt', { items: [item] }),
    status: 401,
    body: invalidToken,
  },
  {
    name: 'an unsigned token (alg: none)',
    request: (f) =>
      createOrder(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims(f.ada.id))}.`, {
        items: [item],
      }),
    status: 401,
    body: invalidToken,
  },
  {
    name: 'a token signed with our secret but HS512',
    request: (f) =>
      createOrder(
        new JwtService({ secret: f.jwtSecret }).sign(claims(f.ada.id), { algorithm: 'HS512' }),
        {
          items: [item],
        },
      ),
    status: 401,
    body: invalidToken,
  },
  {
    name: 'a token signed RS256 with an attacker key',
    request: (f) => {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const token = new JwtService({
        privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }),
      }).sign(claims(f.ada.id), { algorithm: 'RS256' });
      return createOrder(token, { items: [item] });
    },
    status: 401,
    body: invalidToken,
  },
  {
    name: 'an RS256 header over an HMAC made with our secret (algorithm confusion)',
    request: (f) => {
      const unsigned = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(claims(f.ada.id))}`;
      const signature = createHmac('sha256', f.jwtSecret).update(unsigned).digest('base64url');
      return createOrder(`${unsigned}.${signature}`, { items: [item] });
    },
    status: 401,
    body: invalidToken,
  },
  {
    name: 'a token signed with another secret',
    request: (f) =>
      createOrder(
        new JwtService({ secret: 'another secret, also 32 characters or more' }).sign(
          claims(f.ada.id),
        ),
        {
          items: [item],
        },
      ),
    status: 401,
    body: invalidToken,
  },
  {
    name: 'an expired token',
    request: (f) =>
      createOrder(new JwtService({ secret: f.jwtSecret }).sign(claims(f.ada.id, -60)), {
        items: [item],
      }),
    status: 401,
    body: invalidToken,
  },
  {
    name: "a tampered payload (Bob's id under Ada's signature)",
    request: (f) => {
      const [header, , signature] = f.ada.token.split('.');
      return createOrder(`${header}.${b64(claims(f.bob.id))}.${signature}`, { items: [item] });
    },
    status: 401,
    body: invalidToken,
  },
  {
    name: 'the token of a deleted user',
    request: (f) => createOrder(f.ghostToken, { items: [item] }),
    status: 401,
    body: invalidToken,
  },

  // Accounts.
  {
    name: 'registering an email twice, in another case',
    request: (f) => ({
      method: 'POST',
      path: '/auth/register',
      body: { email: f.ada.email.toUpperCase(), password: TEST_PASSWORD },
    }),
    status: 409,
    body: error('EMAIL_TAKEN', 'An account with this email already exists'),
  },
  {
    name: 'a weak (11-character) password',
    request: () => ({
      method: 'POST',
      path: '/auth/register',
      body: { email: uniqueEmail(), password: 'short-pass1' },
    }),
    status: 400,
    body: invalid(['password', 'password must be longer than or equal to 12 characters']),
  },
  {
    name: 'a password of 257 characters',
    request: () => ({
      method: 'POST',
      path: '/auth/register',
      body: { email: uniqueEmail(), password: 'p'.repeat(257) },
    }),
    status: 400,
    body: invalid(['password', 'password must be shorter than or equal to 256 characters']),
  },
  {
    name: 'an email with a NUL byte',
    request: () => ({
      method: 'POST',
      path: '/auth/register',
      body: { email: `ada\u0000${uniqueEmail()}`, password: TEST_PASSWORD },
    }),
    status: 400,
    body: invalid(['email', 'email must be an email']),
  },
  {
    name: 'an email of 300 characters',
    request: () => ({
      method: 'POST',
      path: '/auth/register',
      body: { email: `${'a'.repeat(60)}@${'b'.repeat(235)}.com`, password: TEST_PASSWORD },
    }),
    status: 400,
    body: invalid([
      'email',
      'email must be shorter than or equal to 254 characters',
      'email must be an email',
    ]),
  },
  {
    name: 'a role smuggled into a registration',
    request: () => ({
      method: 'POST',
      path: '/auth/register',
      body: { email: uniqueEmail(), password: TEST_PASSWORD, role: 'admin' },
    }),
    status: 400,
    body: invalid(['role', 'property role should not exist']),
  },
  {
    name: 'a login with a number for an email',
    request: () => ({
      method: 'POST',
      path: '/auth/login',
      body: { email: 42, password: TEST_PASSWORD },
    }),
    status: 400,
    body: invalid([
      'email',
      'email must be shorter than or equal to 254 characters',
      'email must be an email',
    ]),
  },
];

describe('bad input (e2e)', () => {
  let app: TestApp;
  let fixtures: Fixtures;

  beforeAll(async () => {
    // Many accounts are registered from one IP here; the rate limit has its own test.
    app = await bootTestApp({ env: { AUTH_RATE_LIMIT: '10000' } });
    const [ada, bob, ghost] = [
      await registerAndLogin(app),
      await registerAndLogin(app),
      await registerAndLogin(app),
    ];
    await app.prisma.user.delete({ where: { id: ghost.id } });
    const place = async (user: TestUser) =>
      (await app.request('POST', '/orders', { token: user.token, body: { items: [item] } })).body
        .data.id;
    fixtures = {
      ada,
      bob,
      ghostToken: ghost.token,
      adaOrderId: await place(ada),
      bobOrderId: await place(bob),
      jwtSecret: app.jwtSecret,
    };
  }, 60_000);
  afterAll(() => app?.close());

  it('has at least 25 cases, and a leak check that recognises what it looks for', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
    expect(
      internalsIn('Error: boom\n    at OrdersRepository.create (/app/src/orders/x.ts:42:7)'),
    ).toHaveLength(1);
    expect(internalsIn('Invalid `prisma.order.create()` invocation')).toHaveLength(1);
    expect(internalsIn('INSERT INTO "Order" ("id") VALUES ($1)')).toHaveLength(1);
    expect(internalsIn('select "id" from "User" where "email" = \'a\'')).toHaveLength(1);
    expect(
      internalsIn('{"success":false,"error":{"code":"NOT_FOUND","message":"order not found"}}'),
    ).toEqual([]);
  });

  it.each(cases)('$name → $status', async ({ request, status, body }) => {
    const sent = request(fixtures);
    const before = await databaseState(app.prisma);

    const response = await rawRequest(app.baseUrl, sent);

    expect({ status: response.status, body: response.body }).toEqual({
      status,
      body: typeof body === 'function' ? body(fixtures) : body,
    });
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(internalsIn(response.text)).toEqual([]);
    if ((sent.method ?? 'GET') !== 'GET') expect(await databaseState(app.prisma)).toEqual(before);
  });
});
