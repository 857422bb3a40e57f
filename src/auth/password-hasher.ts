import { Injectable } from '@nestjs/common';
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// scrypt with N=2^15, r=8, p=1: about 32 MiB and tens of milliseconds per hash, slow enough
// for an attacker with a stolen table and bearable for a login. Stored as
// `scrypt$N$r$p$salt$hash` (base64url), so the cost can be raised later without breaking
// existing hashes.
const COST = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 64;
const SALT_BYTES = 16;

function derive(password: string, salt: Buffer, cost: ScryptOptions): Promise<Buffer> {
  const maxmem = 256 * cost.N! * cost.r!; // the 32 MiB default is just too small for N=2^15
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { ...cost, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

@Injectable()
export class PasswordHasher {
  // Verified against when the user does not exist, so a login takes as long either way.
  private readonly decoy = this.hash(randomBytes(16).toString('hex'));

  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    const key = await derive(password, salt, COST);
    return [
      'scrypt',
      COST.N,
      COST.r,
      COST.p,
      salt.toString('base64url'),
      key.toString('base64url'),
    ].join('$');
  }

  /** Constant-time check of `password` against a stored hash; false for any malformed hash. */
  async verify(password: string, stored: string | null | undefined): Promise<boolean> {
    const parts = (stored ?? (await this.decoy)).split('$');
    if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
    const [N, r, p] = parts.slice(1, 4).map(Number);
    const expected = Buffer.from(parts[5], 'base64url');
    if (expected.length !== KEY_LENGTH) return false;
    const actual = await derive(password, Buffer.from(parts[4], 'base64url'), { N, r, p }).catch(
      () => null, // cost parameters scrypt refuses
    );
    return actual !== null && timingSafeEqual(actual, expected) && stored != null;
  }
}
