import { ConflictException, Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import type { AppEnv } from '../config/env.validation.js';
import { PrismaService } from '../database/prisma.service.js';
import { Prisma } from '../generated/prisma/client.js';
import type { AuthenticatedUser } from './authenticated-user.js';
import type { LoginDto, RegisterDto } from './dto/credentials.dto.js';
import type { RegisterResponse, TokenResponse } from './dto/auth.responses.js';
import { PasswordHasher } from './password-hasher.js';

/** The claims this app puts in its tokens: only the user id; the rest is read fresh per request. */
export interface AccessTokenClaims {
  sub: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class AuthService {
  private readonly expiresIn: number;

  constructor(
    private readonly prisma: PrismaService,
    private readonly jwt: JwtService,
    private readonly hasher: PasswordHasher,
    config: ConfigService<AppEnv, true>,
  ) {
    this.expiresIn = config.get('JWT_EXPIRES_IN', { infer: true });
  }

  async register({ email, password }: RegisterDto): Promise<RegisterResponse> {
    const passwordHash = await this.hasher.hash(password);
    try {
      const user = await this.prisma.user.create({
        data: { email, passwordHash },
        select: { id: true, email: true, createdAt: true },
      });
      return { ...(await this.issueToken(user.id)), user };
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw new ConflictException({
          code: 'EMAIL_TAKEN',
          message: 'An account with this email already exists',
        });
      }
      throw error;
    }
  }

  async login({ email, password }: LoginDto): Promise<TokenResponse> {
    const user = await this.prisma.user.findUnique({ where: { email } });
    // One answer for "no such user" and "wrong password", after the same amount of work.
    const valid = await this.hasher.verify(password, user?.passwordHash);
    if (!user || !valid) {
      throw new UnauthorizedException({
        code: 'INVALID_CREDENTIALS',
        message: 'Invalid email or password',
      });
    }
    return this.issueToken(user.id);
  }

  /** The user a verified token belongs to, or null once that user no longer exists. */
  async findTokenUser(claims: AccessTokenClaims): Promise<AuthenticatedUser | null> {
    if (typeof claims.sub !== 'string' || !UUID.test(claims.sub)) return null;
    return this.prisma.user.findUnique({
      where: { id: claims.sub },
      select: { id: true, email: true },
    });
  }

  private async issueToken(userId: string): Promise<TokenResponse> {
    const claims: AccessTokenClaims = { sub: userId };
    const accessToken = await this.jwt.signAsync(claims);
    return { accessToken, tokenType: 'Bearer', expiresIn: this.expiresIn };
  }
}
