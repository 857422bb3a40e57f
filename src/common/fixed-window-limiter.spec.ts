import { FixedWindowLimiter } from './fixed-window-limiter.js';

describe('FixedWindowLimiter', () => {
  let now: number;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  it('allows `limit` hits per key and window, then refuses until the window ends', () => {
    const limiter = new FixedWindowLimiter(3, 60_000, 100, clock);

    expect([1, 2, 3].map(() => limiter.hit('a').allowed)).toEqual([true, true, true]);
    expect(limiter.hit('a')).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 60 });
    expect(limiter.hit('b').allowed).toBe(true); // keys are counted apart

    now += 59_500;
    expect(limiter.hit('a')).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 1 });
    now += 500;
    expect(limiter.hit('a')).toEqual({ allowed: true, remaining: 2, retryAfterSeconds: 60 });
  });

  it('keeps at most maxKeys windows, dropping expired ones first and then the oldest', () => {
    const limiter = new FixedWindowLimiter(1, 1_000, 3, clock);
    limiter.hit('old');
    now += 2_000;
    limiter.hit('a');
    limiter.hit('b');
    limiter.hit('c'); // full: 'old' has expired and goes
    expect(limiter.size).toBe(3);

    limiter.hit('d'); // full of live windows: 'a', the oldest, goes
    expect(limiter.size).toBe(3);
    expect(limiter.hit('a').allowed).toBe(true); // counted afresh
    expect(limiter.hit('d').allowed).toBe(false);
  });
});
