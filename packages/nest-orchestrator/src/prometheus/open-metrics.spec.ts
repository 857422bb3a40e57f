import { Counter, Gauge, Registry } from 'prom-client';
import { AccumulatedHistogram } from './accumulators/accumulated-histogram.js';
import { AccumulatedCounter } from './accumulators/accumulated-scalar.js';
import { prefersOpenMetrics, renderOpenMetrics } from './open-metrics.js';

/** What Prometheus 2.42 sends when it scrapes. */
const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

describe('prefersOpenMetrics', () => {
  it.each([
    [PROMETHEUS_ACCEPT, true],
    ['application/openmetrics-text', true],
    ['Application/OpenMetrics-Text; version=1.0.0', true],
    ['application/openmetrics-text, */*', true],
    ['text/plain;version=0.0.4;q=0.9, application/openmetrics-text;q=0.5', false],
    ['application/openmetrics-text;q=0', false],
    ['application/openmetrics-text;q=nonsense', false],
    ['*/*', false],
    ['text/plain', false],
    ['', false],
    [undefined, false],
  ])('%j → %s', (accept, expected) => {
    expect(prefersOpenMetrics(accept)).toBe(expected);
  });
});

describe('renderOpenMetrics', () => {
  function registryWithMetrics() {
    const registry = new Registry();
    const histogram = new AccumulatedHistogram(
      { name: 'work_seconds', help: 'Work.', labelNames: ['step'], buckets: [0.01, 0.1] },
      registry,
    );
    const ours = new AccumulatedCounter(
      { name: 'steps_failed_total', help: 'Failed steps.', labelNames: ['step'] },
      registry,
    );
    const theirs = new Counter({ name: 'jobs_total', help: 'Jobs.', registers: [registry] });
    new Gauge({ name: 'queue_depth', help: 'Depth.', registers: [registry] }).set(3);
    const slot = histogram.series(['charge']);
    histogram.observe(slot, 0.05, '4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7');
    ours.inc(ours.series(['charge']));
    theirs.inc(2);
    return registry;
  }

  it('prints counters as OpenMetrics wants them and leaves the registry as it was', async () => {
    const registry = registryWithMetrics();
    const plainBefore = await registry.metrics();
    const text = await renderOpenMetrics(registry);

    expect(text).toContain('# TYPE steps_failed counter\nsteps_failed_total{step="charge"} 1');
    expect(text).toContain('# TYPE jobs counter\njobs_total 2');
    expect(text).toContain('queue_depth 3');
    expect(text).toMatch(
      /work_seconds_bucket\{le="0.1",step="charge"\} 1 # \{trace_id="4bf92f3577b34da6a3ce929d0e0e4736",span_id="00f067aa0ba902b7"\} 0.05 \d+/,
    );
    expect(text.endsWith('\n# EOF\n')).toBe(true);

    expect(await registry.metrics()).toBe(plainBefore);
    expect(plainBefore).not.toContain('# {');
    const nameOf = (name: string) =>
      (registry.getSingleMetric(name) as unknown as { name: string } | undefined)?.name;
    expect(nameOf('steps_failed_total')).toBe('steps_failed_total');
    expect(nameOf('jobs_total')).toBe('jobs_total');
  });

  it('serves both formats to scrapes running at the same time', async () => {
    const registry = registryWithMetrics();
    const plain = await registry.metrics();
    const open = await renderOpenMetrics(registry);
    const both = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        i % 2 ? registry.metrics() : renderOpenMetrics(registry),
      ),
    );
    both.forEach((text, i) => expect(text).toBe(i % 2 ? plain : open));
  });

  it("carries the registry's default labels", async () => {
    const registry = registryWithMetrics();
    registry.setDefaultLabels({ app: 'orders' });
    expect(await renderOpenMetrics(registry)).toContain('jobs_total{app="orders"} 2');
  });
});
