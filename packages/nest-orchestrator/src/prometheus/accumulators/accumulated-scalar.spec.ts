import { Counter, Gauge, Registry, type RegistryContentType } from 'prom-client';
import { AccumulatedCounter, AccumulatedGauge } from './accumulated-scalar.js';

const labelNames = ['pipeline', 'operation', 'critical', 'reason'];
const series = [
  { pipeline: 'checkout', operation: 'validate', critical: 'true', reason: 'error' },
  { pipeline: 'checkout', operation: 'validate', critical: 'true', reason: 'timeout' },
  { pipeline: 'checkout', operation: 'notify', critical: 'false', reason: 'aborted' },
];
const values = (labels: Record<string, string>) => labelNames.map((name) => labels[name]);

describe('AccumulatedCounter', () => {
  it.each([Registry.PROMETHEUS_CONTENT_TYPE, Registry.OPENMETRICS_CONTENT_TYPE])(
    'prints exactly what a prom-client Counter fed the same values prints (%s)',
    async (contentType: RegistryContentType) => {
      const fastRegistry = new Registry<RegistryContentType>();
      const promRegistry = new Registry<RegistryContentType>();
      fastRegistry.setContentType(contentType);
      promRegistry.setContentType(contentType);
      const config = {
        name: 'orchestrator_operation_failures_total',
        help: 'Failures.',
        labelNames,
      };
      const fast = new AccumulatedCounter(config, fastRegistry);
      const reference = new Counter({ ...config, registers: [promRegistry] });
      const slots = series.map((labels) => {
        reference.inc(labels, 0);
        return fast.series(values(labels));
      });
      for (let i = 0; i < 7; i++) {
        fast.inc(slots[i % 2]);
        reference.inc(series[i % 2]);
      }

      expect(await fastRegistry.metrics()).toBe(await promRegistry.metrics());
      expect(await fastRegistry.getMetricsAsJSON()).toStrictEqual(
        await promRegistry.getMetricsAsJSON(),
      );
      expect(fast.value(slots[0])).toBe(4);
    },
  );
});

describe('AccumulatedGauge', () => {
  it('prints exactly what a prom-client Gauge fed the same values prints', async () => {
    const fastRegistry = new Registry();
    const promRegistry = new Registry();
    const config = {
      name: 'orchestrator_pipelines_in_flight',
      help: 'Runs in flight.',
      labelNames: ['pipeline'],
    };
    const fast = new AccumulatedGauge(config, fastRegistry);
    const reference = new Gauge({ ...config, registers: [promRegistry] });
    const slots = ['checkout', 'refund'].map((pipeline) => {
      reference.set({ pipeline }, 0);
      return fast.series([pipeline]);
    });
    fast.inc(slots[0]);
    fast.inc(slots[0]);
    fast.dec(slots[0]);
    reference.inc({ pipeline: 'checkout' });
    reference.inc({ pipeline: 'checkout' });
    reference.dec({ pipeline: 'checkout' });

    expect(await fastRegistry.metrics()).toBe(await promRegistry.metrics());
    fast.reset();
    expect(fast.value(slots[0])).toBe(0);
  });
});
