import { performance } from 'node:perf_hooks';
import { answerTo, releasesKey } from './idempotent-answers.js';
import { InMemoryRunStore, StoredClaim } from './in-memory-run-store.js';
import type { RunOptions } from './interfaces/operation-run.interface.js';
import type { PipelineResult } from './interfaces/pipeline-result.interface.js';
import type { RunStore } from './interfaces/run-store.interface.js';
import type { PipelinePlan } from './pipeline-plan.js';
import type { PipelineRunner } from './pipeline.runner.js';
import { nextRunId } from './run-id.js';
import type { Fingerprint } from './run-fingerprint.js';
import type { RunSettlement } from './run-settlement.js';

/**
 * `store` when it is an `InMemoryRunStore` as shipped, none of whose methods were replaced on it
 * (a subclass, a spy): the in-process path calls its internals and would bypass those.
 */
export function untouchedInMemoryStore(store: RunStore): InMemoryRunStore | undefined {
  const own = InMemoryRunStore.prototype;
  return store instanceof InMemoryRunStore &&
    store.claim === own.claim &&
    store.complete === own.complete &&
    store.release === own.release
    ? store
    : undefined;
}

/**
 * Keyed runs on the default store: the claim is taken and ended synchronously on the entry the
 * store handed out, and fingerprints are compared without hashing unless they must be. This is
 * what lets a key cost about a microsecond on that store, where two awaits, three lookups of
 * the key and a SHA-256 of the input each cost a good part of that.
 *
 * The claim is held for as long as the run lasts, with no lease: its holder is a run of this
 * process, which always ends it, and the store lives and dies with that process. A lease renewed
 * by the LeaseKeeper would cost every keyed run an object and a clock read for nothing.
 *
 * Concurrent calls with a key share the run through its entry (`StoredClaim.flight`) rather
 * than through a Map of runs: a Map that goes from one entry to none on every run reallocates
 * its table each time, which cost a keyed run about 1 µs.
 */
export class InProcessKeyedRuns {
  constructor(
    private readonly runner: PipelineRunner,
    /** How long a completed key's answer is kept (`idempotency.retainMs`). */
    private readonly retainMs: number,
  ) {}

  run<Ctx extends object>(
    store: InMemoryRunStore,
    plan: PipelinePlan,
    input: Ctx,
    options: RunOptions,
    key: string,
    fingerprint: Fingerprint,
  ): Promise<PipelineResult<Ctx>> {
    const runId = nextRunId();
    // Under the key as given: the store files it as an idempotency key without the prefix.
    const taken = store.takeKeyed(key, fingerprint, runId, Infinity);
    if (!(taken instanceof StoredClaim)) {
      const entry = taken.status === 'running' ? store.peekKeyed(key) : undefined;
      if (entry?.flightOwner === this) return entry.flight as Promise<PipelineResult<Ctx>>;
      return Promise.resolve(answerTo<Ctx>(taken, runId, performance.now()));
    }
    const settlement = new ClaimSettlement(store, taken, this.retainMs);
    const answer = this.runner.run(plan, input, options, runId, settlement);
    // Only now: a call made from inside the run's synchronous start is answered "in progress".
    if (taken.state === 'running') {
      taken.flight = answer;
      taken.flightOwner = this;
    }
    return answer;
  }
}

/**
 * Ends a claim when its run ends, told by the runner before the run's promise settles: before
 * answering, so a caller who got an answer finds the key settled on retry.
 */
class ClaimSettlement implements RunSettlement {
  constructor(
    private readonly store: InMemoryRunStore,
    private readonly claim: StoredClaim,
    private readonly retainMs: number,
  ) {}

  settled(result: PipelineResult<object>): void {
    const claim = this.claim;
    claim.flight = claim.flightOwner = undefined;
    if (releasesKey(result)) this.store.releaseTaken(claim);
    else this.store.completeTaken(claim, result, this.retainMs);
  }

  failed(): void {
    // Only a bug gets here; the key must not stay held for a run that never answered.
    const claim = this.claim;
    claim.flight = claim.flightOwner = undefined;
    this.store.releaseTaken(claim);
  }
}
