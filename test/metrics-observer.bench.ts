// Cost of PrometheusObserver's hooks, per call (not a test: Jest does not pick up *.bench.ts).
// Run:
//   npx tsc --ignoreConfig test/metrics-observer.bench.ts --outDir node_modules/.cache/metrics-bench --rootDir . \
//     --module nodenext --target es2023 --types node --experimentalDecorators --emitDecoratorMetadata --skipLibCheck
//   node node_modules/.cache/metrics-bench/test/metrics-observer.bench.js
import 'reflect-metadata';
import { Counter, Histogram, Registry } from 'prom-client';
import { Bench } from 'tinybench';
import {
  DEFAULT_DURATION_BUCKETS,
  OrchestratorMetrics,
  PrometheusObserver,
} from 'nest-orchestrator/prometheus';
import type {
  OperationDefinition,
  PipelineDefinition,
  PipelineRegistry,
  PipelineResult,
} from 'nest-orchestrator';

/** Calls per task iteration, so the timer and tinybench's own overhead are spread thin. */
const BATCH = 1000;

const operations: OperationDefinition[] = ['validate', 'reserve', 'charge', 'notify', 'audit'].map(
  (name, order) =>
    Object.freeze({
      name,
      method: name,
      critical: order < 3,
      timeoutMs: undefined,
      order,
      after: order === 0 ? [] : [['validate', 'reserve', 'charge', 'notify', 'audit'][order - 1]],
      retry: undefined,
      compensate: undefined,
      compensationTimeoutMs: undefined,
    }),
);
const pipeline: PipelineDefinition = Object.freeze({
  name: 'checkout',
  target: class CheckoutPipeline {},
  description: undefined,
  timeoutMs: undefined,
  operations: Object.freeze(operations),
});
// A second pipeline, run interleaved with the first: every call misses the last-pipeline cache.
const refund: PipelineDefinition = Object.freeze({ ...pipeline, name: 'refund' });
const result: PipelineResult<unknown> = {
  success: true,
  runId: 'bench-run',
  duration: 1.5,
  metrics: {},
  errors: [],
};

// Latencies spread over the buckets (0.01 ms to ~100 ms), as a real mix would be.
const durationsMs = Float64Array.from({ length: BATCH }, (_, i) => 0.01 * Math.pow(1.01, i));

const observer = new PrometheusObserver(
  new OrchestratorMetrics(new Registry(), DEFAULT_DURATION_BUCKETS),
  { list: () => [pipeline, refund] } as unknown as PipelineRegistry,
);
observer.onApplicationBootstrap();

const registry = new Registry();
const promHistogram = new Histogram({
  name: 'op_seconds',
  help: 'h',
  labelNames: ['pipeline', 'operation', 'outcome', 'critical'],
  buckets: [...DEFAULT_DURATION_BUCKETS],
  registers: [registry],
});
const promCounter = new Counter({
  name: 'op_failures_total',
  help: 'c',
  labelNames: ['pipeline', 'operation', 'critical', 'reason'],
  registers: [registry],
});
const bound = operations.map((op) =>
  promHistogram.labels(pipeline.name, op.name, 'success', String(op.critical)),
);

let sink = 0;
const bench = new Bench({ time: 2000, warmupTime: 500 });
bench
  .add('loop only (baseline)', () => {
    for (let i = 0; i < BATCH; i++) sink += durationsMs[i] + operations[i % 5].order;
  })
  .add('onOperationEnd, success', () => {
    for (let i = 0; i < BATCH; i++)
      observer.onOperationEnd(pipeline, operations[i % 5], 'success', durationsMs[i]);
  })
  .add('onOperationEnd, failure (histogram + counter)', () => {
    for (let i = 0; i < BATCH; i++)
      observer.onOperationEnd(pipeline, operations[i % 5], 'failure', durationsMs[i]);
  })
  .add('onOperationEnd, two pipelines interleaved (Map look-up each call)', () => {
    for (let i = 0; i < BATCH; i++) {
      observer.onOperationEnd(
        i & 1 ? refund : pipeline,
        operations[i % 5],
        'success',
        durationsMs[i],
      );
    }
  })
  .add('whole run: onRunStart + 5 x onOperationEnd + onRunEnd, per operation', () => {
    for (let i = 0; i < BATCH; i += 5) {
      observer.onRunStart(pipeline);
      for (let k = 0; k < 5; k++)
        observer.onOperationEnd(pipeline, operations[k], 'success', durationsMs[i + k]);
      observer.onRunEnd(pipeline, 'success', result);
    }
  })
  .add('for comparison: prom-client pre-bound child observe()', () => {
    for (let i = 0; i < BATCH; i++) bound[i % 5].observe(durationsMs[i] / 1000);
  })
  .add('for comparison: prom-client observe(labels) + inc(labels)', () => {
    for (let i = 0; i < BATCH; i++) {
      const op = operations[i % 5];
      const critical = String(op.critical);
      promHistogram.observe(
        { pipeline: pipeline.name, operation: op.name, outcome: 'failure', critical },
        durationsMs[i] / 1000,
      );
      promCounter.inc({ pipeline: pipeline.name, operation: op.name, critical, reason: 'error' });
    }
  });

await bench.run();

const perCallNs = (name: string): number => {
  const task = bench.tasks.find((t) => t.name === name);
  const stats = task?.result;
  if (stats === undefined || !('latency' in stats)) throw new Error(`${name} did not complete`);
  return (stats.latency.mean * 1e6) / BATCH;
};
const baseline = perCallNs('loop only (baseline)');
const rows = bench.tasks.map((task) => {
  const ns = perCallNs(task.name);
  return `${task.name.padEnd(72)} ${ns.toFixed(1).padStart(7)} ns/call  (${(ns - baseline).toFixed(1).padStart(7)} ns over the loop)`;
});
process.stdout.write(`${process.version}, ${BATCH} calls per sample\n${rows.join('\n')}\n`);
if (sink === -1) process.stdout.write('');
