import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppEnv } from '../config/env.validation.js';
import { PrismaClient } from '../generated/prisma/client.js';
import { createDatabaseDriver, type DatabaseDriver } from './database-driver.js';
import { MigrationRunner } from './migration-runner.js';

const PING_TIMEOUT_MS = 2_000;

/**
 * The app's one Prisma client, on embedded PGlite or, with DATABASE_URL, a PostgreSQL server.
 * Embedded databases are migrated at boot; a server must already be migrated
 * (`npm run db:migrate`), otherwise the app refuses to start.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(PrismaService.name);
  private readonly driver: DatabaseDriver;

  constructor(config: ConfigService<AppEnv, true>) {
    const driver = createDatabaseDriver({
      databaseUrl: config.get('DATABASE_URL', { infer: true }),
      pgliteDataDir: config.get('PGLITE_DATA_DIR', { infer: true }),
    });
    super({ adapter: driver.adapter });
    this.driver = driver;
  }

  async onModuleInit(): Promise<void> {
    const runner = new MigrationRunner();
    if (this.driver.embedded) {
      await this.driver.withConnection((connection) => runner.migrate(connection));
    } else {
      await this.driver.withConnection((connection) => runner.assertUpToDate(connection));
    }
    await this.$connect();
    this.logger.log(`Connected to ${this.driver.target}`);
  }

  /** Runs after Nest has closed the HTTP server, so in-flight requests keep their database. */
  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
    await this.driver.close();
  }

  /** True when the database answers a trivial query within a short, bounded time. */
  async isReachable(timeoutMs = PING_TIMEOUT_MS): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const probe = this.$queryRaw`SELECT 1`.then(
      () => true,
      (error: Error) => {
        // Prisma's message starts with the call site; the last line is the reason.
        const reason = error.message.trim().split('\n').pop();
        this.logger.warn(`${this.driver.target} is unreachable: ${reason}`);
        return false;
      },
    );
    try {
      return await Promise.race([probe, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
