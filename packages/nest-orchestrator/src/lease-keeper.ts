import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { idempotencySettings, type IdempotencySettings } from './idempotency.settings.js';
import { RUN_STORE } from './orchestrator.constants.js';
import { messages } from './orchestrator.messages.js';
import { ORCHESTRATOR_OPTIONS } from './orchestrator.module-definition.js';
import type { OrchestratorModuleOptions } from './interfaces/orchestrator-options.interface.js';
import type { RunStore } from './interfaces/run-store.interface.js';

/** A claim this process keeps alive, from `LeaseKeeper.hold` until `drop`. */
export class Lease {
  /** Set by `drop`, or when a renewal found the claim lost. */
  dropped = false;

  constructor(
    readonly key: string,
    readonly holder: string,
    readonly pipeline: string,
  ) {}
}

/** Dropped leases tolerated in the list beyond twice the live ones before it is compacted. */
const COMPACT_SLACK = 32;

/**
 * Keeps this process's claims alive (idempotency keys, recovery records, the sweep's own lease)
 * while their work goes on: one timer for all of them, started with the first claim and left
 * running (unref'd, idle when nothing is held) until the module is destroyed. A timer per run,
 * or per busy spell, costs a run more than its claim does.
 *
 * Leases sit in a list that `drop` only marks: a Map keyed by claim, which every run would add to
 * and delete from, reallocates its table whenever it empties and costs a keyed run ~1 µs. The
 * list is compacted in place once dropped leases outnumber live ones, and at each renewal.
 */
@Injectable()
export class LeaseKeeper implements OnModuleDestroy {
  private readonly logger = new Logger('Orchestrator');
  private readonly held: Lease[] = [];
  /** Leases in `held` not dropped yet. */
  private live = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  readonly settings: IdempotencySettings;

  constructor(
    @Inject(RUN_STORE) private readonly store: RunStore,
    @Inject(ORCHESTRATOR_OPTIONS) options: OrchestratorModuleOptions,
  ) {
    this.settings = idempotencySettings(options.idempotency);
  }

  /** Every claim lasts this long without renewal (`idempotency.leaseMs`). */
  get leaseMs(): number {
    return this.settings.leaseMs;
  }

  /** Renews `holder`'s claim on `key` until the returned lease is dropped (or found lost). */
  hold(key: string, holder: string, pipeline: string): Lease {
    const lease = new Lease(key, holder, pipeline);
    this.held.push(lease);
    this.live++;
    if (this.held.length > 2 * this.live + COMPACT_SLACK) this.compact();
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.renewAll(), this.settings.renewEveryMs);
      // A pending renewal must never keep a process alive that has nothing else to do.
      this.timer.unref();
    }
    return lease;
  }

  /** Whether this process is keeping `key` alive (its holder is still at work here). */
  holds(key: string): boolean {
    return this.held.some((lease) => !lease.dropped && lease.key === key);
  }

  /** Stops renewing the lease (its work ended); no-op when it was lost meanwhile. */
  drop(lease: Lease): void {
    if (lease.dropped) return;
    lease.dropped = true;
    this.live--;
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private renewAll(): void {
    this.compact();
    for (const lease of this.held) {
      const { key, holder, pipeline } = lease;
      this.store.renew(key, holder, this.settings.leaseMs).then(
        (kept) => {
          if (kept) return;
          this.drop(lease);
          this.logger.warn(messages.leaseLost(key, pipeline, holder));
        },
        (error: unknown) =>
          this.logger.error(
            messages.runStoreFailed('renew', pipeline, holder),
            error instanceof Error ? error.stack : String(error),
          ),
      );
    }
  }

  /** Keeps the live leases, in order, in the same array. */
  private compact(): void {
    let kept = 0;
    for (const lease of this.held) if (!lease.dropped) this.held[kept++] = lease;
    this.held.length = kept;
  }
}
