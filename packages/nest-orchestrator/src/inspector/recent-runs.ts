import type { OperationDefinition } from '../interfaces/pipeline-definition.interface.js';
import { OPERATION_OUTCOMES } from '../operation-outcomes.js';
import type { RecentOperation, RecentRun } from './interfaces/inspector-snapshot.interface.js';

const NOT_ENDED = -1;
const round = (value: number) => Math.round(value * 1000) / 1000;

/**
 * The last `capacity` runs of one pipeline in preallocated typed arrays: a run takes the oldest
 * slot when it starts, so memory stays bounded however many runs are in flight, and a run pushed
 * out before it ends simply stops being recorded. Operations of concurrent runs interleave, so
 * each is found by its run id, compared by identity from the newest slot back: no Map, whose
 * set and delete per run hashed (and so flattened, allocating) the concatenated id and churned
 * its table, which cost more than everything else the inspector does.
 */
export class RecentRuns {
  private readonly runIds: (string | undefined)[];
  private readonly startedAt: Float64Array;
  private readonly durations: Float64Array;
  private readonly outcomes: Int8Array;
  private readonly offsets: Float64Array;
  private readonly operationDurations: Float64Array;
  private readonly operationOutcomes: Int8Array;
  private next = 0;
  /** Slot of the run last looked up: operations of one run mostly end one after another. */
  private last = 0;

  constructor(
    readonly capacity: number,
    private readonly operations: readonly OperationDefinition[],
  ) {
    const width = operations.length;
    this.runIds = new Array<string | undefined>(capacity).fill(undefined);
    this.startedAt = new Float64Array(capacity);
    this.durations = new Float64Array(capacity);
    this.outcomes = new Int8Array(capacity);
    this.offsets = new Float64Array(capacity * width);
    this.operationDurations = new Float64Array(capacity * width);
    this.operationOutcomes = new Int8Array(capacity * width);
  }

  /** `now`: wall-clock ms, to the second (the observer's clock, so a run reads no clock). */
  start(runId: string, now: number): void {
    const slot = this.next;
    this.next = slot + 1 === this.capacity ? 0 : slot + 1;
    this.runIds[slot] = runId;
    this.startedAt[slot] = now;
    this.outcomes[slot] = NOT_ENDED;
    const width = this.operations.length;
    // A loop, not fill(): for a handful of cells it is cheaper than the builtin call.
    for (let cell = slot * width, end = cell + width; cell < end; cell++)
      this.operationOutcomes[cell] = NOT_ENDED;
    this.last = slot;
  }

  operationEnded(
    runId: string,
    order: number,
    outcome: number,
    durationMs: number,
    startOffsetMs: number,
  ): void {
    const slot = this.slotOf(runId);
    if (slot < 0 || order >= this.operations.length) return;
    const cell = slot * this.operations.length + order;
    this.offsets[cell] = startOffsetMs;
    this.operationDurations[cell] = durationMs;
    this.operationOutcomes[cell] = outcome;
  }

  ended(runId: string, outcome: number, durationMs: number): void {
    const slot = this.slotOf(runId);
    if (slot < 0 || this.outcomes[slot] !== NOT_ENDED) return;
    this.durations[slot] = durationMs;
    this.outcomes[slot] = outcome;
  }

  /** -1 when the run was pushed out (or never started here). */
  private slotOf(runId: string): number {
    if (this.runIds[this.last] === runId) return this.last;
    for (let step = 1; step <= this.capacity; step++) {
      const slot = (this.next - step + this.capacity) % this.capacity;
      if (this.runIds[slot] === runId) return (this.last = slot);
    }
    return -1;
  }

  /** Newest first. */
  list(): RecentRun[] {
    const runs: RecentRun[] = [];
    const width = this.operations.length;
    for (let step = 1; step <= this.capacity; step++) {
      const slot = (this.next - step + this.capacity) % this.capacity;
      const runId = this.runIds[slot];
      if (runId === undefined) break;
      const operations: RecentOperation[] = [];
      for (let order = 0; order < width; order++) {
        const cell = slot * width + order;
        const outcome = this.operationOutcomes[cell];
        if (outcome === NOT_ENDED) continue;
        operations.push({
          name: this.operations[order].name,
          startOffsetMs: round(this.offsets[cell]),
          durationMs: round(this.operationDurations[cell]),
          outcome: OPERATION_OUTCOMES[outcome],
        });
      }
      operations.sort((a, b) => a.startOffsetMs - b.startOffsetMs);
      const ended = this.outcomes[slot] !== NOT_ENDED;
      runs.push({
        runId,
        startedAt: new Date(this.startedAt[slot]).toISOString(),
        durationMs: ended ? round(this.durations[slot]) : null,
        outcome: ended ? OPERATION_OUTCOMES[this.outcomes[slot]] : 'running',
        operations,
      });
    }
    return runs;
  }
}
