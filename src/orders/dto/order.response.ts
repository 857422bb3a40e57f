import { ApiProperty } from '@nestjs/swagger';
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
