import os from 'node:os';

/** What a result was measured on, so figures are never quoted without their machine. */
export function machine() {
  return {
    date: new Date().toISOString(),
    node: process.version,
    v8: process.versions.v8,
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
  };
}

/** The 1, 5 and 15 minute load averages, e.g. "0.93 1.91 2.45": a busy machine skews timings. */
export function loadAverage(): string {
  return os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
}
