import { Global, Module } from '@nestjs/common';
import { PrismaService } from './prisma.service.js';

/** Global so every feature module injects the same PrismaService: one client per process. */
@Global()
@Module({
  providers: [PrismaService],
  exports: [PrismaService],
})
export class DatabaseModule {}
