import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { InMemoryRunStore } from './in-memory-run-store.js';
import { LeaseKeeper } from './lease-keeper.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('LeaseKeeper', () => {
  let store: InMemoryRunStore;
  let keeper: LeaseKeeper;
  let warn: jest.SpiedFunction<Logger['warn']>;

  beforeEach(() => {
    store = new InMemoryRunStore();
    // Renewals every 100 ms: long enough that a loaded machine still renews before expiry.
    keeper = new LeaseKeeper(store, { idempotency: { leaseMs: 300 } });
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    keeper.onModuleDestroy();
    warn.mockRestore();
  });

  it('holds a claim until its lease is dropped; a second drop does nothing', () => {
    const lease = keeper.hold('k', 'run-a', 'orders');
    const other = keeper.hold('other', 'run-b', 'orders');
    expect(keeper.holds('k')).toBe(true);
    keeper.drop(lease);
    keeper.drop(lease);
    expect(keeper.holds('k')).toBe(false);
    expect(keeper.holds('other')).toBe(true);
    keeper.drop(other);
    expect(keeper.holds('other')).toBe(false);
  });

  it('keeps the live leases through the compactions of many dropped ones', () => {
    const kept = keeper.hold('kept', 'run-0', 'orders');
    for (let i = 1; i <= 1000; i++) keeper.drop(keeper.hold(`k${i}`, `run-${i}`, 'orders'));
    expect(keeper.holds('kept')).toBe(true);
    expect(keeper.holds('k1000')).toBe(false);
    expect((Reflect.get(keeper, 'held') as unknown[]).length).toBeLessThan(40);
    keeper.drop(kept);
    expect(keeper.holds('kept')).toBe(false);
  });

  it('renews held claims every third of the lease, and a dropped one no more', async () => {
    const renew = jest.spyOn(store, 'renew');
    await store.claim('k', 'fp', 'run-a', 300);
    const lease = keeper.hold('k', 'run-a', 'orders');
    await sleep(350);
    expect(renew.mock.calls.length).toBeGreaterThanOrEqual(2);
    expect(renew).toHaveBeenCalledWith('k', 'run-a', 300);
    expect(await store.claim('k', 'fp', 'run-b', 300)).toMatchObject({ status: 'running' });
    keeper.drop(lease);
    const renewals = renew.mock.calls.length;
    await sleep(250);
    expect(renew.mock.calls.length).toBe(renewals);
    expect(warn).not.toHaveBeenCalled();
  });

  it('drops a lost claim and says so once', async () => {
    await store.claim('k', 'fp', 'someone-else', 300);
    keeper.hold('k', 'run-a', 'orders');
    await sleep(250);
    expect(keeper.holds('k')).toBe(false);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toContain('run-a');
  });
});
