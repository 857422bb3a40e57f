import { randomUUID } from 'node:crypto';
import type { TestApp } from './test-app.js';

export const TEST_PASSWORD = 'correct horse battery staple';

export interface TestUser {
  id: string;
  email: string;
  password: string;
  /** A valid access token for this user. */
  token: string;
}

/** An email no other test has used. */
export const uniqueEmail = (prefix = 'user') => `${prefix}-${randomUUID()}@example.com`;

/** Registers a new user through the API, logs in, and returns the user with its token. */
export async function registerAndLogin(
  testApp: TestApp,
  { email = uniqueEmail(), password = TEST_PASSWORD }: { email?: string; password?: string } = {},
): Promise<TestUser> {
  const registered = await testApp.request('POST', '/auth/register', { body: { email, password } });
  if (registered.status !== 201) {
    throw new Error(`register ${email} -> ${registered.status} ${JSON.stringify(registered.body)}`);
  }
  const login = await testApp.request('POST', '/auth/login', { body: { email, password } });
  if (login.status !== 200) {
    throw new Error(`login ${email} -> ${login.status} ${JSON.stringify(login.body)}`);
  }
  return { id: registered.body.user.id, email, password, token: login.body.accessToken };
}
