import { Inject, Injectable, Logger } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import type { IdempotencySettings } from './idempotency.settings.js';
import { answerTo, IDEMPOTENCY_KEY_PREFIX, refusal, releasesKey } from './idempotent-answers.js';
import { InProcessKeyedRuns, untouchedInMemoryStore } from './in-process-keyed-runs.js';
import { LeaseKeeper } from './lease-keeper.js';
import { RUN_STORE } from './orchestrator.constants.js';
import { messages } from './orchestrator.messages.js';
import type { RunOptions } from './interfaces/operation-run.interface.js';
import type { PipelineResult } from './interfaces/pipeline-result.interface.js';
import type { ClaimOutcome, RunStore } from './interfaces/run-store.interface.js';
import type { PipelinePlan } from './pipeline-plan.js';
import { PipelineRunner } from './pipeline.runner.js';
import { nextRunId } from './run-id.js';
import { pendingRunFingerprint, runFingerprint } from './run-fingerprint.js';

export type KeyedRunOptions = RunOptions & { readonly idempotencyKey: string };

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
 * untouched, has a synchronous path of its own (`InProcessKeyedRuns`).
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
  private readonly inProcess: InProcessKeyedRuns;

  constructor(
    private readonly runner: PipelineRunner,
    @Inject(RUN_STORE) private readonly store: RunStore,
    @Inject(LeaseKeeper) private readonly leases: LeaseKeeper,
  ) {
    this.settings = leases.settings;
    this.inProcess = new InProcessKeyedRuns(runner, this.settings.retainMs);
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
    const inProcess = untouchedInMemoryStore(this.store);
    const pipeline = plan.definition.name;
    try {
      if (inProcess !== undefined) {
        // The default store compares fingerprints itself, and hashes one only when it must.
        const fingerprint = given ?? pendingRunFingerprint(pipeline, input);
        return this.inProcess.run(inProcess, plan, input, options, key, fingerprint);
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
