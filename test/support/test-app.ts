import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/app.setup.js';
import { PrismaService } from '../../src/database/prisma.service.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

// Response JSON of any shape: tests read fields from it and assert on it with expect().
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface ApiResponse<Body = Json> {
  status: number;
  headers: Headers;
  /** Parsed JSON, or the raw text when the response is not JSON. */
  body: Body;
}

export interface RequestOptions {
  /** An object is sent as JSON; a string is sent as is (set `content-type` yourself). */
  body?: unknown;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  headers?: Record<string, string>;
}

export interface TestApp {
  app: NestFastifyApplication;
  /** `http://127.0.0.1:<port>` of the real listener. */
  baseUrl: string;
  prisma: PrismaService;
  database: TestDatabase;
  /** The secret the app signs tokens with, for tests that forge tokens. */
  jwtSecret: string;
  request<Body = Json>(
    method: string,
    path: string,
    options?: RequestOptions,
  ): Promise<ApiResponse<Body>>;
  /** Closes the app (as on SIGTERM), then drops the test database. */
  close(): Promise<void>;
}

export interface BootOptions {
  /** Extra environment for this boot; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
}

/**
 * Boots the real app, as main.ts does, on a real Fastify listener at 127.0.0.1 and a random
 * port, over a database of its own (see createTestDatabase). Boot one per test file in
 * beforeAll: a PGlite start takes seconds.
 */
export async function bootTestApp(options: BootOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const jwtSecret = randomBytes(32).toString('hex');
  setEnv({ JWT_SECRET: jwtSecret, ...database.env, ...options.env });

  let app: NestFastifyApplication;
  try {
    // No Swagger UI assets under Jest (see CreateAppOptions.swaggerUi); /documentation/json stays.
    app = await createApp({ logger: false, swaggerUi: false });
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    await database.drop();
    throw error;
  }
  const { port } = app.getHttpServer().address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;

  return {
    app,
    baseUrl,
    prisma: app.get(PrismaService),
    database,
    jwtSecret,
    request: (method, path, requestOptions) => send(baseUrl, method, path, requestOptions),
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}

function setEnv(values: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}

async function send(
  baseUrl: string,
  method: string,
  path: string,
  { body, token, headers = {} }: RequestOptions = {},
): Promise<ApiResponse> {
  const requestHeaders: Record<string, string> = { ...headers };
  if (token) requestHeaders.authorization = `Bearer ${token}`;
  let payload: string | undefined;
  if (typeof body === 'string') {
    payload = body;
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    requestHeaders['content-type'] ??= 'application/json';
  }

  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: requestHeaders,
    body: payload,
  });
  const text = await response.text();
  const isJson = response.headers.get('content-type')?.includes('application/json') ?? false;
  return {
    status: response.status,
    headers: response.headers,
    body: isJson ? JSON.parse(text) : text,
  };
}
