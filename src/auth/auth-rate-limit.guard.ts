import {
  HttpException,
  HttpStatus,
  Injectable,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { FixedWindowLimiter } from '../common/fixed-window-limiter.js';
import type { AppEnv } from '../config/env.validation.js';

/** IPv6 clients often own a whole /64: count them by it, not by address. */
function clientKey(ip: string): string {
  if (!ip.includes(':') || ip.startsWith('::ffff:')) return ip.replace(/^::ffff:/, '');
  return ip.split(':').slice(0, 4).join(':');
}

/**
 * Limits how often one client IP may call each auth route (`AUTH_RATE_LIMIT` per
 * `AUTH_RATE_WINDOW`), so passwords cannot be guessed at speed and scrypt cannot be used to
 * burn the CPU. Past the limit: 429 with `Retry-After`, in the app's error body.
 */
@Injectable()
export class AuthRateLimitGuard implements CanActivate {
  private readonly limiter: FixedWindowLimiter;

  constructor(config: ConfigService<AppEnv, true>) {
    this.limiter = new FixedWindowLimiter(
      config.get('AUTH_RATE_LIMIT', { infer: true }),
      config.get('AUTH_RATE_WINDOW', { infer: true }) * 1000,
    );
  }

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const route = `${context.getClass().name}.${context.getHandler().name}`;
    const decision = this.limiter.hit(`${route} ${clientKey(request.ip)}`);
    if (decision.allowed) return true;
    http.getResponse<FastifyReply>().header('retry-after', String(decision.retryAfterSeconds));
    throw new HttpException(
      {
        code: 'TOO_MANY_REQUESTS',
        message: `Too many attempts; try again in ${decision.retryAfterSeconds} s`,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
