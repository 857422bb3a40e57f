import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { IS_PUBLIC_KEY } from './auth.constants.js';
import { AuthService, type AccessTokenClaims } from './auth.service.js';
import type { AuthenticatedUser } from './authenticated-user.js';

interface AuthRequest {
  headers: Record<string, string | string[] | undefined>;
  user?: AuthenticatedUser;
}

const invalidToken = () =>
  new UnauthorizedException({ code: 'INVALID_TOKEN', message: 'Invalid or expired access token' });

/**
 * Installed as APP_GUARD: every route needs `Authorization: Bearer <token>` unless marked
 * `@Public()`. Only HS256 tokens signed with our secret pass, and their user must still exist.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;

    const request = context.switchToHttp().getRequest<AuthRequest>();
    const [scheme, token] = String(request.headers.authorization ?? '').split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) {
      throw new UnauthorizedException({
        code: 'MISSING_TOKEN',
        message: 'This route needs an "Authorization: Bearer <accessToken>" header',
      });
    }

    let claims: AccessTokenClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessTokenClaims>(token, { algorithms: ['HS256'] });
    } catch {
      throw invalidToken();
    }
    const user = await this.auth.findTokenUser(claims);
    if (!user) throw invalidToken();
    request.user = user;
    return true;
  }
}
