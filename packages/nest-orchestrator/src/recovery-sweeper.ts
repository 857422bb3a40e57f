import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { COMPENSATION_KEY_PREFIX, type CompensationRecord } from './compensation-journal.js';
import { LeaseKeeper } from './lease-keeper.js';
import { RUN_STORE } from './orchestrator.constants.js';
import { messages } from './orchestrator.messages.js';
import type { ExpiredClaim, RunStore } from './interfaces/run-store.interface.js';
import { PipelineRegistry } from './pipeline.registry.js';
import { PipelineRunner } from './pipeline.runner.js';
import { RECOVERY_SETTINGS, type RecoverySettings } from './recovery.settings.js';
import { nextRunId } from './run-id.js';
import type { Compensable } from './run-state.js';

/** The sweep's own lease: one instance sweeps at a time. */
export const RECOVERY_SWEEP_KEY = 'recovery-sweep';

function isRecord(payload: unknown): payload is CompensationRecord {
  return (
    payload !== null &&
    typeof payload === 'object' &&
    typeof (payload as CompensationRecord).pipeline === 'string' &&
    Array.isArray((payload as CompensationRecord).entries)
  );
}

/**
 * Finds recovery records whose lease ran out (their run's process stopped mid-run) and runs
 * their compensations with the recorded contexts: at boot, in the background, then every
 * `recovery.intervalMs`. A record is released once its compensations ran, whatever their
 * outcome (logged and counted), so a failing undo is never retried forever.
 */
@Injectable()
export class RecoverySweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Orchestrator');
  /** This instance's name as a holder of the sweep lease and of the records it recovers. */
  private readonly id = `recovery-${nextRunId()}`;
  private timer: ReturnType<typeof setInterval> | undefined;
  private sweeping: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    private readonly registry: PipelineRegistry,
    private readonly runner: PipelineRunner,
    private readonly leases: LeaseKeeper,
    @Inject(RUN_STORE) private readonly store: RunStore,
    @Inject(RECOVERY_SETTINGS) private readonly settings: RecoverySettings | false,
  ) {}

  onApplicationBootstrap(): void {
    if (this.settings === false) return;
    this.timer = setInterval(() => this.sweepInBackground(), this.settings.intervalMs);
    this.timer.unref();
    // Not awaited: the app starts serving while crashed runs are undone.
    this.sweepInBackground();
  }

  /** Stops the interval and waits for a sweep in progress (it stops after the current record). */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.sweeping;
  }

  /**
   * One sweep, if no other instance is sweeping: the number of crashed runs it recovered.
   * Rejects only when the store fails.
   */
  async sweep(): Promise<number> {
    if (this.settings === false) return 0;
    const { leaseMs } = this.leases;
    const taken = await this.store.claim(RECOVERY_SWEEP_KEY, RECOVERY_SWEEP_KEY, this.id, leaseMs);
    if (taken.status !== 'claimed') return 0;
    const lease = this.leases.hold(RECOVERY_SWEEP_KEY, this.id, RECOVERY_SWEEP_KEY);
    let recovered = 0;
    try {
      const expired = await this.store.listExpired(Date.now(), this.settings.batchSize);
      for (const claim of expired) {
        if (this.stopped) break;
        // A record this process still renews belongs to a run still going on here.
        if (!claim.key.startsWith(COMPENSATION_KEY_PREFIX) || this.leases.holds(claim.key)) {
          continue;
        }
        if (await this.recover(claim)) recovered++;
      }
    } finally {
      this.leases.drop(lease);
      await this.store.release(RECOVERY_SWEEP_KEY, this.id).catch(() => false);
    }
    return recovered;
  }

  private sweepInBackground(): void {
    if (this.sweeping !== undefined || this.stopped) return;
    this.sweeping = this.sweep()
      .catch((error: unknown) =>
        this.logger.error(
          messages.recoverySweepFailed,
          error instanceof Error ? error.stack : String(error),
        ),
      )
      .finally(() => (this.sweeping = undefined));
  }

  /** Takes one record over and undoes its run; false when another sweeper has it. */
  private async recover(claim: ExpiredClaim): Promise<boolean> {
    const { key, payload } = claim;
    const { leaseMs } = this.leases;
    const taken = await this.store.claim(key, claim.fingerprint, this.id, leaseMs);
    if (taken.status !== 'claimed') return false;
    const runId = key.slice(COMPENSATION_KEY_PREFIX.length);
    const pipeline = isRecord(payload) ? payload.pipeline : claim.fingerprint;
    const lease = this.leases.hold(key, this.id, pipeline);
    try {
      if (!isRecord(payload) || payload.entries.length === 0) {
        this.logger.log(messages.recoveryNothingToUndo(pipeline, runId));
        return true;
      }
      // The claim reset the record; put it back so a sweeper that dies now leaves it for the next.
      await this.store.record(key, this.id, payload, leaseMs).catch(() => false);
      await this.undo(payload, runId);
      return true;
    } finally {
      this.leases.drop(lease);
      await this.store
        .release(key, this.id)
        .catch((error: unknown) =>
          this.logger.error(
            messages.runStoreFailed('release', pipeline, runId),
            error instanceof Error ? error.stack : String(error),
          ),
        );
    }
  }

  private async undo(record: CompensationRecord, runId: string): Promise<void> {
    const { pipeline } = record;
    if (this.registry.get(pipeline) === undefined) {
      this.logger.error(
        messages.recoveryUnknownPipeline(pipeline, runId, JSON.stringify(record.entries)),
      );
      return;
    }
    const plan = this.registry.plan(pipeline);
    const entries: Compensable[] = [];
    const skipped: string[] = [];
    for (const { operation, context } of record.entries) {
      const step = plan.steps.find((candidate) => candidate.definition.name === operation);
      if (step?.compensation === undefined) {
        skipped.push(`${operation} skipped`);
        this.logger.error(
          messages.recoveryUnknownOperation(pipeline, operation, runId, JSON.stringify(context)),
        );
        continue;
      }
      entries.push({ step, context: context as object });
    }
    const reports = await this.runner.recover(plan, entries, runId);
    const outcomes = reports.map((report) => {
      const name = report.entry.step.definition.name;
      if (report.outcome === 'success') return `${name} undone`;
      const reason = report.error instanceof Error ? ` (${report.error.message})` : '';
      return `${name} ${report.outcome}${reason}`;
    });
    const line = messages.recovered(pipeline, runId, [...outcomes, ...skipped].join(', '));
    const clean = skipped.length === 0 && reports.every((report) => report.outcome === 'success');
    if (clean) this.logger.warn(line);
    else this.logger.error(line);
  }
}
