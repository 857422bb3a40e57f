import { Logger } from '@nestjs/common';
import { messages } from './orchestrator.messages.js';
import type { RunStore } from './interfaces/run-store.interface.js';
import type { Lease, LeaseKeeper } from './lease-keeper.js';

/** Recovery records live under their own prefix, apart from idempotency keys. */
export const COMPENSATION_KEY_PREFIX = 'compensation:';

/** One compensable operation a run started, with the context as it started (JSON). */
export interface JournalEntry {
  readonly operation: string;
  readonly context: unknown;
}

/** The payload of a recovery record: everything a sweep needs to undo the run. */
export interface CompensationRecord {
  readonly pipeline: string;
  readonly entries: readonly JournalEntry[];
}

/** What one run has recorded so far; created at its first compensable operation. */
export class RunJournal {
  readonly key: string;
  readonly entries: JournalEntry[] = [];
  /** Set once the record exists in the store, and so must be released at the end. */
  lease: Lease | undefined = undefined;

  constructor(
    readonly pipeline: string,
    readonly runId: string,
  ) {
    this.key = COMPENSATION_KEY_PREFIX + runId;
  }
}

/** The JSON form a shared store would give back, taken now, before the operation changes it. */
function snapshot(context: object): unknown {
  let json: string;
  try {
    json = JSON.stringify(context);
  } catch (error) {
    throw new TypeError(messages.recordNotJson, { cause: error });
  }
  return JSON.parse(json) as unknown;
}

/**
 * Writes, before each compensable operation starts, what a run is about to do, so a recovery
 * sweep can undo it if the process dies; clears it when the run ends. Only runs that reach a
 * compensable operation call it: other runs make no store call and allocate nothing for it.
 */
export class CompensationJournal {
  private readonly logger = new Logger('Orchestrator');

  constructor(
    private readonly store: RunStore,
    private readonly leases: LeaseKeeper,
  ) {}

  /**
   * Records that `operation` is about to start with `context`: claims the run's record the first
   * time, then stores every entry so far. Throws when the store failed or refused; the
   * operation must then not start, since nothing could undo it after a crash.
   */
  async before(journal: RunJournal, operation: string, context: object): Promise<void> {
    const { key, runId } = journal;
    journal.entries.push({ operation, context: snapshot(context) });
    const leaseMs = this.leases.leaseMs;
    if (journal.lease === undefined) {
      const claim = await this.store.claim(key, journal.pipeline, runId, leaseMs);
      if (claim.status !== 'claimed') throw new Error(messages.recordRefused(claim.status));
      journal.lease = this.leases.hold(key, runId, journal.pipeline);
    }
    // A fresh payload each time: an in-memory store keeps it by reference.
    const payload: CompensationRecord = {
      pipeline: journal.pipeline,
      entries: [...journal.entries],
    };
    if (!(await this.store.record(key, runId, payload, leaseMs))) {
      throw new Error(messages.recordRefused('lease lost'));
    }
  }

  /** Clears the run's record: its compensations, if any were due, have run in this process. */
  async end(journal: RunJournal): Promise<void> {
    if (journal.lease === undefined) return;
    this.leases.drop(journal.lease);
    try {
      await this.store.release(journal.key, journal.runId);
    } catch (error) {
      this.logger.error(
        messages.recordNotCleared(journal.pipeline, journal.runId),
        error instanceof Error ? error.stack : String(error),
      );
    }
  }
}
