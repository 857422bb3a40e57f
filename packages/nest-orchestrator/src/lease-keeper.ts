import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { idempotencySettings, type IdempotencySettings } from './idempotency.settings.js';
import { RUN_STORE } from './orchestrator.constants.js';
import { messages } from './orchestrator.messages.js';
import { ORCHESTRATOR_OPTIONS } from './orchestrator.module-definition.js';
import type { OrchestratorModuleOptions } from './interfaces/orchestrator-options.interface.js';
import type { RunStore } from './interfaces/run-store.interface.js';

/** A claim this process holds while its work goes on. */
interface Held {
  readonly holder: string;
  readonly pipeline: string;
}

/**
 * Keeps this process's claims alive (idempotency keys, recovery records, the sweep's own lease)
 * while their work goes on: one timer for all of them, started with the first claim and left
 * running (unref'd, idle when nothing is held) until the module is destroyed. A timer per run,
 * or per busy spell, costs a run more than its claim does.
 */
@Injectable()
export class LeaseKeeper implements OnModuleDestroy {
  private readonly logger = new Logger('Orchestrator');
  private readonly held = new Map<string, Held>();
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

  hold(key: string, holder: string, pipeline: string): void {
    this.held.set(key, { holder, pipeline });
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.renewAll(), this.settings.renewEveryMs);
      // A pending renewal must never keep a process alive that has nothing else to do.
      this.timer.unref();
    }
  }

  /** Whether this process is keeping `key` alive (its holder is still at work here). */
  holds(key: string): boolean {
    return this.held.has(key);
  }

  /** Stops renewing `key` (its work ended); no-op when it was lost meanwhile. */
  drop(key: string, holder: string): void {
    if (this.held.get(key)?.holder === holder) this.held.delete(key);
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private renewAll(): void {
    for (const [key, { holder, pipeline }] of this.held) {
      this.store.renew(key, holder, this.settings.leaseMs).then(
        (kept) => {
          if (kept) return;
          this.drop(key, holder);
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
}
