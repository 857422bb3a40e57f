import { Inject, Injectable, Logger } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import type { IdempotencySettings } from './idempotency.settings.js';
import { InMemoryRunStore, StoredClaim, type RefusedClaim } from './in-memory-run-store.js';
import { LeaseKeeper } from './lease-keeper.js';
import { RUN_STORE } from './orchestrator.constants.js';
import { messages } from './orchestrator.messages.js';
import type { RunOptions } from './interfaces/operation-run.interface.js';
import type {
  IdempotencyErrorCode,
  PipelineResult,
} from './interfaces/pipeline-result.interface.js';
import type { ClaimOutcome, RunStore } from './interfaces/run-store.interface.js';
import type { PipelinePlan } from './pipeline-plan.js';
import { PipelineRunner } from './pipeline.runner.js';
import { nextRunId } from './run-id.js';
import { pendingRunFingerprint, runFingerprint, type Fingerprint } from './run-fingerprint.js';

/**
 * Idempotency keys share the store with other records (crash recovery), so they live under
 * their own prefix: no client key can collide with those.
 */
export const IDEMPOTENCY_KEY_PREFIX = 'idempotency:';

/**
 * Failures that say nothing about the request itself: a retry deserves a fresh run, so the key
 * is released. A refusal with the app's own code (VALIDATION, CONFLICT, ...) is an answer, kept.
 */
const RELEASED_CODES: ReadonlySet<string> = new Set([
  'OPERATION_FAILED',
  'TIMEOUT',
  'ABORTED',
  'RECOVERY_UNAVAILABLE',
]);

function releasesKey(result: PipelineResult<object>): boolean {
  return !result.success && RELEASED_CODES.has(result.error!.code);
}

export type KeyedRunOptions = RunOptions & { readonly idempotencyKey: string };

/** An answer that ran nothing; fresh objects each time, since callers may mutate results. */
function refusal<Ctx>(
  runId: string,
  code: IdempotencyErrorCode,
  message: string,
  started: number,
): PipelineResult<Ctx> {
  return {
    success: false,
    runId,
    error: { operation: '', message, code },
    duration: performance.now() - started,
    metrics: {},
    errors: [],
  };
}

/** The answer to a call whose key was not free: the stored result as a replay, or a refusal. */
function answerTo<Ctx>(claim: RefusedClaim, runId: string, started: number): PipelineResult<Ctx> {
  switch (claim.status) {
    case 'completed':
      return { ...(claim.result as PipelineResult<Ctx>), replayed: true };
    case 'running':
      return refusal(runId, 'IDEMPOTENCY_IN_PROGRESS', messages.idempotencyInProgress, started);
    case 'mismatch':
      return refusal(runId, 'IDEMPOTENCY_KEY_MISMATCH', messages.idempotencyKeyMismatch, started);
  }
}

interface Flight {
  readonly fingerprint: string;
  readonly result: Promise<PipelineResult<object>>;
}

/**
 * Runs a pipeline at most once per idempotency key: single flight within this process, a claim
 * with a lease in the `RunStore` across processes, and the stored answer for a completed key.
 * `Orchestrator.run` hands a run here only when it has a key, so plain runs pay nothing.
 *
 * Two paths, split on purpose: any store is awaited (`claimAndRun`); the default in-memory store,
 * untouched, is called synchronously on the claim it handed out, and compares fingerprints that
 * are hashed only when needed (`runInProcess`). On that store a keyed run is meant to cost about
 * a microsecond more than a plain one, and two awaits, three lookups of the key and a SHA-256 of
 * the input each cost a good part of that.
 */
@Injectable()
export class IdempotentRunner {
  private readonly logger = new Logger('Orchestrator');
  private readonly settings: IdempotencySettings;
  /**
   * Runs of this process by key, so concurrent calls share one run instead of refusing. Runs on
   * the in-process path hang theirs on the store's claim instead (`StoredClaim.flight`).
   */
  private readonly inFlight = new Map<string, Flight>();

  constructor(
    private readonly runner: PipelineRunner,
    @Inject(RUN_STORE) private readonly store: RunStore,
    @Inject(LeaseKeeper) private readonly leases: LeaseKeeper,
  ) {
    this.settings = leases.settings;
  }

  run<Ctx extends object>(
    plan: PipelinePlan,
    input: Ctx,
    options: KeyedRunOptions,
  ): Promise<PipelineResult<Ctx>> {
    const key = options.idempotencyKey;
    if (typeof key !== 'string' || key === '') {
      return Promise.reject(new TypeError(messages.invalidIdempotencyKey(key)));
    }
    const given = options.fingerprint;
    if (given !== undefined && (typeof given !== 'string' || given === '')) {
      return Promise.reject(new TypeError(messages.invalidFingerprint(given)));
    }
    const inProcess = this.inProcessStore();
    const pipeline = plan.definition.name;
    try {
      if (inProcess !== undefined) {
        // The default store compares fingerprints itself, and hashes one only when it must.
        const fingerprint = given ?? pendingRunFingerprint(pipeline, input);
        return this.runInProcess(inProcess, plan, input, options, key, fingerprint);
      }
      const fingerprint = given ?? runFingerprint(pipeline, input);
      return this.runShared(plan, input, options, key, fingerprint);
    } catch (error) {
      // An input that cannot be fingerprinted (a cycle) is refused like a bad key above.
      return Promise.reject(error);
    }
  }

  /** Single flight through `inFlight`, then `claimAndRun`: the path for any store. */
  private runShared<Ctx extends object>(
    plan: PipelinePlan,
    input: Ctx,
    options: RunOptions,
    key: string,
    fingerprint: string,
  ): Promise<PipelineResult<Ctx>> {
    const flight = this.inFlight.get(key);
    if (flight !== undefined) {
      if (flight.fingerprint === fingerprint) return flight.result as Promise<PipelineResult<Ctx>>;
      const message = messages.idempotencyKeyMismatch;
      return Promise.resolve(
        refusal(nextRunId(), 'IDEMPOTENCY_KEY_MISMATCH', message, performance.now()),
      );
    }
    const result = this.claimAndRun(plan, input, options, key, fingerprint);
    this.inFlight.set(key, { fingerprint, result });
    const land = () => this.inFlight.delete(key);
    result.then(land, land);
    return result;
  }

  /**
   * The store when it is an `InMemoryRunStore` as shipped, none of whose methods were replaced
   * on it (a subclass, a spy): the in-process path calls its internals and would bypass those.
   */
  private inProcessStore(): InMemoryRunStore | undefined {
    const store = this.store;
    const own = InMemoryRunStore.prototype;
    return store instanceof InMemoryRunStore &&
      store.claim === own.claim &&
      store.complete === own.complete &&
      store.release === own.release
      ? store
      : undefined;
  }

  /**
   * `claimAndRun` for the default store, its claim taken and ended synchronously. Concurrent
   * calls find the run through the claim rather than through `inFlight`: a Map that goes from one
   * entry to none on every run reallocates its table each time, and the tables it leaves behind
   * keep what they held alive until a full GC, which cost a keyed run about 1 µs.
   */
  private runInProcess<Ctx extends object>(
    store: InMemoryRunStore,
    plan: PipelinePlan,
    input: Ctx,
    options: RunOptions,
    key: string,
    fingerprint: Fingerprint,
  ): Promise<PipelineResult<Ctx>> {
    const runId = nextRunId();
    const storeKey = IDEMPOTENCY_KEY_PREFIX + key;
    const taken = store.take(storeKey, fingerprint, runId, this.settings.leaseMs);
    if (!(taken instanceof StoredClaim)) {
      const entry = taken.status === 'running' ? store.peek(storeKey) : undefined;
      if (entry?.flightOwner === this) return entry.flight as Promise<PipelineResult<Ctx>>;
      return Promise.resolve(answerTo<Ctx>(taken, runId, performance.now()));
    }
    const lease = this.leases.hold(storeKey, runId, plan.definition.name);
    // `then` rather than an async function and a flight object: ~230 B less per run in the bench.
    const answer = this.runner.run(plan, input, options, runId).then(
      (result) => {
        this.leases.drop(lease);
        taken.flight = taken.flightOwner = undefined;
        // Before answering, so a caller who got an answer finds the key settled on retry.
        if (releasesKey(result)) store.releaseTaken(taken);
        else store.completeTaken(taken, result, this.settings.retainMs);
        return result;
      },
      (error: unknown) => {
        // Only a bug gets here; the key must not stay held for a run that never answered.
        this.leases.drop(lease);
        taken.flight = taken.flightOwner = undefined;
        store.releaseTaken(taken);
        throw error;
      },
    );
    // Only now: a call made from inside the run's synchronous start is answered "in progress".
    taken.flight = answer;
    taken.flightOwner = this;
    return answer;
  }

  private async claimAndRun<Ctx extends object>(
    plan: PipelinePlan,
    input: Ctx,
    options: RunOptions,
    key: string,
    fingerprint: string,
  ): Promise<PipelineResult<Ctx>> {
    const started = performance.now();
    const pipeline = plan.definition.name;
    // The run id is the claim's holder, so a crashed run's record names the run that left it.
    const runId = nextRunId();
    const storeKey = IDEMPOTENCY_KEY_PREFIX + key;
    const { leaseMs, retainMs } = this.settings;
    let claim: ClaimOutcome;
    try {
      claim = await this.store.claim(storeKey, fingerprint, runId, leaseMs);
    } catch (error) {
      this.storeFailed('claim', pipeline, runId, error);
      return refusal(runId, 'IDEMPOTENCY_UNAVAILABLE', messages.idempotencyUnavailable, started);
    }
    if (claim.status !== 'claimed') return answerTo(claim, runId, started);

    const lease = this.leases.hold(storeKey, runId, pipeline);
    let result: PipelineResult<Ctx>;
    try {
      result = await this.runner.run(plan, input, options, runId);
    } catch (error) {
      // Only a bug gets here; the key must not stay held for a run that never answered.
      this.leases.drop(lease);
      await this.store.release(storeKey, runId).catch(() => false);
      throw error;
    }
    this.leases.drop(lease);
    // Awaited before answering, so a caller who got an answer finds the key settled on retry.
    try {
      if (releasesKey(result)) {
        await this.store.release(storeKey, runId);
      } else {
        await this.store.complete(storeKey, runId, result, retainMs);
      }
    } catch (error) {
      this.storeFailed('complete', pipeline, runId, error);
    }
    return result;
  }

  private storeFailed(action: string, pipeline: string, runId: string, error: unknown): void {
    this.logger.error(
      messages.runStoreFailed(action, pipeline, runId),
      error instanceof Error ? error.stack : String(error),
    );
  }
}
