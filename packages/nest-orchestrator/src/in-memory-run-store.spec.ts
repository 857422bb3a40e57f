import { InMemoryRunStore, StoredClaim } from './in-memory-run-store.js';
import { pendingRunFingerprint, runFingerprint } from './run-fingerprint.js';

describe('InMemoryRunStore', () => {
  let now: number;
  let store: InMemoryRunStore;
  beforeEach(() => {
    now = 1_000_000;
    store = new InMemoryRunStore(() => now);
  });

  it('gives a free key to the first holder, and tells the next who holds it', async () => {
    expect(await store.claim('k', 'fp', 'run-a', 100)).toEqual({ status: 'claimed' });
    expect(await store.claim('k', 'fp', 'run-b', 100)).toEqual({
      status: 'running',
      holder: 'run-a',
      expiresAt: now + 100,
    });
  });

  it('answers mismatch for another fingerprint, held or completed', async () => {
    await store.claim('k', 'fp', 'run-a', 100);
    expect(await store.claim('k', 'other', 'run-b', 100)).toEqual({ status: 'mismatch' });
    await store.complete('k', 'run-a', { answer: 42 }, 1000);
    expect(await store.claim('k', 'other', 'run-b', 100)).toEqual({ status: 'mismatch' });
  });

  it('answers a completed key with its result until the retention runs out, then frees it', async () => {
    await store.claim('k', 'fp', 'run-a', 100);
    expect(await store.complete('k', 'run-a', { answer: 42 }, 1000)).toBe(true);
    now += 999;
    expect(await store.claim('k', 'fp', 'run-b', 100)).toEqual({
      status: 'completed',
      result: { answer: 42 },
    });
    now += 1;
    expect(await store.claim('k', 'fp', 'run-b', 100)).toEqual({ status: 'claimed' });
  });

  it('lets anyone take over a claim whose lease ran out, whatever its fingerprint', async () => {
    await store.claim('k', 'fp', 'run-a', 100);
    now += 100;
    expect(await store.claim('k', 'other', 'run-b', 100)).toEqual({ status: 'claimed' });
    // The old holder has lost it for good.
    expect(await store.renew('k', 'run-a', 100)).toBe(false);
    expect(await store.complete('k', 'run-a', 'late', 100)).toBe(false);
    expect(await store.release('k', 'run-a')).toBe(false);
    expect(await store.claim('k', 'other', 'run-c', 100)).toMatchObject({ holder: 'run-b' });
  });

  it('renews only a live claim of its holder', async () => {
    await store.claim('k', 'fp', 'run-a', 100);
    now += 90;
    expect(await store.renew('k', 'run-b', 100)).toBe(false);
    expect(await store.renew('k', 'run-a', 100)).toBe(true);
    now += 90; // past the first lease, inside the renewed one
    expect(await store.claim('k', 'fp', 'run-b', 100)).toMatchObject({ status: 'running' });
    now += 10;
    expect(await store.renew('k', 'run-a', 100)).toBe(false);
  });

  it('frees a released key at once, only for its holder', async () => {
    await store.claim('k', 'fp', 'run-a', 100);
    expect(await store.release('k', 'run-b')).toBe(false);
    expect(await store.release('k', 'run-a')).toBe(true);
    expect(await store.claim('k', 'other', 'run-b', 100)).toEqual({ status: 'claimed' });
  });

  it('records a payload only on a live claim of its holder, extending its lease', async () => {
    await store.claim('k', 'fp', 'run-a', 100);
    expect(await store.record('k', 'run-b', { step: 1 }, 100)).toBe(false);
    now += 90;
    expect(await store.record('k', 'run-a', { step: 1 }, 100)).toBe(true);
    now += 90; // past the first lease, inside the one the record extended
    expect(await store.claim('k', 'fp', 'run-b', 100)).toMatchObject({ status: 'running' });
    now += 10;
    expect(await store.record('k', 'run-a', { step: 2 }, 100)).toBe(false);
    expect(await store.listExpired(now, 10)).toEqual([
      { key: 'k', fingerprint: 'fp', holder: 'run-a', expiresAt: 1_000_190, payload: { step: 1 } },
    ]);
  });

  it('starts every claim, a take-over included, with no payload', async () => {
    await store.claim('k', 'fp', 'run-a', 100);
    await store.record('k', 'run-a', { step: 1 }, 100);
    now += 100;
    expect(await store.claim('k', 'fp', 'run-b', 100)).toEqual({ status: 'claimed' });
    now += 100;
    expect(await store.listExpired(now, 10)).toEqual([
      expect.objectContaining({ holder: 'run-b', payload: undefined }),
    ]);
    await store.claim('done', 'fp', 'run-c', 100);
    expect(await store.complete('done', 'run-c', 'ok', 10)).toBe(true);
    expect(await store.record('done', 'run-c', { step: 1 }, 100)).toBe(false);
  });

  it('lists claims whose lease ran out, oldest first, up to the limit, and nothing else', async () => {
    await store.claim('late', 'fp1', 'run-1', 200);
    await store.claim('early', 'fp2', 'run-2', 100);
    await store.claim('live', 'fp3', 'run-3', 10_000);
    await store.claim('done', 'fp4', 'run-4', 100);
    await store.complete('done', 'run-4', 'ok', 50);
    await store.claim('gone', 'fp5', 'run-5', 100);
    await store.release('gone', 'run-5');
    now += 300;
    expect(await store.listExpired(now, 10)).toEqual([
      {
        key: 'early',
        fingerprint: 'fp2',
        holder: 'run-2',
        expiresAt: 1_000_100,
        payload: undefined,
      },
      {
        key: 'late',
        fingerprint: 'fp1',
        holder: 'run-1',
        expiresAt: 1_000_200,
        payload: undefined,
      },
    ]);
    expect(await store.listExpired(now, 1)).toHaveLength(1);
    expect(await store.listExpired(1_000_150, 10)).toEqual([
      expect.objectContaining({ key: 'early' }),
    ]);
  });

  it('drops results past their retention as it grows, so memory stays bounded', async () => {
    for (let i = 0; i < 5000; i++) {
      await store.claim(`k${i}`, 'fp', 'run', 100);
      await store.complete(`k${i}`, 'run', i, 10);
      now += 1;
    }
    // Only what is still retained (10 ms of completions) plus one sweep's worth of slack.
    expect(store.size).toBeLessThan(2100);
    expect(await store.claim('k4999', 'fp', 'run', 100)).toEqual({
      status: 'completed',
      result: 4999,
    });
  });

  it('keeps at most maxResults completed keys, dropping the oldest; running claims stay', async () => {
    const bounded = new InMemoryRunStore(() => now, 3);
    await bounded.claim('running', 'fp', 'run-r', 100);
    for (const key of ['a', 'b', 'c', 'd', 'e']) {
      await bounded.claim(key, 'fp', `run-${key}`, 100);
      await bounded.complete(key, `run-${key}`, key, 60_000);
    }

    expect(bounded.size).toBe(4);
    expect(await bounded.claim('running', 'fp', 'other', 100)).toMatchObject({ status: 'running' });
    for (const key of ['c', 'd', 'e']) {
      expect(await bounded.claim(key, 'fp', 'again', 100)).toEqual({
        status: 'completed',
        result: key,
      });
    }
    // The two oldest results were dropped: their keys run again.
    expect(await bounded.claim('a', 'fp', 'again', 100)).toEqual({ status: 'claimed' });
    expect(await bounded.claim('b', 'fp', 'again', 100)).toEqual({ status: 'claimed' });
  });
  it('counts a key completed again after its retention as new: the bound drops by completion age', async () => {
    const bounded = new InMemoryRunStore(() => now, 2);
    await bounded.claim('a', 'fp', 'run-a', 100);
    await bounded.complete('a', 'run-a', 'a1', 10);
    await bounded.claim('b', 'fp', 'run-b', 100);
    await bounded.complete('b', 'run-b', 'b', 60_000);
    now += 20; // a's retention is over: its key runs again and completes after b
    expect(await bounded.claim('a', 'fp', 'run-a2', 100)).toEqual({ status: 'claimed' });
    await bounded.complete('a', 'run-a2', 'a2', 60_000);
    await bounded.claim('c', 'fp', 'run-c', 100);
    await bounded.complete('c', 'run-c', 'c', 60_000);

    expect(bounded.size).toBe(2);
    expect(await bounded.claim('a', 'fp', 'again', 100)).toEqual({
      status: 'completed',
      result: 'a2',
    });
    expect(await bounded.claim('b', 'fp', 'again', 100)).toEqual({ status: 'claimed' });
  });

  it('answers as before after thousands of keys came and went, released or dropped', async () => {
    // Past a few dozen departures the store rebuilds its Maps (claim-map.ts): what is live must
    // stay held, and what left must be free, whichever way it left.
    const bounded = new InMemoryRunStore(() => now, 5);
    await bounded.claim('journal:held', 'fp', 'run-held', 100);
    await bounded.claim('idempotency:held', 'fp', 'run-held', 100);
    for (let i = 0; i < 2000; i++) {
      await bounded.claim(`journal:${i}`, 'fp', `run-${i}`, 100);
      expect(await bounded.release(`journal:${i}`, `run-${i}`)).toBe(true);
      await bounded.claim(`idempotency:${i}`, 'fp', `run-${i}`, 100);
      await bounded.complete(`idempotency:${i}`, `run-${i}`, i, 60_000);
    }

    expect(bounded.size).toBe(2 + 5);
    expect(await bounded.renew('journal:held', 'run-held', 100)).toBe(true);
    expect(await bounded.renew('idempotency:held', 'run-held', 100)).toBe(true);
    expect(await bounded.claim('idempotency:1999', 'fp', 'again', 100)).toEqual({
      status: 'completed',
      result: 1999,
    });
    // Released and dropped keys are free again, long gone or just left, and each counts once.
    expect(await bounded.claim('journal:7', 'fp', 'again', 100)).toEqual({ status: 'claimed' });
    expect(await bounded.claim('journal:1999', 'fp', 'again', 100)).toEqual({ status: 'claimed' });
    expect(await bounded.claim('idempotency:7', 'fp', 'again', 100)).toEqual({ status: 'claimed' });
    expect(bounded.size).toBe(2 + 5 + 3);
    now += 200;
    expect((await bounded.listExpired(now, 10)).map((claim) => claim.key).sort()).toEqual([
      'idempotency:7',
      'idempotency:held',
      'journal:1999',
      'journal:7',
      'journal:held',
    ]);
  });

  it('keeps count past 1,024 live keys, through marks left from before, and a sweep that rebuilds', async () => {
    // Under 1,024 live keys a key that leaves is marked; past it, deleted. Marks made while small
    // must still be counted once the Map is large, and a sweep that takes it back under 1,024
    // must rebuild it under its own iteration without losing a live claim.
    const big = new InMemoryRunStore(() => now, 5_000);
    for (let i = 0; i < 100; i++) {
      await big.claim(`early:${i}`, 'fp', 'run-e', 100);
      await big.release(`early:${i}`, 'run-e');
    }
    await big.claim('held', 'fp', 'run-h', 1_000_000);
    for (let i = 0; i < 4_000; i++) {
      await big.claim(`short:${i}`, 'fp', `run-${i}`, 100);
      await big.complete(`short:${i}`, `run-${i}`, i, 10);
    }
    // Past 1,024 live keys a released key is deleted.
    for (let i = 0; i < 10; i++) {
      await big.claim(`mid:${i}`, 'fp', 'run-m', 100);
      await big.release(`mid:${i}`, 'run-m');
    }
    expect(big.size).toBe(4_001);
    // One early key is still marked, one was rebuilt away: both are free, each counts once.
    expect(await big.claim('early:99', 'fp', 'again', 1_000_000)).toEqual({ status: 'claimed' });
    expect(await big.claim('early:5', 'fp', 'again', 1_000_000)).toEqual({ status: 'claimed' });
    expect(big.size).toBe(4_003);

    // Every short result expires. At 4,096 entries a claim sweeps them out, down to ~100 live
    // keys: deleting first, then marking, and rebuilding (three times) while the sweep iterates.
    now += 20;
    for (let i = 0; i < 600; i++) await big.claim(`late:${i}`, 'fp', `run-l${i}`, 1_000_000);
    expect(big.size).toBe(4_003 + 600 - 4_000);
    expect(await big.renew('held', 'run-h', 1_000_000)).toBe(true);
    expect(await big.renew('early:99', 'again', 1_000_000)).toBe(true);
    expect(await big.claim('late:0', 'fp', 'other', 100)).toMatchObject({ status: 'running' });
    expect(await big.claim('short:3999', 'fp', 'again', 100)).toEqual({ status: 'claimed' });
    expect(big.size).toBe(604);
  });

  it('hands the in-process path its entry, and refuses to end a stale one', async () => {
    const taken = store.take('k', 'fp', 'run-a', 100);
    expect(taken).toBeInstanceOf(StoredClaim);
    expect(store.take('k', 'fp', 'run-b', 100)).toEqual({
      status: 'running',
      holder: 'run-a',
      expiresAt: 1_000_100,
    });
    expect(store.completeTaken(taken as StoredClaim, 'result', 1000)).toBe(true);
    expect(store.completeTaken(taken as StoredClaim, 'again', 1000)).toBe(false);
    expect(store.releaseTaken(taken as StoredClaim)).toBe(false);
    expect(await store.claim('k', 'fp', 'run-b', 100)).toEqual({
      status: 'completed',
      result: 'result',
    });

    const lapsed = store.take('lapsed', 'fp', 'run-a', 100) as StoredClaim;
    now += 200;
    expect(await store.claim('lapsed', 'fp', 'run-b', 100)).toEqual({ status: 'claimed' });
    expect(store.completeTaken(lapsed, 'late', 1000)).toBe(false);
    expect(store.releaseTaken(lapsed)).toBe(false);
    expect(await store.release('lapsed', 'run-b')).toBe(true);
    expect(store.size).toBe(1);
  });

  it('compares a pending fingerprint with the hash a claim gave, and lists it hashed', async () => {
    const input = { item: 'pen' };
    await store.claim('hashed', runFingerprint('orders', input), 'run-a', 100);
    expect(store.take('hashed', pendingRunFingerprint('orders', input), 'run-b', 100)).toEqual(
      expect.objectContaining({ status: 'running' }),
    );
    expect(
      store.take('hashed', pendingRunFingerprint('orders', { item: 'ink' }), 'run-b', 100),
    ).toEqual({
      status: 'mismatch',
    });
    store.take('pending', pendingRunFingerprint('orders', input), 'run-c', 100);
    expect(
      await store.claim('pending', runFingerprint('orders', { item: 'ink' }), 'x', 100),
    ).toEqual({
      status: 'mismatch',
    });
    now += 200;
    expect(await store.listExpired(now, 10)).toEqual([
      expect.objectContaining({ key: 'hashed', fingerprint: runFingerprint('orders', input) }),
      expect.objectContaining({ key: 'pending', fingerprint: runFingerprint('orders', input) }),
    ]);
  });
});
