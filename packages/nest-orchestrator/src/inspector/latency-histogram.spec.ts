import {
  BUCKET_COUNT,
  bucketOf,
  lowerBoundOf,
  percentileOf,
  upperBoundOf,
} from './latency-histogram.js';

function histogramOf(values: readonly number[]): Uint32Array {
  const counts = new Uint32Array(BUCKET_COUNT);
  for (const value of values) counts[bucketOf(value)]++;
  return counts;
}

describe('latency histogram', () => {
  it('puts each duration in the bucket whose bounds enclose it', () => {
    for (const value of [0.001, 0.002, 0.0037, 0.37, 1, 1.3, 12.5, 199, 4_000, 60_000]) {
      const index = bucketOf(value);
      expect(value).toBeGreaterThanOrEqual(lowerBoundOf(index));
      expect(value).toBeLessThan(upperBoundOf(index));
      // Four buckets per doubling: no bucket is wider than a quarter of its lower bound.
      expect(upperBoundOf(index) / lowerBoundOf(index)).toBeLessThanOrEqual(1.25 + 1e-12);
    }
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(0.0005)).toBe(0);
    expect(bucketOf(Number.NaN)).toBe(0);
    expect(bucketOf(1e12)).toBe(BUCKET_COUNT - 1);
    expect(upperBoundOf(BUCKET_COUNT - 1)).toBe(Infinity);
  });

  it('reads percentiles of known inputs within a bucket (25 %) of the true value', () => {
    const values = Array.from({ length: 1000 }, (_, i) => (i + 1) / 10); // 0.1 … 100 ms
    const counts = histogramOf(values);
    const read = (q: number) => percentileOf(counts, 0, values.length, q, 0.1, 100) as number;
    for (const [q, truth] of [
      [0.5, 50],
      [0.95, 95],
      [0.99, 99],
    ]) {
      expect(Math.abs(read(q) - truth) / truth).toBeLessThan(0.25);
    }
    expect(read(0.5)).toBeLessThan(read(0.95));
    expect(read(0.95)).toBeLessThanOrEqual(read(0.99));
  });

  it('is exact when every duration is the same, thanks to the min and max clamp', () => {
    const counts = histogramOf(Array(50).fill(7.25));
    expect(percentileOf(counts, 0, 50, 0.5, 7.25, 7.25)).toBe(7.25);
    expect(percentileOf(counts, 0, 50, 0.99, 7.25, 7.25)).toBe(7.25);
  });

  it('answers null for an empty histogram and reads at an offset', () => {
    expect(percentileOf(new Uint32Array(BUCKET_COUNT), 0, 0, 0.5, 0, 0)).toBeNull();
    const two = new Uint32Array(BUCKET_COUNT * 2);
    two[BUCKET_COUNT + bucketOf(3)] = 4;
    expect(percentileOf(two, BUCKET_COUNT, 4, 0.5, 3, 3)).toBe(3);
  });
});
