import { PasswordHasher } from './password-hasher.js';

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher();
  const password = 'correct horse battery staple';

  it('stores a salted scrypt hash, never the password', async () => {
    const first = await hasher.hash(password);
    const second = await hasher.hash(password);

    expect(first).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{86}$/);
    expect(first).not.toContain(password);
    expect(second).not.toBe(first); // a fresh salt each time
  });

  it('accepts the right password and refuses a wrong one', async () => {
    const stored = await hasher.hash(password);

    await expect(hasher.verify(password, stored)).resolves.toBe(true);
    await expect(hasher.verify('correct horse battery stapler', stored)).resolves.toBe(false);
    await expect(hasher.verify('', stored)).resolves.toBe(false);
  });

  it('treats canonically equivalent unicode passwords as the same', async () => {
    const stored = await hasher.hash('caf\u00e9 au lait, s\u2019il vous pla\u00eet');

    await expect(
      hasher.verify('cafe\u0301 au lait, s\u2019il vous pla\u00eet', stored),
    ).resolves.toBe(true);
  });

  it('refuses when there is no user or the stored hash is malformed', async () => {
    const stored = await hasher.hash(password);

    await expect(hasher.verify(password, null)).resolves.toBe(false);
    await expect(hasher.verify(password, 'plaintext')).resolves.toBe(false);
    await expect(hasher.verify(password, stored.replace('$32768$', '$3$'))).resolves.toBe(false);
    await expect(hasher.verify(password, stored.slice(0, -4))).resolves.toBe(false);
  });
});
