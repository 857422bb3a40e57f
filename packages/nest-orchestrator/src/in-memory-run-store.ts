import type { ClaimOutcome, ExpiredClaim, RunStore } from './interfaces/run-store.interface.js';

interface Entry {
  readonly fingerprint: string;
  readonly holder: string;
  completed: boolean;
  /** End of the lease while running, end of the retention once completed. */
  expiresAt: number;
  result: unknown;
  /** What the holder last recorded (crash-recovery records); reset by every claim. */
  payload: unknown;
}

const CLAIMED: ClaimOutcome = Object.freeze({ status: 'claimed' });
const MISMATCH: ClaimOutcome = Object.freeze({ status: 'mismatch' });
const FIRST_SWEEP_AT = 1024;
const DEFAULT_MAX_RESULTS = 10_000;

/**
 * The default `RunStore`: a Map in this process. Each method runs synchronously inside its
 * promise, so claims are atomic here; it does not protect a key across instances (use a shared
 * store for that). Results and payloads are kept by reference: treat what it hands back as read-only.
 */
export class InMemoryRunStore implements RunStore {
  private readonly entries = new Map<string, Entry>();
  /** Size at which the next sweep of retained results runs; doubles with the live entries. */
  private sweepAt = FIRST_SWEEP_AT;

  /** Completed entries held, so the oldest can be dropped past `maxResults`. */
  private results = 0;

  /**
   * Completed entries in completion order, read from `head`: dropping the oldest is O(1). Walking
   * the Map from its start instead would step over every slot deleted since its last rehash,
   * thousands per run once the bound is reached. Items whose entry left the Map are stale and
   * skipped; `sweep` compacts them away.
   */
  private done: { readonly key: string; readonly entry: Entry }[] = [];
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
    return this.entries.size;
  }

  claim(key: string, fingerprint: string, holder: string, leaseMs: number): Promise<ClaimOutcome> {
    const now = this.now();
    const entry = this.live(key, now);
    if (entry !== undefined && !(entry.expiresAt <= now && !entry.completed)) {
      if (entry.fingerprint !== fingerprint) return Promise.resolve(MISMATCH);
      return Promise.resolve(
        entry.completed
          ? { status: 'completed', result: entry.result }
          : { status: 'running', holder: entry.holder, expiresAt: entry.expiresAt },
      );
    }
    if (entry !== undefined) this.entries.delete(key);
    this.entries.set(key, {
      fingerprint,
      holder,
      completed: false,
      expiresAt: now + leaseMs,
      result: undefined,
      payload: undefined,
    });
    if (this.entries.size >= this.sweepAt) this.sweep(now);
    return Promise.resolve(CLAIMED);
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
    const entry = this.held(key, holder);
    if (entry === undefined) return Promise.resolve(false);
    entry.completed = true;
    entry.result = result;
    entry.expiresAt = this.now() + retainMs;
    this.done.push({ key, entry });
    if (++this.results > this.maxResults) this.dropOldestResults();
    else if (this.done.length - this.head > 2 * Math.max(this.results, FIRST_SWEEP_AT)) {
      // Short retentions leave mostly stale items behind without ever reaching the bound.
      this.compactDone();
    }
    return Promise.resolve(true);
  }

  release(key: string, holder: string): Promise<boolean> {
    if (this.held(key, holder) === undefined) return Promise.resolve(false);
    this.entries.delete(key);
    return Promise.resolve(true);
  }

  listExpired(now: number, limit: number): Promise<ExpiredClaim[]> {
    const expired: ExpiredClaim[] = [];
    for (const [key, entry] of this.entries) {
      if (entry.completed || entry.expiresAt > now) continue;
      expired.push({
        key,
        fingerprint: entry.fingerprint,
        holder: entry.holder,
        expiresAt: entry.expiresAt,
        payload: entry.payload,
      });
    }
    expired.sort((a, b) => a.expiresAt - b.expiresAt);
    return Promise.resolve(expired.slice(0, limit));
  }

  /** The entry for `key`, dropping a completed one whose retention has run out. */
  private live(key: string, now: number): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry !== undefined && entry.completed && entry.expiresAt <= now) {
      this.entries.delete(key);
      this.results--;
      return undefined;
    }
    return entry;
  }

  private held(key: string, holder: string): Entry | undefined {
    const entry = this.entries.get(key);
    return entry !== undefined && !entry.completed && entry.holder === holder ? entry : undefined;
  }

  /**
   * Drops every result past its retention. Run when the Map has doubled since the last sweep, so
   * memory stays within twice the live entries at an amortised O(1) per claim. Expired running
   * claims stay: `listExpired` must still find them.
   */
  private sweep(now: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.completed && entry.expiresAt <= now) {
        this.entries.delete(key);
        this.results--;
      }
    }
    this.sweepAt = Math.max(FIRST_SWEEP_AT, this.entries.size * 2);
    this.compactDone();
  }

  private compactDone(): void {
    this.done = this.done.slice(this.head).filter((item) => this.holds(item));
    this.head = 0;
  }

  /** Drops completed entries, oldest completion first, down to the bound. */
  private dropOldestResults(): void {
    while (this.results > this.maxResults && this.head < this.done.length) {
      const item = this.done[this.head++];
      if (!this.holds(item)) continue;
      this.entries.delete(item.key);
      this.results--;
    }
    // Reclaim the consumed front once it is half the array, amortised O(1) per completion.
    if (this.head > FIRST_SWEEP_AT && this.head * 2 > this.done.length) {
      this.done = this.done.slice(this.head);
      this.head = 0;
    }
  }

  /** Whether a queued completion is still the Map's entry for its key (not dropped or reclaimed). */
  private holds(item: { readonly key: string; readonly entry: Entry }): boolean {
    return this.entries.get(item.key) === item.entry;
  }
}
