import {
  Inject,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { HeaderWriter } from './interfaces/header-writer.interface.js';
import type { MetricsSettings } from './interfaces/metrics-settings.interface.js';
import { METRICS_SETTINGS } from './metrics.constants.js';
import { messages } from './metrics.messages.js';

/** Hashing both sides gives equal lengths, so the comparison takes the same time whatever is sent. */
const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * What the guard checks and how it refuses: the `auth` option, and the realm and message of a
 * 401, which name what is guarded (`/metrics` by default; the inspector names its own).
 */
export type AuthCheck = Pick<MetricsSettings, 'auth'> & {
  readonly realm?: string;
  readonly unauthorized?: string;
};

/**
 * Checks the `Authorization` header of a scrape against the `auth` option (bearer token or basic
 * credentials); lets everything through when the option is absent.
 */
@Injectable()
export class MetricsAuthGuard implements CanActivate {
  private readonly scheme: string | undefined;
  private readonly expected: Buffer | undefined;
  private readonly challenge: string | undefined;
  private readonly unauthorized: string;

  constructor(
    @Inject(METRICS_SETTINGS)
    { auth, realm = 'metrics', unauthorized = messages.unauthorized }: AuthCheck,
  ) {
    this.unauthorized = unauthorized;
    if (auth?.type === 'bearer') {
      this.scheme = 'bearer';
      this.expected = digest(auth.token);
      this.challenge = `Bearer realm="${realm}"`;
    } else if (auth?.type === 'basic') {
      this.scheme = 'basic';
      this.expected = digest(
        Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64'),
      );
      this.challenge = `Basic realm="${realm}", charset="UTF-8"`;
    }
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.expected === undefined) return true;
    const http = context.switchToHttp();
    const header = http.getRequest<{ headers: Record<string, unknown> }>().headers.authorization;
    if (typeof header === 'string' && this.accepts(header, this.expected)) return true;
    http.getResponse<HeaderWriter>().header('WWW-Authenticate', this.challenge as string);
    throw new UnauthorizedException(this.unauthorized);
  }

  private accepts(header: string, expected: Buffer): boolean {
    const space = header.indexOf(' ');
    if (space < 0 || header.slice(0, space).toLowerCase() !== this.scheme) return false;
    return timingSafeEqual(digest(header.slice(space + 1).trim()), expected);
  }
}
