// Times the operations in alternating rounds: each round calls every operation `callsPerRound`
// times, one call at a time (the latency one request sees, not throughput), odd rounds in reverse
// order so drift on a busy machine does not always favour the same operation.
import { median } from '../micro/measure.js';
import type { OperationId, StoreOperation } from './operations.js';

export interface StoreTiming {
  /** Measured rounds; an operation's figure is the median over rounds. */
  readonly rounds: number;
  /** Calls of each operation per round. */
  readonly callsPerRound: number;
  /** Calls of each operation in an unrecorded first round (connections, JIT, caches). */
  readonly warmupCalls: number;
}

export interface RoundFigure {
  /** Median ms of the round's calls. */
  readonly total: number;
  /** Median ms of each step over the round's calls. */
  readonly steps: number[];
}

export interface OperationSamples {
  readonly rounds: RoundFigure[];
  /** Every measured call's ms, all rounds together (for the tail). */
  readonly calls: number[];
}

async function callMany(operation: StoreOperation, calls: number): Promise<number[][]> {
  const results: number[][] = [];
  for (let i = 0; i < calls; i++) results.push(await operation.once());
  return results;
}

export async function timeRounds(
  operations: readonly StoreOperation[],
  timing: StoreTiming,
  progress: (round: number, of: number) => void = () => undefined,
): Promise<Map<OperationId, OperationSamples>> {
  const samples = new Map<OperationId, OperationSamples>(
    operations.map((operation) => [operation.id, { rounds: [], calls: [] }]),
  );
  progress(0, timing.rounds);
  for (const operation of operations) await callMany(operation, timing.warmupCalls);

  for (let round = 1; round <= timing.rounds; round++) {
    progress(round, timing.rounds);
    const order = round % 2 === 1 ? [...operations].reverse() : operations;
    for (const operation of order) {
      const results = await callMany(operation, timing.callsPerRound);
      const totals = results.map((steps) => steps.reduce((sum, ms) => sum + ms, 0));
      const own = samples.get(operation.id)!;
      own.rounds.push({
        total: median(totals),
        steps: operation.steps.map((_, step) => median(results.map((r) => r[step]))),
      });
      own.calls.push(...totals);
    }
  }
  return samples;
}
