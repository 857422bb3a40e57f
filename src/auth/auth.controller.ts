import { Body, Controller, Get, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponse } from '../common/error-response.js';
import { AuthService } from './auth.service.js';
import { AuthRateLimitGuard } from './auth-rate-limit.guard.js';
import type { AuthenticatedUser } from './authenticated-user.js';
import { CurrentUser } from './current-user.decorator.js';
import { LoginDto, RegisterDto } from './dto/credentials.dto.js';
import { CurrentUserResponse, RegisterResponse, TokenResponse } from './dto/auth.responses.js';
import { Public } from './public.decorator.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @UseGuards(AuthRateLimitGuard)
  @Post('register')
  @ApiOperation({ summary: 'Create an account and get an access token' })
  @ApiCreatedResponse({ type: RegisterResponse })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'Invalid email or weak password' })
  @ApiConflictResponse({ type: ErrorResponse, description: 'The email is already registered' })
  @ApiTooManyRequestsResponse({
    type: ErrorResponse,
    description: 'Too many attempts from this IP',
  })
  register(@Body() body: RegisterDto): Promise<RegisterResponse> {
    return this.auth.register(body);
  }

  @Public()
  @UseGuards(AuthRateLimitGuard)
  @Post('login')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Exchange email and password for an access token' })
  @ApiOkResponse({ type: TokenResponse })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'Malformed request body' })
  @ApiUnauthorizedResponse({ type: ErrorResponse, description: 'Wrong email or password' })
  @ApiTooManyRequestsResponse({
    type: ErrorResponse,
    description: 'Too many attempts from this IP',
  })
  login(@Body() body: LoginDto): Promise<TokenResponse> {
    return this.auth.login(body);
  }

  @Get('me')
  @ApiOperation({ summary: 'The account the access token belongs to' })
  @ApiOkResponse({ type: CurrentUserResponse })
  @ApiUnauthorizedResponse({
    type: ErrorResponse,
    description: 'Missing, invalid or expired token',
  })
  me(@CurrentUser() user: AuthenticatedUser): CurrentUserResponse {
    return { id: user.id, email: user.email };
  }
}
