import {
  applyDecorators,
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
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentUser } from '../auth/current-user.decorator.js';
import {
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENCY_KEY_MAX_LENGTH,
  IDEMPOTENT_REPLAYED_HEADER,
  IdempotencyKey,
  requestFingerprint,
} from '../common/idempotency-key.js';
import { ErrorResponse } from '../common/error-response.js';
import { databaseUnavailable } from '../database/database-errors.js';
import { requestSignal, sendPipelineResult } from 'nest-orchestrator/http';
import { ApiPipelineErrorResponse, ApiPipelineResponse } from 'nest-orchestrator/swagger';
import { Orchestrator, type PipelineResult, type RunOptions } from 'nest-orchestrator';
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

/**
 * Documents the optional header on a keyed route; its answers (409 while running, 422 for another
 * body) share a status with the route's own, so they are named in those descriptions.
 */
const ApiIdempotencyKey = () =>
  applyDecorators(
    ApiHeader({
      name: IDEMPOTENCY_KEY_HEADER,
      required: false,
      description:
        'Makes a retried request run once: the same key returns the stored status and body with ' +
        `\`${IDEMPOTENT_REPLAYED_HEADER}: true\`, 409 while the first request runs, 422 with another ` +
        'body. Kept 24 h by default (`IDEMPOTENCY_RETAIN_HOURS`).',
      schema: {
        type: 'string',
        minLength: 1,
        maxLength: IDEMPOTENCY_KEY_MAX_LENGTH,
        pattern: '^[\\x20-\\x7E]+$',
        example: '6f1c2a9e-checkout-42',
      },
    }),
    ApiBadRequestResponse({
      type: ErrorResponse,
      description: `Malformed body, or an \`${IDEMPOTENCY_KEY_HEADER}\` that is not 1-255 printable ASCII characters`,
    }),
  );

/**
 * The run options of a request: its abort signal, and its key bound to what it asks for. Keys
 * are scoped to the user, as Stripe scopes them to an account: two customers who happen to pick
 * the same key never see each other's answers or block each other.
 */
function runOptions(
  reply: FastifyReply,
  customer: Customer,
  key: string | undefined,
  fingerprint: () => string,
): RunOptions {
  const signal = requestSignal(reply);
  return key === undefined
    ? { signal }
    : { signal, idempotencyKey: `${customer.id}:${key}`, fingerprint: fingerprint() };
}

function markReplay(reply: FastifyReply, result: PipelineResult<unknown>): void {
  if (result.replayed) void reply.header(IDEMPOTENT_REPLAYED_HEADER, 'true');
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
  @ApiIdempotencyKey()
  @ApiPipelineErrorResponse(
    409,
    'The same `Idempotency-Key` is still running (IDEMPOTENCY_IN_PROGRESS)',
  )
  @ApiPipelineErrorResponse(
    422,
    'Refused by `validate`, or an `Idempotency-Key` used with another body (IDEMPOTENCY_KEY_MISMATCH)',
  )
  @ApiPipelineErrorResponse(504, 'A critical step ran out of time')
  async create(
    @CurrentUser() customer: Customer,
    @Body() body: CreateOrderDto,
    @IdempotencyKey() key: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const result = await this.orchestrator.run(
      CreateOrderPipeline,
      { customerId: customer.id, items: body.items, expectedTotalCents: body.totalCents },
      runOptions(reply, customer, key, () =>
        requestFingerprint({ userId: customer.id, route: 'POST /orders', body }),
      ),
    );
    markReplay(reply, result);
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
  @ApiIdempotencyKey()
  @ApiPipelineErrorResponse(
    409,
    'Already cancelled, or the same `Idempotency-Key` is still running (IDEMPOTENCY_IN_PROGRESS)',
  )
  @ApiPipelineErrorResponse(
    422,
    'An `Idempotency-Key` used for another order (IDEMPOTENCY_KEY_MISMATCH)',
  )
  async cancel(
    @CurrentUser() customer: Customer,
    @Param('id', new ParseUUIDPipe({ version: '4' })) id: string,
    @IdempotencyKey() key: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const result = await this.orchestrator.run(
      CancelOrderPipeline,
      { orderId: id, customerId: customer.id },
      runOptions(reply, customer, key, () =>
        requestFingerprint({
          userId: customer.id,
          route: 'POST /orders/:id/cancel',
          params: { id },
        }),
      ),
    );
    markReplay(reply, result);
    return sendPipelineResult(reply, result, (ctx) => ctx.order!, 200, RESPONSE_OPTIONS);
  }
}
