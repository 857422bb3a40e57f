import { ApiProperty } from '@nestjs/swagger';

export class TokenResponse {
  @ApiProperty({
    description: 'Send as `Authorization: Bearer <accessToken>`',
    example:
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI3YjZmMWU1Mi0zYzQ4LTRkNWEtOWYwZS0yYTFiM2M0ZDVlNmYifQ.signature',
  })
  accessToken!: string;

  @ApiProperty({ enum: ['Bearer'], example: 'Bearer' })
  tokenType!: 'Bearer';

  @ApiProperty({ description: 'Seconds until the token expires', example: 900 })
  expiresIn!: number;
}

export class CurrentUserResponse {
  @ApiProperty({ format: 'uuid', example: '7b6f1e52-3c48-4d5a-9f0e-2a1b3c4d5e6f' })
  id!: string;

  @ApiProperty({ example: 'ada@example.com' })
  email!: string;
}

export class UserResponse extends CurrentUserResponse {
  @ApiProperty({ format: 'date-time', example: '2026-01-31T12:00:00.000Z' })
  createdAt!: Date;
}

export class RegisterResponse extends TokenResponse {
  @ApiProperty({ type: UserResponse })
  user!: UserResponse;
}
