import type { StoredClaim } from './in-memory-run-store.js';

/**
 * Up to this many live keys, a key that leaves is marked rather than deleted. Past it, V8
 * rehashes the table rarely enough that deleting is cheaper than rebuilding a large Map.
 */
const MARK_UNDER = 1024;
/** Marked keys are dropped by a rebuild once they outnumber the live ones, and this many. */
const MIN_MARKS = 64;

/**
 * @internal The default store's Map of claims by key. A small Map that keeps adding and deleting
 * keys (a journal record per compensable run, a store with few results) makes V8 rehash its
 * table every few deletions, and the old tables keep live entries reachable through the next
 * scavenges: each run's claim and everything it holds ended up promoted to the old generation.
 * The micro bench's journal row (a record claimed and released per run) read 2.95–4.34 µs over a
 * plain run with GC included before, 2.06–2.94 µs after (`--steady=mixed-3/runner,mixed-3/journal`).
 *
 * So while the Map is small, a key that leaves is only marked (its entry's `state` is `gone`)
 * and stays in place until it is claimed again or a rebuild copies the live entries into a new
 * Map. Callers see live entries only: `find` and `values` skip marked ones, `size` counts live.
 */
export class ClaimMap {
  private map = new Map<string, StoredClaim>();
  /** Entries in `map` whose state is `gone`. */
  private marked = 0;

  /** Live entries. */
  get size(): number {
    return this.map.size - this.marked;
  }

  /** The entry under `key` while it is in the store; none once it left. */
  find(key: string): StoredClaim | undefined {
    const entry = this.map.get(key);
    return entry === undefined || entry.state === 'gone' ? undefined : entry;
  }

  /** The entry under `key` as filed: a marked one (`state` is `gone`) included, for `put`. */
  lookup(key: string): StoredClaim | undefined {
    return this.map.get(key);
  }

  /**
   * Files `entry` under its key, over whatever `lookup` found there just before (the caller
   * retires a live one first). `overMark`: what it found was marked, so one mark less; the
   * caller knows it from its own lookup, which spares the hot path a second one. Nothing that can
   * rebuild the Map may run between that lookup and this call.
   */
  put(entry: StoredClaim, overMark: boolean): void {
    if (overMark) this.marked--;
    this.map.set(entry.key, entry);
  }

  /** Takes out `entry`, filed here and already marked `gone` by the store. */
  forget(entry: StoredClaim): void {
    const live = this.map.size - this.marked;
    if (live > MARK_UNDER) {
      this.map.delete(entry.key);
      return;
    }
    // A marked entry stays reachable until its key is reused or the Map rebuilt: it keeps its key
    // and fingerprint, not its result.
    entry.result = entry.payload = undefined;
    if (++this.marked > Math.max(MIN_MARKS, live)) this.rebuild();
  }

  /**
   * Live entries, in the order their keys were first filed (a key claimed again keeps its place).
   * A rebuild while iterating leaves this iteration intact.
   */
  *values(): IterableIterator<StoredClaim> {
    for (const entry of this.map.values()) {
      if (entry.state !== 'gone') yield entry;
    }
  }

  private rebuild(): void {
    const fresh = new Map<string, StoredClaim>();
    for (const [key, entry] of this.map) {
      if (entry.state !== 'gone') fresh.set(key, entry);
    }
    this.map = fresh;
    this.marked = 0;
  }
}
