import type { ClaimOutcome, ExpiredClaim, RunStore } from 'nest-orchestrator';
import type { PrismaClient } from '../generated/prisma/client.js';

/** The part of the Prisma client the store uses (PrismaService in the app, a client in specs). */
export type RunClaimsClient = Pick<PrismaClient, '$queryRaw' | '$executeRaw'>;

interface ClaimRow {
  fingerprint: string;
  holder: string;
  completed: boolean;
  result: unknown;
  expiresAt: Date;
}

const CLAIMED: ClaimOutcome = Object.freeze({ status: 'claimed' });
const MISMATCH: ClaimOutcome = Object.freeze({ status: 'mismatch' });
/**
 * A refused claim reads the row that refused it; if that row is gone by then (released or
 * purged in between), the claim is simply tried again, a bounded number of times.
 */
const CLAIM_ATTEMPTS = 3;
/** Rows deleted per purge statement, so one purge never holds many locks at once. */
export const PURGE_BATCH = 1_000;

/**
 * `RunStore` on the app's database, table "RunClaim" (prisma/migrations/*_add_run_claims). Every
 * decision is one SQL statement, so instances sharing the database never both hold a key.
 *
 * Time is the database's: leases and retention are computed and compared with `now()` inside
 * each statement (its start, as each runs in its own implicit transaction). Every instance then
 * agrees on whether a lease has ended, whatever the skew between the app hosts' clocks.
 * `listExpired` is the exception the interface sets: it compares with the `now` it is given.
 */
export class PrismaRunStore implements RunStore {
  constructor(private readonly prisma: RunClaimsClient) {}

  async claim(
    key: string,
    fingerprint: string,
    holder: string,
    leaseMs: number,
  ): Promise<ClaimOutcome> {
    for (let attempt = 1; ; attempt++) {
      // On a conflict PostgreSQL locks the existing row and evaluates the WHERE on its newest
      // version, so of many concurrent claims of one key exactly one inserts or takes over the
      // row; the others return no row. Only a lease or a retention that has run out is taken.
      const taken = await this.prisma.$queryRaw<{ claimed: number }[]>`
        INSERT INTO "RunClaim"
          ("key", "fingerprint", "holder", "completed", "result", "payload", "expiresAt")
        VALUES (${key}, ${fingerprint}, ${holder}, false, NULL, NULL,
                now() + ${leaseMs}::float8 * interval '1 millisecond')
        ON CONFLICT ("key") DO UPDATE SET
          "fingerprint" = EXCLUDED."fingerprint",
          "holder" = EXCLUDED."holder",
          "completed" = false,
          "result" = NULL,
          "payload" = NULL,
          "expiresAt" = EXCLUDED."expiresAt"
        WHERE "RunClaim"."expiresAt" <= now()
        RETURNING 1 AS claimed`;
      if (taken.length === 1) return CLAIMED;

      // Refused: a separate statement, because the row that won may have been committed after
      // the upsert's snapshot was taken. It only says why; the decision was the upsert's.
      const [row] = await this.prisma.$queryRaw<ClaimRow[]>`
        SELECT "fingerprint", "holder", "completed", "result", "expiresAt"
        FROM "RunClaim" WHERE "key" = ${key}`;
      if (row !== undefined) return outcomeOf(row, fingerprint);
      // Gone since the upsert: the next attempt claims it; past the last, it is still busy.
      if (attempt === CLAIM_ATTEMPTS) {
        return { status: 'running', holder: '', expiresAt: Date.now() };
      }
    }
  }

  async renew(key: string, holder: string, leaseMs: number): Promise<boolean> {
    const updated = await this.prisma.$executeRaw`
      UPDATE "RunClaim"
      SET "expiresAt" = now() + ${leaseMs}::float8 * interval '1 millisecond'
      WHERE "key" = ${key} AND "holder" = ${holder} AND NOT "completed" AND "expiresAt" > now()`;
    return updated === 1;
  }

  /**
   * Stores `payload` (JSON-serialisable, kept as jsonb) on `holder`'s live claim and extends its
   * lease, in one statement: a holder that lost its lease records nothing.
   */
  async record(key: string, holder: string, payload: unknown, leaseMs: number): Promise<boolean> {
    const updated = await this.prisma.$executeRaw`
      UPDATE "RunClaim"
      SET "payload" = ${JSON.stringify(payload) ?? 'null'}::jsonb,
          "expiresAt" = now() + ${leaseMs}::float8 * interval '1 millisecond'
      WHERE "key" = ${key} AND "holder" = ${holder} AND NOT "completed" AND "expiresAt" > now()`;
    return updated === 1;
  }

  async complete(key: string, holder: string, result: unknown, retainMs: number): Promise<boolean> {
    // JSON text cast to jsonb: what a replay gets back is the result's JSON form.
    const updated = await this.prisma.$executeRaw`
      UPDATE "RunClaim"
      SET "completed" = true,
          "result" = ${JSON.stringify(result) ?? 'null'}::jsonb,
          "expiresAt" = now() + ${retainMs}::float8 * interval '1 millisecond'
      WHERE "key" = ${key} AND "holder" = ${holder} AND NOT "completed"`;
    return updated === 1;
  }

  async release(key: string, holder: string): Promise<boolean> {
    const deleted = await this.prisma.$executeRaw`
      DELETE FROM "RunClaim"
      WHERE "key" = ${key} AND "holder" = ${holder} AND NOT "completed"`;
    return deleted === 1;
  }

  async listExpired(now: number, limit: number): Promise<ExpiredClaim[]> {
    const rows = await this.prisma.$queryRaw<
      Array<
        Pick<ClaimRow, 'fingerprint' | 'holder' | 'expiresAt'> & { key: string; payload: unknown }
      >
    >`
      SELECT "key", "fingerprint", "holder", "payload", "expiresAt"
      FROM "RunClaim"
      WHERE NOT "completed" AND "expiresAt" <= ${new Date(now)}
      ORDER BY "expiresAt"
      LIMIT ${limit}`;
    return rows.map((row) => ({
      key: row.key,
      fingerprint: row.fingerprint,
      holder: row.holder,
      expiresAt: row.expiresAt.getTime(),
      // A claim that recorded nothing reads as `undefined`, as the in-memory store gives it.
      payload: row.payload ?? undefined,
    }));
  }

  /**
   * Deletes up to `PURGE_BATCH` rows nobody needs any more and says how many went: results past
   * their retention, and running claims whose lease ended more than `abandonedAfterMs` ago (a
   * crashed holder's, left that long for a recovery sweep to find). A claim taking a row over at
   * the same moment is safe: the DELETE re-checks its WHERE on the row's newest version.
   */
  async purgeExpired(abandonedAfterMs: number): Promise<number> {
    return this.prisma.$executeRaw`
      DELETE FROM "RunClaim" WHERE "key" IN (
        SELECT "key" FROM "RunClaim"
        WHERE ("completed" AND "expiresAt" <= now())
           OR (NOT "completed"
               AND "expiresAt" <= now() - ${abandonedAfterMs}::float8 * interval '1 millisecond')
        LIMIT ${PURGE_BATCH})
      AND (("completed" AND "expiresAt" <= now())
           OR (NOT "completed"
               AND "expiresAt" <= now() - ${abandonedAfterMs}::float8 * interval '1 millisecond'))`;
  }
}

function outcomeOf(row: ClaimRow, fingerprint: string): ClaimOutcome {
  if (row.fingerprint !== fingerprint) return MISMATCH;
  if (row.completed) return { status: 'completed', result: row.result };
  return { status: 'running', holder: row.holder, expiresAt: row.expiresAt.getTime() };
}
