import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppEnv } from '../config/env.validation.js';
import { PrismaRunStore, PURGE_BATCH } from './prisma-run-store.js';

/** Often enough that expired rows never pile up, rare enough to cost nothing measurable. */
export const PURGE_INTERVAL_MS = 10 * 60 * 1000;

/**
 * Deletes expired "RunClaim" rows on an interval, from boot to shutdown. An interval rather
 * than a purge on each claim: claims stay one statement on the request path, and an expired row
 * is harmless meanwhile (a claim takes it over). Every instance may purge; deletes are
 * idempotent. Running claims are purged only after a full retention period past their lease, so
 * a recovery sweep has long had the chance to see them.
 */
@Injectable()
export class RunClaimsPurger implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RunClaimsPurger.name);
  private readonly abandonedAfterMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: PrismaRunStore,
    config: ConfigService<AppEnv, true>,
  ) {
    this.abandonedAfterMs = config.get('IDEMPOTENCY_RETAIN_HOURS', { infer: true }) * 3_600_000;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.purge(), PURGE_INTERVAL_MS);
    // Never the reason a process stays alive.
    this.timer.unref();
    void this.purge();
  }

  /** Before PrismaService disconnects: no new purge starts, and the one under way finishes. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One purge, batch after batch until a short one; overlapping calls share it. */
  purge(): Promise<void> {
    this.running ??= this.purgeAll().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async purgeAll(): Promise<void> {
    try {
      let deleted = 0;
      for (;;) {
        const batch = await this.store.purgeExpired(this.abandonedAfterMs);
        deleted += batch;
        if (batch < PURGE_BATCH || this.timer === undefined) break;
      }
      if (deleted > 0) this.logger.log(`Purged ${deleted} expired run claims`);
    } catch (error) {
      // The next interval tries again; an outage is reported by /health, not here.
      this.logger.warn(`Purging expired run claims failed: ${(error as Error).message}`);
    }
  }
}
