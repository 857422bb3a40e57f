import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { createDatabaseDriver, type DatabaseDriver } from '../database/database-driver.js';
import { MigrationRunner } from '../database/migration-runner.js';
import { PrismaClient } from '../generated/prisma/client.js';
import { PrismaRunStore } from './prisma-run-store.js';

const LEASE = 30_000;
const DAY = 24 * 3_600_000;

// On in-memory PGlite, or on a fresh database of TEST_DATABASE_URL's server, where concurrent
// claims really run on separate connections.
describe('PrismaRunStore', () => {
  let database: TestDatabase;
  let driver: DatabaseDriver;
  let prisma: PrismaClient;
  let store: PrismaRunStore;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    database = await createTestDatabase();
    driver = createDatabaseDriver(
      database.kind === 'postgres'
        ? { databaseUrl: database.env.DATABASE_URL }
        : { pgliteDataDir: 'memory://' },
    );
    if (database.kind === 'pglite') {
      await driver.withConnection((connection) => new MigrationRunner().migrate(connection));
    }
    prisma = new PrismaClient({ adapter: driver.adapter });
    store = new PrismaRunStore(prisma);
  }, 30_000);

  afterAll(async () => {
    await prisma.$disconnect();
    await driver.close();
    await database.drop();
  });

  beforeEach(() => prisma.runClaim.deleteMany());

  const row = (key: string) => prisma.runClaim.findUnique({ where: { key } });

  it('claims a new key for its holder with a lease on the database clock', async () => {
    const before = Date.now();
    await expect(store.claim('k', 'fp', 'run-1', LEASE)).resolves.toEqual({ status: 'claimed' });

    const stored = await row('k');
    expect(stored).toMatchObject({ fingerprint: 'fp', holder: 'run-1', completed: false });
    expect(stored!.result).toBeNull();
    const lease = stored!.expiresAt.getTime() - before;
    expect(lease).toBeGreaterThan(LEASE - 5_000);
    expect(lease).toBeLessThan(LEASE + 5_000);
  });

  it('answers running to the same fingerprint and mismatch to another while held', async () => {
    await store.claim('k', 'fp', 'run-1', LEASE);

    const running = await store.claim('k', 'fp', 'run-2', LEASE);
    expect(running).toEqual({ status: 'running', holder: 'run-1', expiresAt: expect.any(Number) });
    expect((running as { expiresAt: number }).expiresAt).toBeGreaterThan(Date.now());
    await expect(store.claim('k', 'other', 'run-3', LEASE)).resolves.toEqual({
      status: 'mismatch',
    });
    expect(await row('k')).toMatchObject({ holder: 'run-1', fingerprint: 'fp' });
  });

  it('completes for the holder only, then replays the stored JSON and refuses another fingerprint', async () => {
    await store.claim('k', 'fp', 'run-1', LEASE);
    const result = { success: true, runId: 'run-1', data: { order: { id: 'o-1', n: 2 } } };

    await expect(store.complete('k', 'run-2', { wrong: true }, DAY)).resolves.toBe(false);
    await expect(store.complete('k', 'run-1', result, DAY)).resolves.toBe(true);
    await expect(store.complete('k', 'run-1', { again: true }, DAY)).resolves.toBe(false);

    await expect(store.claim('k', 'fp', 'run-3', LEASE)).resolves.toEqual({
      status: 'completed',
      result,
    });
    await expect(store.claim('k', 'other', 'run-4', LEASE)).resolves.toEqual({
      status: 'mismatch',
    });
    const stored = await row('k');
    expect(stored).toMatchObject({ completed: true, holder: 'run-1', result });
    expect(stored!.expiresAt.getTime()).toBeGreaterThan(Date.now() + DAY - 60_000);
  });

  it('renews a live claim for its holder only', async () => {
    await store.claim('k', 'fp', 'run-1', 1_000);
    const first = (await row('k'))!.expiresAt.getTime();

    await expect(store.renew('k', 'run-2', LEASE)).resolves.toBe(false);
    await expect(store.renew('k', 'run-1', LEASE)).resolves.toBe(true);
    expect((await row('k'))!.expiresAt.getTime()).toBeGreaterThan(first + LEASE - 5_000);
    await expect(store.renew('missing', 'run-1', LEASE)).resolves.toBe(false);

    await store.complete('k', 'run-1', { done: true }, DAY);
    await expect(store.renew('k', 'run-1', LEASE)).resolves.toBe(false);
  });

  it('refuses to renew a lease that already ran out: the holder has lost it', async () => {
    await store.claim('k', 'fp', 'run-1', 30);
    await sleep(80);

    await expect(store.renew('k', 'run-1', LEASE)).resolves.toBe(false);
  });

  it('releases for the holder only, so the next claim runs again; a completed key stays', async () => {
    await store.claim('k', 'fp', 'run-1', LEASE);

    await expect(store.release('k', 'run-2')).resolves.toBe(false);
    await expect(store.release('k', 'run-1')).resolves.toBe(true);
    expect(await row('k')).toBeNull();
    await expect(store.release('k', 'run-1')).resolves.toBe(false);
    await expect(store.claim('k', 'other', 'run-3', LEASE)).resolves.toEqual({
      status: 'claimed',
    });

    await store.complete('k', 'run-3', { done: true }, DAY);
    await expect(store.release('k', 'run-3')).resolves.toBe(false);
    expect(await row('k')).toMatchObject({ completed: true });
  });

  it('lets anyone take over an expired lease, whatever the fingerprint', async () => {
    await store.claim('k', 'fp', 'run-1', 30);
    await sleep(80);

    await expect(store.claim('k', 'other', 'run-2', LEASE)).resolves.toEqual({
      status: 'claimed',
    });
    expect(await row('k')).toMatchObject({ holder: 'run-2', fingerprint: 'other' });
    // The old holder can neither finish nor free what it lost.
    await expect(store.complete('k', 'run-1', { late: true }, DAY)).resolves.toBe(false);
    await expect(store.release('k', 'run-1')).resolves.toBe(false);
    expect(await row('k')).toMatchObject({ holder: 'run-2', completed: false });
  });

  it('forgets a completed key once its retention has run out', async () => {
    await store.claim('k', 'fp', 'run-1', LEASE);
    await store.complete('k', 'run-1', { done: true }, 30);
    await sleep(80);

    await expect(store.claim('k', 'other', 'run-2', LEASE)).resolves.toEqual({
      status: 'claimed',
    });
    expect(await row('k')).toMatchObject({ holder: 'run-2', completed: false, result: null });
  });

  it('records a payload on a live claim for its holder only, extending the lease', async () => {
    const payload = {
      pipeline: 'create-order',
      entries: [{ operation: 'reserve', context: { customerId: 'c-1', items: [{ sku: 'A' }] } }],
    };
    await store.claim('compensation:run-1', 'fp', 'run-1', 1_000);
    const first = (await row('compensation:run-1'))!.expiresAt.getTime();

    await expect(store.record('compensation:run-1', 'run-2', { wrong: true }, LEASE)).resolves.toBe(
      false,
    );
    await expect(store.record('compensation:run-1', 'run-1', payload, LEASE)).resolves.toBe(true);
    const stored = await row('compensation:run-1');
    expect(stored).toMatchObject({ holder: 'run-1', completed: false, payload });
    expect(stored!.expiresAt.getTime()).toBeGreaterThan(first + LEASE - 5_000);
    await expect(store.record('missing', 'run-1', payload, LEASE)).resolves.toBe(false);

    await store.complete('compensation:run-1', 'run-1', { done: true }, DAY);
    await expect(store.record('compensation:run-1', 'run-1', { late: true }, LEASE)).resolves.toBe(
      false,
    );
    expect(await row('compensation:run-1')).toMatchObject({ payload });
  });

  it('refuses to record on a lease that already ran out: the sweep may be acting on it', async () => {
    // Claimed for long, so the record lands however slow the database is; its own lease is short.
    await store.claim('k', 'fp', 'run-1', LEASE);
    await expect(store.record('k', 'run-1', { step: 1 }, 30)).resolves.toBe(true);
    await sleep(80);

    await expect(store.record('k', 'run-1', { step: 2 }, LEASE)).resolves.toBe(false);
    expect(await row('k')).toMatchObject({ payload: { step: 1 } });
  });

  it('lists an expired claim with what its holder recorded, and a take-over starts it empty', async () => {
    await store.claim('recorded', 'fp', 'crashed', LEASE);
    await store.record('recorded', 'crashed', { entries: [{ operation: 'reserve' }] }, 20);
    await store.claim('bare', 'fp', 'crashed-too', 20);
    await sleep(60);

    const expired = await store.listExpired(Date.now(), 10);
    expect(expired.map(({ key, payload }) => ({ key, payload }))).toEqual([
      { key: 'recorded', payload: { entries: [{ operation: 'reserve' }] } },
      { key: 'bare', payload: undefined },
    ]);

    await expect(store.claim('recorded', 'fp', 'sweeper', LEASE)).resolves.toEqual({
      status: 'claimed',
    });
    expect(await row('recorded')).toMatchObject({ holder: 'sweeper', payload: null });
  });

  it('lists running claims whose lease ended by `now`, oldest first, up to `limit`', async () => {
    await store.claim('a', 'fp-a', 'run-a', 20);
    await sleep(30);
    await store.claim('b', 'fp-b', 'run-b', 20);
    await store.claim('live', 'fp', 'run-live', LEASE);
    await store.claim('done', 'fp', 'run-done', 20);
    await store.complete('done', 'run-done', {}, 20);
    await sleep(60);

    const expired = await store.listExpired(Date.now(), 10);
    expect(expired).toEqual([
      { key: 'a', fingerprint: 'fp-a', holder: 'run-a', expiresAt: expect.any(Number) },
      { key: 'b', fingerprint: 'fp-b', holder: 'run-b', expiresAt: expect.any(Number) },
    ]);
    expect(expired[0].expiresAt).toBeLessThan(expired[1].expiresAt);
    expect(await store.listExpired(Date.now(), 1)).toEqual([expired[0]]);
    expect(await store.listExpired(expired[0].expiresAt - 1, 10)).toEqual([]);
  });

  it('purges results past retention and claims abandoned longer than the grace, nothing else', async () => {
    await store.claim('old-result', 'fp', 'r1', LEASE);
    await store.complete('old-result', 'r1', {}, 10);
    await store.claim('kept-result', 'fp', 'r2', LEASE);
    await store.complete('kept-result', 'r2', {}, DAY);
    await store.claim('abandoned', 'fp', 'r3', 10);
    await store.claim('live', 'fp', 'r4', LEASE);
    await sleep(60);

    // A grace longer than the crash's age keeps the abandoned claim for a recovery sweep.
    await expect(store.purgeExpired(DAY)).resolves.toBe(1);
    const keys = async () => (await prisma.runClaim.findMany()).map((claim) => claim.key).sort();
    expect(await keys()).toEqual(['abandoned', 'kept-result', 'live']);
    await expect(store.purgeExpired(1)).resolves.toBe(1);
    expect(await keys()).toEqual(['kept-result', 'live']);
  });

  it('gives exactly one of many concurrent claims of one key', async () => {
    const holders = Array.from({ length: 24 }, (_, index) => `run-${index}`);

    const outcomes = await Promise.all(
      holders.map((holder) => store.claim('hot', 'fp', holder, LEASE)),
    );

    const winners = holders.filter((_, index) => outcomes[index].status === 'claimed');
    expect(winners).toHaveLength(1);
    for (const outcome of outcomes.filter((o) => o.status !== 'claimed')) {
      expect(outcome).toEqual({
        status: 'running',
        holder: winners[0],
        expiresAt: expect.any(Number),
      });
    }
    expect(await row('hot')).toMatchObject({ holder: winners[0] });
  });

  it('gives exactly one concurrent takeover of an expired lease', async () => {
    await store.claim('hot', 'fp', 'crashed', 10);
    await sleep(50);

    const outcomes = await Promise.all(
      Array.from({ length: 24 }, (_, index) => store.claim('hot', 'fp', `run-${index}`, LEASE)),
    );

    expect(outcomes.filter((outcome) => outcome.status === 'claimed')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.status === 'running')).toHaveLength(23);
  });
});
