import { ClaimMap } from './claim-map.js';
import { IDEMPOTENCY_KEY_PREFIX } from './idempotent-answers.js';
import type { ClaimOutcome, ExpiredClaim, RunStore } from './interfaces/run-store.interface.js';
import { sameFingerprint, type Fingerprint } from './run-fingerprint.js';

/**
 * @internal One claim of a key, from `claim` until it leaves the store. The idempotent runner
 * keeps the one it took, to end it without looking its key up again.
 */
export class StoredClaim {
  /** `gone` once it left the Map (released, dropped, expired or taken over): a stale handle. */
  state: 'running' | 'completed' | 'gone' = 'running';
  result: unknown = undefined;
  /** What the holder last recorded (crash-recovery records); a claim starts with none. */
  payload: unknown = undefined;
  /** The answer the holder's runner shares with concurrent calls with the key while it runs. */
  flight: Promise<unknown> | undefined = undefined;
  /** The runner that set `flight`: only its own calls may share the answer. */
  flightOwner: object | undefined = undefined;

  constructor(
    /** `IDEMPOTENCY_KEY_PREFIX` for an idempotency key, which `key` is then given without; else ''. */
    readonly prefix: string,
    /** Its key in the store's Map for `prefix`. */
    readonly key: string,
    /** As given: a hash, or a `PendingFingerprint` hashed only once read or compared with one. */
    readonly rawFingerprint: Fingerprint,
    readonly holder: string,
    /** End of the lease while running, end of the retention once completed. */
    public expiresAt: number,
  ) {}

  /** The key as callers of the `RunStore` methods name it. */
  get storeKey(): string {
    return this.prefix === '' ? this.key : this.prefix + this.key;
  }

  get fingerprint(): string {
    return typeof this.rawFingerprint === 'string'
      ? this.rawFingerprint
      : this.rawFingerprint.value;
  }
}

/** @internal What `claim` answers when the key was not free. */
export type RefusedClaim = Exclude<ClaimOutcome, { status: 'claimed' }>;

const CLAIMED: ClaimOutcome = Object.freeze({ status: 'claimed' });
const MISMATCH: RefusedClaim = Object.freeze({ status: 'mismatch' });
const FIRST_SWEEP_AT = 1024;
const DEFAULT_MAX_RESULTS = 10_000;

/**
 * The default `RunStore`: a Map in this process. Each method runs synchronously inside its
 * promise, so claims are atomic here; it does not protect a key across instances (use a shared
 * store for that). Results and payloads are kept by reference: treat what it hands back as read-only.
 */
export class InMemoryRunStore implements RunStore {
  private readonly entries = new ClaimMap();
  /**
   * Idempotency keys, without their prefix, apart from the other keys: the idempotent runner's
   * in-process path then never builds the prefixed string, whose concatenation, flattening and
   * longer hash cost a keyed run ~100 ns.
   */
  private readonly keyed = new ClaimMap();
  /** Size at which the next sweep of retained results runs; doubles with the live entries. */
  private sweepAt = FIRST_SWEEP_AT;

  /** Completed entries held, so the oldest can be dropped past `maxResults`. */
  private results = 0;

  /**
   * Completed entries in completion order, read from `head`: dropping the oldest is O(1). Walking
   * the Map from its start instead would step over every slot deleted since its last rehash,
   * thousands per run once the bound is reached. An entry no longer `completed` (it expired, or
   * its key was claimed again) is stale and skipped; `sweep` compacts them away.
   */
  private done: (StoredClaim | undefined)[] = [];
  private head = 0;

  /**
   * `now` is injectable so a spec can move time; the default is `Date.now`. At most `maxResults`
   * completed keys are kept, the oldest dropped first (their keys run again if reused): results
   * kept for a day would otherwise grow with traffic, in the heap of a process that has no disk.
   */
  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxResults = DEFAULT_MAX_RESULTS,
  ) {}

  /** Entries held, completed ones still retained included (for tests and diagnostics). */
  get size(): number {
    return this.entries.size + this.keyed.size;
  }

  claim(key: string, fingerprint: string, holder: string, leaseMs: number): Promise<ClaimOutcome> {
    const taken = this.take(key, fingerprint, holder, leaseMs);
    return Promise.resolve(taken instanceof StoredClaim ? CLAIMED : taken);
  }

  /**
   * @internal `claim` without its promise, for the idempotent runner's in-process path: the new
   * entry when `holder` took the key, otherwise what `claim` would have answered. A `leaseMs` of
   * `Infinity` holds the key until it is completed or released: the holder is a run of this very
   * process, which ends it, so there is no lease to renew.
   */
  take(
    key: string,
    fingerprint: Fingerprint,
    holder: string,
    leaseMs: number,
  ): StoredClaim | RefusedClaim {
    return key.startsWith(IDEMPOTENCY_KEY_PREFIX)
      ? this.takeIn(
          IDEMPOTENCY_KEY_PREFIX,
          key.slice(IDEMPOTENCY_KEY_PREFIX.length),
          fingerprint,
          holder,
          leaseMs,
        )
      : this.takeIn('', key, fingerprint, holder, leaseMs);
  }

  /** @internal `take` for an idempotency key given without its prefix. */
  takeKeyed(
    key: string,
    fingerprint: Fingerprint,
    holder: string,
    leaseMs: number,
  ): StoredClaim | RefusedClaim {
    return this.takeIn(IDEMPOTENCY_KEY_PREFIX, key, fingerprint, holder, leaseMs);
  }

  private takeIn(
    prefix: string,
    key: string,
    fingerprint: Fingerprint,
    holder: string,
    leaseMs: number,
  ): StoredClaim | RefusedClaim {
    const entries = this.mapOf(prefix);
    const entry = entries.lookup(key);
    const overMark = entry?.state === 'gone';
    // The clock is read only when something needs it: a fresh key with an endless hold does not.
    let now: number | undefined;
    if (entry !== undefined && !overMark) {
      now = this.now();
      if (entry.expiresAt > now) {
        if (!sameFingerprint(entry.rawFingerprint, fingerprint)) return MISMATCH;
        return entry.state === 'completed'
          ? { status: 'completed', result: entry.result }
          : { status: 'running', holder: entry.holder, expiresAt: entry.expiresAt };
      }
      // A result past its retention, or a lease that ran out: the key is free again, and the
      // new claim takes its place.
      this.remove(entry);
    }
    const expiresAt = leaseMs === Infinity ? leaseMs : (now ?? this.now()) + leaseMs;
    const claim = new StoredClaim(prefix, key, fingerprint, holder, expiresAt);
    entries.put(claim, overMark);
    if (this.size >= this.sweepAt) this.sweep(this.now());
    return claim;
  }

  renew(key: string, holder: string, leaseMs: number): Promise<boolean> {
    const now = this.now();
    const entry = this.held(key, holder);
    if (entry === undefined || entry.expiresAt <= now) return Promise.resolve(false);
    entry.expiresAt = now + leaseMs;
    return Promise.resolve(true);
  }

  record(key: string, holder: string, payload: unknown, leaseMs: number): Promise<boolean> {
    const now = this.now();
    const entry = this.held(key, holder);
    if (entry === undefined || entry.expiresAt <= now) return Promise.resolve(false);
    entry.payload = payload;
    entry.expiresAt = now + leaseMs;
    return Promise.resolve(true);
  }

  complete(key: string, holder: string, result: unknown, retainMs: number): Promise<boolean> {
    return Promise.resolve(this.completeTaken(this.held(key, holder), result, retainMs));
  }

  /** @internal `complete` for an entry `take` gave: false when it is no longer running. */
  completeTaken(entry: StoredClaim | undefined, result: unknown, retainMs: number): boolean {
    if (entry?.state !== 'running') return false;
    entry.state = 'completed';
    entry.result = result;
    entry.expiresAt = this.now() + retainMs;
    this.done.push(entry);
    if (++this.results > this.maxResults) this.dropOldestResults();
    else if (this.done.length - this.head > 2 * Math.max(this.results, FIRST_SWEEP_AT)) {
      // Short retentions leave mostly stale items behind without ever reaching the bound.
      this.compactDone();
    }
    return true;
  }

  release(key: string, holder: string): Promise<boolean> {
    return Promise.resolve(this.releaseTaken(this.held(key, holder)));
  }

  /** @internal `release` for an entry `take` gave: false when it is no longer running. */
  releaseTaken(entry: StoredClaim | undefined): boolean {
    if (entry?.state !== 'running') return false;
    this.evict(entry);
    return true;
  }

  listExpired(now: number, limit: number): Promise<ExpiredClaim[]> {
    const expired: ExpiredClaim[] = [];
    for (const entry of this.all()) {
      if (entry.state !== 'running' || entry.expiresAt > now) continue;
      expired.push({
        key: entry.storeKey,
        fingerprint: entry.fingerprint,
        holder: entry.holder,
        expiresAt: entry.expiresAt,
        payload: entry.payload,
      });
    }
    expired.sort((a, b) => a.expiresAt - b.expiresAt);
    return Promise.resolve(expired.slice(0, limit));
  }

  /** @internal The entry under `key`, whatever its state. */
  peek(key: string): StoredClaim | undefined {
    return key.startsWith(IDEMPOTENCY_KEY_PREFIX)
      ? this.keyed.find(key.slice(IDEMPOTENCY_KEY_PREFIX.length))
      : this.entries.find(key);
  }

  /** @internal `peek` for an idempotency key given without its prefix. */
  peekKeyed(key: string): StoredClaim | undefined {
    return this.keyed.find(key);
  }

  private *all(): IterableIterator<StoredClaim> {
    yield* this.entries.values();
    yield* this.keyed.values();
  }

  private held(key: string, holder: string): StoredClaim | undefined {
    const entry = this.peek(key);
    return entry !== undefined && entry.state === 'running' && entry.holder === holder
      ? entry
      : undefined;
  }

  /** Marks `entry` as out of the store; the caller has its Map forget it, or files a claim over it. */
  private remove(entry: StoredClaim): void {
    if (entry.state === 'completed') this.results--;
    entry.state = 'gone';
  }

  /** Takes `entry` out of the store: marked, and forgotten by its Map. */
  private evict(entry: StoredClaim): void {
    this.remove(entry);
    this.mapOf(entry.prefix).forget(entry);
  }

  /** The Map of keys filed under `prefix`: idempotency keys apart, every other key together. */
  private mapOf(prefix: string): ClaimMap {
    return prefix === '' ? this.entries : this.keyed;
  }

  /**
   * Drops every result past its retention. Run when the Map has doubled since the last sweep, so
   * memory stays within twice the live entries at an amortised O(1) per claim. Expired running
   * claims stay: `listExpired` must still find them.
   */
  private sweep(now: number): void {
    for (const entry of this.all()) {
      // Evicting the entry being visited is safe: the iteration skips entries gone since.
      if (entry.state === 'completed' && entry.expiresAt <= now) this.evict(entry);
    }
    this.sweepAt = Math.max(FIRST_SWEEP_AT, this.size * 2);
    this.compactDone();
  }

  private compactDone(): void {
    this.done = this.done.slice(this.head).filter((entry) => entry?.state === 'completed');
    this.head = 0;
  }

  /** Drops completed entries, oldest completion first, down to the bound. */
  private dropOldestResults(): void {
    while (this.results > this.maxResults && this.head < this.done.length) {
      const entry = this.done[this.head];
      // Cleared as it is read, so a dropped result is not kept alive until the next compaction.
      this.done[this.head++] = undefined;
      if (entry?.state !== 'completed') continue;
      this.evict(entry);
    }
    // Reclaim the consumed front once it is half the array, amortised O(1) per completion.
    if (this.head > FIRST_SWEEP_AT && this.head * 2 > this.done.length) {
      this.done = this.done.slice(this.head);
      this.head = 0;
    }
  }
}
