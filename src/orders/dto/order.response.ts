import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { OrderItemDto } from './create-order.dto.js';

export class OrderResponse {
  @ApiProperty({ example: '3f1c7a52-9c1e-4b8e-9a53-0f6a2f1d8c11', format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: ['PENDING', 'CANCELLED'], example: 'PENDING' })
  status!: 'PENDING' | 'CANCELLED';

  @ApiProperty({ example: 3998 })
  totalCents!: number;

  @ApiProperty({ example: '2026-11-25T09:00:00.000Z', format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ example: '2026-11-25T09:00:00.000Z', format: 'date-time' })
  updatedAt!: string;

  @ApiProperty({ type: [OrderItemDto] })
  items!: OrderItemDto[];
}

class NonCriticalFailure {
  @ApiProperty({ example: 'notify' })
  operation!: string;

  @ApiProperty({ example: 'TIMEOUT' })
  code!: string;

  @ApiProperty({ example: 'Operation "notify" timed out after 200 ms.' })
  message!: string;
}

export class OrderEnvelope {
  @ApiProperty({ example: true })
  success!: boolean;

  @ApiProperty({ type: OrderResponse })
  data!: OrderResponse;

  @ApiProperty({ example: 3.512, description: 'Whole run in ms' })
  duration!: number;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number' },
    example: { validate: 0.041, create: 2.918, notify: 0.377, track: 0.012 },
    description: 'ms per operation',
  })
  metrics!: Record<string, number>;

  @ApiPropertyOptional({
    type: [NonCriticalFailure],
    description: 'Non-critical failures the run survived',
  })
  errors?: NonCriticalFailure[];
}

export class OrderPage {
  @ApiProperty({ type: [OrderResponse] })
  items!: OrderResponse[];

  @ApiProperty({ example: 1 })
  page!: number;

  @ApiProperty({ example: 20 })
  pageSize!: number;

  @ApiProperty({ example: 1 })
  total!: number;
}

export class OrderPageEnvelope {
  @ApiProperty({ example: true })
  success!: boolean;

  @ApiProperty({ type: OrderPage })
  data!: OrderPage;
}

export class OrderReadEnvelope {
  @ApiProperty({ example: true })
  success!: boolean;

  @ApiProperty({ type: OrderResponse })
  data!: OrderResponse;
}

class PipelineErrorDetail {
  @ApiProperty({ example: 'VALIDATION' })
  code!: string;

  @ApiProperty({ example: 'totalCents does not match the items' })
  message!: string;

  @ApiProperty({ example: 'validate' })
  operation!: string;

  @ApiPropertyOptional({ example: { expectedTotalCents: 3998 } })
  details?: unknown;
}

export class PipelineErrorEnvelope {
  @ApiProperty({ example: false })
  success!: boolean;

  @ApiProperty({ type: PipelineErrorDetail })
  error!: PipelineErrorDetail;

  @ApiProperty({ example: 0.08 })
  duration!: number;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number' },
    example: { validate: 0.05 },
  })
  metrics!: Record<string, number>;
}
