/**
 * Fixed log-scale buckets shared by every inspector histogram: four per doubling from 1 µs, so a
 * percentile read from them is within 19 % of the true value (and exact at the observed min and
 * max, which clamp it). Fixed bounds need no configuration and let a hot-path record be one
 * `Math.log2` and an increment.
 */
const SMALLEST_MS = 0.001;
const STEPS_PER_DOUBLING = 4;
/** Bucket 0 holds ≤ 1 µs; the last one everything above ~67 s. */
export const BUCKET_COUNT = STEPS_PER_DOUBLING * 26 + 1;
const LAST = BUCKET_COUNT - 1;

/** Upper bound in ms of bucket `index` (`Infinity` for the last one). */
export function upperBoundOf(index: number): number {
  return index >= LAST ? Infinity : SMALLEST_MS * 2 ** (index / STEPS_PER_DOUBLING);
}

/** The bucket a duration falls in: `(upperBoundOf(i - 1), upperBoundOf(i)]`. */
export function bucketOf(durationMs: number): number {
  if (!(durationMs > SMALLEST_MS)) return 0;
  const index = Math.ceil(Math.log2(durationMs / SMALLEST_MS) * STEPS_PER_DOUBLING);
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
    const lower = index === 0 ? 0 : upperBoundOf(index - 1);
    const upper = index === LAST ? max : upperBoundOf(index);
    const value = lower + (upper - lower) * ((rank - below) / count);
    return Math.min(Math.max(value, min), max);
  }
  return max;
}
