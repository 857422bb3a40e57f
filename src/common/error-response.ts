import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ErrorDetail {
  @ApiProperty({ example: 'VALIDATION_FAILED', description: 'Stable, machine-readable error code' })
  code!: string;

  @ApiProperty({ example: 'email must be an email', description: 'Readable explanation' })
  message!: string;

  @ApiPropertyOptional({
    description: 'Structured information about the error, e.g. one entry per invalid field',
    type: 'array',
    items: { type: 'object' },
    example: [{ field: 'email', errors: ['email must be an email'] }],
  })
  details?: Record<string, unknown>[];
}

/** The body of every error response. */
export class ErrorResponse {
  @ApiProperty({ example: false })
  success!: false;

  @ApiProperty({ type: ErrorDetail })
  error!: ErrorDetail;
}
