import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { ORDER_LIMITS } from '../orders.constants.js';

export class OrderItemDto {
  @ApiProperty({ example: 'SKU-1001', pattern: ORDER_LIMITS.skuPattern.source, maxLength: 32 })
  @IsString()
  @Matches(ORDER_LIMITS.skuPattern, {
    message: 'sku must be 1-32 upper-case letters, digits or dashes',
  })
  sku!: string;

  @ApiProperty({ example: 2, minimum: 1, maximum: ORDER_LIMITS.maxQuantity })
  @IsInt()
  @Min(1)
  @Max(ORDER_LIMITS.maxQuantity)
  quantity!: number;

  @ApiProperty({
    example: 1999,
    minimum: 1,
    maximum: ORDER_LIMITS.maxUnitPriceCents,
    description: 'Whole cents',
  })
  @IsInt()
  @Min(1)
  @Max(ORDER_LIMITS.maxUnitPriceCents)
  unitPriceCents!: number;
}

export class CreateOrderDto {
  @ApiProperty({ type: [OrderItemDto], minItems: 1, maxItems: ORDER_LIMITS.maxItems })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ORDER_LIMITS.maxItems)
  @ValidateNested({ each: true })
  @Type(() => OrderItemDto)
  items!: OrderItemDto[];

  @ApiPropertyOptional({
    example: 3998,
    minimum: 0,
    description: 'What the client expects to pay; refused (422) when it disagrees with the items',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  totalCents?: number;
}
