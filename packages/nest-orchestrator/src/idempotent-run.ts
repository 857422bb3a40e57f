import { Inject, Injectable, Logger } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import type { IdempotencySettings } from './idempotency.settings.js';
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
import { runFingerprint } from './run-fingerprint.js';

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

interface Flight {
  readonly fingerprint: string;
  readonly result: Promise<PipelineResult<object>>;
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

/**
 * Runs a pipeline at most once per idempotency key: single flight within this process, a claim
 * with a lease in the `RunStore` across processes, and the stored answer for a completed key.
 * `Orchestrator.run` hands a run here only when it has a key, so plain runs pay nothing.
 */
@Injectable()
export class IdempotentRunner {
  private readonly logger = new Logger('Orchestrator');
  private readonly settings: IdempotencySettings;
  /** Runs of this process by key, so concurrent calls share one run instead of refusing. */
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
    let fingerprint: string;
    try {
      fingerprint = given ?? runFingerprint(plan.definition.name, input);
    } catch (error) {
      return Promise.reject(error);
    }

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
    switch (claim.status) {
      case 'completed':
        return { ...(claim.result as PipelineResult<Ctx>), replayed: true };
      case 'running':
        return refusal(runId, 'IDEMPOTENCY_IN_PROGRESS', messages.idempotencyInProgress, started);
      case 'mismatch':
        return refusal(runId, 'IDEMPOTENCY_KEY_MISMATCH', messages.idempotencyKeyMismatch, started);
    }

    this.leases.hold(storeKey, runId, pipeline);
    let result: PipelineResult<Ctx>;
    try {
      result = await this.runner.run(plan, input, options, runId);
    } catch (error) {
      // Only a bug gets here; the key must not stay held for a run that never answered.
      this.leases.drop(storeKey, runId);
      await this.store.release(storeKey, runId).catch(() => false);
      throw error;
    }
    this.leases.drop(storeKey, runId);
    // Awaited before answering, so a caller who got an answer finds the key settled on retry.
    try {
      if (!result.success && RELEASED_CODES.has(result.error!.code)) {
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
