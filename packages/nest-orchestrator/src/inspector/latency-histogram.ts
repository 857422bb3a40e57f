/**
 * Fixed log-linear buckets shared by every inspector histogram: each doubling from 1 µs split in
 * four equal parts (as HdrHistogram does), so a percentile read from them is within 25 % of the
 * true value, and exact at the observed min and max, which clamp it. Fixed bounds need no
 * configuration, and a bucket comes straight from the float's exponent and top mantissa bits: no
 * `Math.log2` (which cost more than the rest of a record together) on the hot path.
 */
const SMALLEST_MS = 0.001;
const DOUBLINGS = 26;
/** Bucket 0 holds < 1 µs; the last one everything from ~67 s up. */
export const BUCKET_COUNT = 4 * DOUBLINGS + 2;
const LAST = BUCKET_COUNT - 1;

// One float and its two 32-bit halves; which half holds the exponent depends on byte order.
const float = new Float64Array(1);
const words = new Uint32Array(float.buffer);
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** Lower bound in ms of bucket `index`. */
export function lowerBoundOf(index: number): number {
  if (index <= 0) return 0;
  const step = index - 1;
  return SMALLEST_MS * 2 ** Math.floor(step / 4) * (1 + (step % 4) / 4);
}

/** Upper bound in ms of bucket `index` (`Infinity` for the last one). */
export function upperBoundOf(index: number): number {
  return index >= LAST ? Infinity : lowerBoundOf(index + 1);
}

/** The bucket a duration falls in: `[lowerBoundOf(i), upperBoundOf(i))`. */
export function bucketOf(durationMs: number): number {
  if (!(durationMs >= SMALLEST_MS)) return 0;
  float[0] = durationMs / SMALLEST_MS;
  const high = words[HIGH];
  // Unbiased exponent, then the two mantissa bits below it: a quarter of the doubling.
  const index = ((high >>> 20) - 1023) * 4 + ((high >>> 18) & 3) + 1;
  return index < LAST ? index : LAST;
}

/**
 * The `quantile` (0..1) of the `total` durations counted in `counts[offset .. offset +
 * BUCKET_COUNT)`, interpolated inside its bucket and clamped to `[min, max]`; `null` when empty.
 */
export function percentileOf(
  counts: ArrayLike<number>,
  offset: number,
  total: number,
  quantile: number,
  min: number,
  max: number,
): number | null {
  if (total === 0) return null;
  const rank = quantile * total;
  let below = 0;
  for (let index = 0; index < BUCKET_COUNT; index++) {
    const count = counts[offset + index];
    if (count === 0 || below + count < rank) {
      below += count;
      continue;
    }
    const lower = lowerBoundOf(index);
    const upper = index === LAST ? max : upperBoundOf(index);
    const value = lower + (upper - lower) * ((rank - below) / count);
    return Math.min(Math.max(value, min), max);
  }
  return max;
}
