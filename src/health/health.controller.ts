import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Public } from '../auth/public.decorator.js';
import { ErrorResponse } from '../common/error-response.js';
import { PrismaService } from '../database/prisma.service.js';
import { HealthResponse } from './health.response.js';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly prisma: PrismaService) {}

  @Get()
  @ApiOperation({ summary: 'Liveness and database reachability, for load balancers and probes' })
  @ApiOkResponse({ type: HealthResponse })
  @ApiServiceUnavailableResponse({
    type: ErrorResponse,
    description: 'The database is unreachable',
  })
  async check(): Promise<HealthResponse> {
    if (!(await this.prisma.isReachable())) {
      throw new ServiceUnavailableException({
        code: 'DATABASE_UNAVAILABLE',
        message: 'The database is unreachable',
      });
    }
    return { status: 'ok', database: 'up' };
  }
}
