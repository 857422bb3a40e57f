import {
  Body,
  Controller,
  Get,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { databaseUnavailable } from '../database/database-errors.js';
import { requestSignal, sendPipelineResult } from 'nest-orchestrator/http';
import { ApiPipelineErrorResponse, ApiPipelineResponse } from 'nest-orchestrator/swagger';
import { Orchestrator } from 'nest-orchestrator';
import { CancelOrderPipeline } from './cancel-order.pipeline.js';
import { CreateOrderPipeline } from './create-order.pipeline.js';
import { CreateOrderDto } from './dto/create-order.dto.js';
import { ListOrdersQuery } from './dto/list-orders.query.js';
import { OrderPageEnvelope, OrderReadEnvelope, OrderResponse } from './dto/order.response.js';
import { OrdersRepository } from './orders.repository.js';

const RESPONSE_OPTIONS = { publicError: databaseUnavailable };

interface Customer {
  id: string;
}

@ApiTags('orders')
@ApiBearerAuth()
@Controller('orders')
export class OrdersController {
  constructor(
    private readonly orchestrator: Orchestrator,
    private readonly orders: OrdersRepository,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Place an order',
    description: 'Runs validate, create, notify and track.',
  })
  @ApiPipelineResponse(OrderResponse, {
    status: 201,
    description: 'Placed; `Server-Timing` has each step',
  })
  @ApiPipelineErrorResponse(422, 'Refused by `validate`')
  @ApiPipelineErrorResponse(504, 'A critical step ran out of time')
  async create(
    @CurrentUser() customer: Customer,
    @Body() body: CreateOrderDto,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const result = await this.orchestrator.run(
      CreateOrderPipeline,
      { customerId: customer.id, items: body.items, expectedTotalCents: body.totalCents },
      { signal: requestSignal(reply) },
    );
    return sendPipelineResult(reply, result, (ctx) => ctx.order!, 201, RESPONSE_OPTIONS);
  }

  @Get()
  @ApiOperation({ summary: 'List my orders, newest first' })
  @ApiOkResponse({ type: OrderPageEnvelope })
  async list(@CurrentUser() customer: Customer, @Query() query: ListOrdersQuery) {
    const { items, total } = await this.orders.listOwned(customer.id, query.page, query.pageSize);
    return { success: true, data: { items, page: query.page, pageSize: query.pageSize, total } };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get one of my orders' })
  @ApiOkResponse({ type: OrderReadEnvelope })
  @ApiNotFoundResponse({ description: 'No such order, or not yours' })
  async get(
    @CurrentUser() customer: Customer,
    @Param('id', new ParseUUIDPipe({ version: '4' })) id: string,
  ) {
    const order = await this.orders.findOwned(id, customer.id);
    if (order === undefined) throw new NotFoundException('order not found');
    return { success: true, data: order };
  }

  @Post(':id/cancel')
  @ApiOperation({
    summary: 'Cancel one of my pending orders',
    description: 'Runs load, check, update, notify and track.',
  })
  @ApiPipelineResponse(OrderResponse, { description: 'Cancelled' })
  @ApiPipelineErrorResponse(404, 'No such order, or not yours')
  @ApiPipelineErrorResponse(409, 'Already cancelled')
  async cancel(
    @CurrentUser() customer: Customer,
    @Param('id', new ParseUUIDPipe({ version: '4' })) id: string,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const result = await this.orchestrator.run(
      CancelOrderPipeline,
      { orderId: id, customerId: customer.id },
      { signal: requestSignal(reply) },
    );
    return sendPipelineResult(reply, result, (ctx) => ctx.order!, 200, RESPONSE_OPTIONS);
  }
}
