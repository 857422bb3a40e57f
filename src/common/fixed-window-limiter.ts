/** Outcome of counting one hit: allowed or not, and when the window resets. */
export interface LimitDecision {
  allowed: boolean;
  /** Hits still allowed in this window after this one. */
  remaining: number;
  /** Seconds until the window resets (at least 1). */
  retryAfterSeconds: number;
}

interface Window {
  hits: number;
  resetAt: number;
}

/**
 * Counts hits per key in fixed windows of `windowMs`, in memory. Expired windows are dropped as
 * new keys arrive, and at most `maxKeys` are kept (the oldest go first), so a flood of distinct
 * clients cannot grow it without bound.
 */
export class FixedWindowLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys = 50_000,
    private readonly now: () => number = Date.now,
  ) {}

  hit(key: string): LimitDecision {
    const now = this.now();
    let window = this.windows.get(key);
    if (window === undefined || window.resetAt <= now) {
      if (window === undefined) this.makeRoom(now);
      window = { hits: 0, resetAt: now + this.windowMs };
      this.windows.set(key, window);
    }
    window.hits += 1;
    return {
      allowed: window.hits <= this.limit,
      remaining: Math.max(0, this.limit - window.hits),
      retryAfterSeconds: Math.max(1, Math.ceil((window.resetAt - now) / 1000)),
    };
  }

  get size(): number {
    return this.windows.size;
  }

  private makeRoom(now: number): void {
    if (this.windows.size < this.maxKeys) return;
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
    // Still full of live windows: forget the oldest (Map keeps insertion order).
    for (const key of this.windows.keys()) {
      if (this.windows.size < this.maxKeys) break;
      this.windows.delete(key);
    }
  }
}
