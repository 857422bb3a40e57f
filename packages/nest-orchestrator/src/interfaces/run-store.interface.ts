/**
 * What `claim` found. `claimed`: the caller now holds the key until its lease ends. `running`:
 * another holder's lease is live. `completed`: the key's work is done and `result` is what was
 * stored with it. `mismatch`: the key is held or done with another fingerprint.
 */
export type ClaimOutcome =
  | { readonly status: 'claimed' }
  | { readonly status: 'running'; readonly holder: string; readonly expiresAt: number }
  | { readonly status: 'completed'; readonly result: unknown }
  | { readonly status: 'mismatch' };

/** A claim whose lease ran out with neither `complete` nor `release`: its holder likely died. */
export interface ExpiredClaim {
  readonly key: string;
  readonly fingerprint: string;
  readonly holder: string;
  /** When the lease ended, in ms since the epoch. */
  readonly expiresAt: number;
  /** What the holder last stored with `record`; `undefined` (or `null` from a database) if never. */
  readonly payload: unknown;
}

/**
 * Claims with a lease, shared by idempotency keys and crash-recovery records. Every key
 * is `running` (held by one holder until `expiresAt`), `completed` (a stored result, kept for
 * `retainMs`) or absent. A running claim whose lease has expired counts as absent for `claim`:
 * anyone may take it over, whatever its fingerprint. Times are ms since the epoch, on the store's
 * own clock.
 *
 * A shared implementation (a database) must make each method one atomic statement (an
 * `INSERT ... ON CONFLICT DO UPDATE ... WHERE` for `claim`, conditional `UPDATE`/`DELETE` for the
 * others), so two instances claiming one key at once never both get `claimed`.
 */
export interface RunStore {
  /**
   * Takes `key` for `holder` until now + `leaseMs` if it is absent, expired, or completed with a
   * retention that has run out; otherwise reports why not. A live claim or a retained result
   * with another `fingerprint` answers `mismatch` before anything else.
   */
  claim(key: string, fingerprint: string, holder: string, leaseMs: number): Promise<ClaimOutcome>;

  /**
   * Extends `holder`'s live claim on `key` to now + `leaseMs`. False when the claim is not
   * `holder`'s any more, or its lease had already run out: the holder has lost it.
   */
  renew(key: string, holder: string, leaseMs: number): Promise<boolean>;

  /**
   * Marks `holder`'s claim on `key` completed with `result` (JSON-serialisable; a shared store
   * keeps it as JSON), kept until now + `retainMs`. False if `holder` no longer holds the key
   * (another holder took it over after the lease ran out); the result is then not stored.
   */
  complete(key: string, holder: string, result: unknown, retainMs: number): Promise<boolean>;

  /**
   * Stores `payload` (JSON-serialisable) on `holder`'s live claim of `key` and extends its lease
   * to now + `leaseMs`. False if `holder` no longer holds it. One atomic statement in a database.
   * A claim (or a take-over of an expired one) starts with no payload.
   */
  record(key: string, holder: string, payload: unknown, leaseMs: number): Promise<boolean>;

  /** Drops `holder`'s running claim on `key`, so the next `claim` runs again. False if not held. */
  release(key: string, holder: string): Promise<boolean>;

  /**
   * Up to `limit` running claims whose lease ended at or before `now`, oldest first: what a
   * crashed holder leaves. Read-only: take one over with `claim` before acting on it.
   */
  listExpired(now: number, limit: number): Promise<ExpiredClaim[]>;
}
