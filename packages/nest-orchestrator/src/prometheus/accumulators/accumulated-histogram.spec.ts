import { Histogram, Registry, type RegistryContentType } from 'prom-client';
import { DEFAULT_DURATION_BUCKETS } from '../metrics.constants.js';
import { renderOpenMetrics } from '../open-metrics.js';
import { AccumulatedHistogram } from './accumulated-histogram.js';

const labelNames = ['pipeline', 'operation', 'outcome', 'critical'] as const;
type Labels = Record<(typeof labelNames)[number], string>;

const series: Labels[] = [
  { pipeline: 'checkout', operation: 'validate', outcome: 'success', critical: 'true' },
  { pipeline: 'checkout', operation: 'validate', outcome: 'failure', critical: 'true' },
  {
    pipeline: 'checkout',
    operation: 'notify "quoted"\\path\nline',
    outcome: 'timeout',
    critical: 'false',
  },
  { pipeline: 'refund', operation: 'charge', outcome: 'aborted', critical: 'true' },
];

/** Deterministic pseudo-random numbers (mulberry32), so a failure is reproducible. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Durations in ms as the runner reports them: tiny, on every bound exactly, and beyond 10 s. */
function durationsMs(count: number): number[] {
  const next = random(42);
  const values = DEFAULT_DURATION_BUCKETS.map((bound) => bound * 1000);
  values.push(0, 0.000001, 0.042, 12_000, 60_000);
  while (values.length < count) values.push(Math.exp(next() * 20 - 10) * 1000);
  return values;
}

function pair(registryOptions?: (registry: Registry<RegistryContentType>) => void) {
  const fastRegistry = new Registry<RegistryContentType>();
  const promRegistry = new Registry<RegistryContentType>();
  registryOptions?.(fastRegistry);
  registryOptions?.(promRegistry);
  const config = {
    name: 'orchestrator_operation_duration_seconds',
    help: 'Operation duration in seconds.',
    labelNames,
    buckets: DEFAULT_DURATION_BUCKETS,
  };
  const fast = new AccumulatedHistogram(config, fastRegistry);
  const reference = new Histogram({
    ...config,
    labelNames: [...labelNames],
    buckets: [...DEFAULT_DURATION_BUCKETS],
    registers: [promRegistry],
  });
  const slots = series.map((labels) => {
    reference.zero(labels);
    return fast.series(labelNames.map((name) => labels[name]));
  });
  return { fast, reference, fastRegistry, promRegistry, slots };
}

describe('AccumulatedHistogram', () => {
  it('prints exactly what a prom-client Histogram fed the same values prints', async () => {
    const { fast, reference, fastRegistry, promRegistry, slots } = pair();
    durationsMs(2000).forEach((ms, i) => {
      const s = i % series.length;
      fast.observe(slots[s], ms / 1000);
      reference.observe(series[s], ms / 1000);
    });

    const text = await fastRegistry.metrics();
    expect(text).toBe(await promRegistry.metrics());
    expect(text).toContain('le="+Inf",pipeline="checkout"');
    expect(await fastRegistry.getMetricsAsJSON()).toStrictEqual(
      await promRegistry.getMetricsAsJSON(),
    );
  });

  it('prints zero series before any observation, like prom-client after zero()', async () => {
    const { fastRegistry, promRegistry } = pair();
    expect(await fastRegistry.metrics()).toBe(await promRegistry.metrics());
  });

  it('matches with registry default labels and in OpenMetrics format', async () => {
    const { fast, reference, fastRegistry, promRegistry, slots } = pair((registry) => {
      registry.setDefaultLabels({ app: 'orders' });
      registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    });
    fast.observe(slots[0], 0.003);
    reference.observe(series[0], 0.003);
    expect(await fastRegistry.metrics()).toBe(await promRegistry.metrics());
  });

  it('counts a value equal to a bound in that bound, like prom-client', async () => {
    const { fast, slots } = pair();
    fast.observe(slots[0], 0.005);
    const { values } = await fast.get();
    const bucket = (le: number | string) =>
      values.find((v) => v.labels.le === le && v.labels.outcome === 'success');
    expect(bucket(0.0025)?.value).toBe(0);
    expect(bucket(0.005)?.value).toBe(1);
    expect(bucket('+Inf')?.value).toBe(1);
  });

  it('drops NaN instead of poisoning the sum', () => {
    const { fast, slots } = pair();
    fast.observe(slots[0], Number.NaN);
    fast.observe(slots[0], 0.5);
    expect(fast.sum(slots[0])).toBe(0.5);
    expect(fast.count(slots[0])).toBe(1);
  });

  it('keeps its series through reset(), at zero', async () => {
    const { fast, slots } = pair();
    fast.observe(slots[1], 1);
    fast.reset();
    const { values } = await fast.get();
    expect(values).toHaveLength(series.length * (DEFAULT_DURATION_BUCKETS.length + 3));
    expect(values.every((v) => v.value === 0)).toBe(true);
  });

  it('returns the same slot for the same label values and grows past its first capacity', () => {
    const histogram = new AccumulatedHistogram({
      name: 'h',
      help: 'h',
      labelNames: ['n'],
      buckets: [1],
    });
    const slots = Array.from({ length: 100 }, (_, i) => histogram.series([String(i)]));
    slots.forEach((slot) => histogram.observe(slot, 2));
    expect(histogram.series(['7'])).toBe(slots[7]);
    expect(slots.map((slot) => histogram.count(slot))).toEqual(slots.map(() => 1));
  });

  it('refuses buckets that are empty, unsorted or not finite', () => {
    const make = (buckets: number[]) => () =>
      new AccumulatedHistogram({ name: 'h', help: 'h', labelNames: [], buckets });
    expect(make([])).toThrow(/strictly ascending/);
    expect(make([1, 0.5])).toThrow(/strictly ascending/);
    expect(make([1, Infinity])).toThrow(/finite/);
  });

  it('refuses a wrong number of label values', () => {
    const histogram = new AccumulatedHistogram({
      name: 'h',
      help: 'h',
      labelNames: ['a', 'b'],
      buckets: [1],
    });
    expect(() => histogram.series(['x'])).toThrow('h takes 2 label values (a, b), got 1.');
  });

  describe('exemplars', () => {
    const traceA = '4bf92f3577b34da6a3ce929d0e0e4736';
    const traceB = '0af7651916cd43dd8448eb211c80319c';
    const spanA = '00f067aa0ba902b7';
    const spanB = 'b7ad6b7169203331';

    it('keeps the most recent traced observation per bucket, and none on untraced buckets', async () => {
      const { fast, slots } = pair();
      fast.observe(slots[0], 0.003, traceA, spanA);
      fast.observe(slots[0], 0.004, traceB, spanB);
      fast.observe(slots[0], 0.0004, traceA, spanA);
      fast.observe(slots[0], 0.2);
      fast.observe(slots[0], 30, traceB, spanB);
      const { values } = await fast.getForOpenMetrics();
      const bucket = (le: number | string) =>
        values.find((v) => v.labels.le === le && v.sharedLabels?.outcome === 'success');
      expect(bucket(0.005)?.exemplar).toMatchObject({
        labelSet: { trace_id: traceB, span_id: spanB },
        value: 0.004,
      });
      expect(bucket(0.0005)?.exemplar?.labelSet).toEqual({ trace_id: traceA, span_id: spanA });
      expect(bucket(0.25)?.exemplar).toBeNull();
      expect(bucket('+Inf')?.exemplar).toMatchObject({ labelSet: { trace_id: traceB }, value: 30 });
      const seconds = bucket(0.005)?.exemplar?.timestamp ?? 0;
      expect(Math.abs(seconds - Date.now() / 1000)).toBeLessThan(5);
      expect(values.filter((v) => v.exemplar)).toHaveLength(3);
    });

    it('leaves the plain text and JSON byte for byte what prom-client prints', async () => {
      const { fast, reference, fastRegistry, promRegistry, slots } = pair();
      durationsMs(500).forEach((ms, i) => {
        const s = i % series.length;
        fast.observe(slots[s], ms / 1000, traceA, spanA);
        reference.observe(series[s], ms / 1000);
      });
      expect(await fastRegistry.metrics()).toBe(await promRegistry.metrics());
      expect(await fastRegistry.getMetricsAsJSON()).toStrictEqual(
        await promRegistry.getMetricsAsJSON(),
      );
    });

    it('prints them on bucket lines in OpenMetrics text, which ends with # EOF', async () => {
      const { fast, fastRegistry, slots } = pair();
      fast.observe(slots[0], 0.003, traceA, spanA);
      const text = await renderOpenMetrics(fastRegistry);
      const line = text
        .split('\n')
        .find((l) => l.includes('le="0.005"') && l.includes('outcome="success"'));
      expect(line).toMatch(
        new RegExp(
          `^orchestrator_operation_duration_seconds_bucket\\{.*\\} 1 # \\{trace_id="${traceA}",span_id="${spanA}"\\} 0\\.003 \\d+(\\.\\d+)?$`,
        ),
      );
      // Only the bucket the value falls in holds it: OpenMetrics wants it within (previous le, le].
      expect(text.split('\n').filter((l) => l.includes(' # {'))).toHaveLength(1);
      expect(text.endsWith('# EOF\n')).toBe(true);
      expect(text).not.toMatch(/_(sum|count)\{[^}]*\} \S+ #/);
    });

    it('forgets them on reset()', async () => {
      const { fast, slots } = pair();
      fast.observe(slots[2], 0.003, traceA, spanA);
      fast.reset();
      const { values } = await fast.getForOpenMetrics();
      expect(values.every((v) => !v.exemplar)).toBe(true);
    });
  });
});
