import { Module } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import { PrismaRunStore } from './prisma-run-store.js';
import { RunClaimsPurger } from './run-claims.purger.js';

/**
 * The orchestrator's run store on the app's database, and the purge of its expired rows.
 * Imported by `OrchestratorModule.forRootAsync` in AppModule.
 */
@Module({
  providers: [
    {
      provide: PrismaRunStore,
      useFactory: (prisma: PrismaService) => new PrismaRunStore(prisma),
      inject: [PrismaService],
    },
    RunClaimsPurger,
  ],
  exports: [PrismaRunStore],
})
export class RunsModule {}
