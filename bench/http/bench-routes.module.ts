// Bench-only routes, added to the starter by bench/http/server.ts (the starter ships none of
// this). Each pair does the same three operations on the same input, once as plain awaits in the
// controller and once as the `@Operation()`s of a `@Pipeline` run by `Orchestrator.run()`:
//
//   parse (sync)  →  price (async, in memory) | stock (async, one Prisma read)  →  quote (sync)
//
// The routes are `@Public()`: the global JwtAuthGuard then returns at its first line, so token
// checks and the user lookup it does per request stay out of the measurement (same for A and B).
import { Controller, Get, HttpException, Injectable, Module, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../../src/auth/public.decorator.js';
import { PrismaService } from '../../src/database/prisma.service.js';
import { requestSignal, sendPipelineResult, statusFor } from 'nest-orchestrator/http';
import {
  Operation,
  OperationError,
  Orchestrator,
  Pipeline,
  type OperationOptions,
  type PipelineResult,
} from 'nest-orchestrator';
import { BENCH_SKU } from './constants.js';

const SKU_PATTERN = /^[A-Z0-9-]{3,32}$/;
const PRICES: ReadonlyMap<string, number> = new Map([[BENCH_SKU, 1_250]]);
/** The price the database pair uses (its async step is the stock read instead). */
const LIST_PRICE_CENTS = 1_250;

export interface QuoteItem {
  sku: string;
  quantity: number;
}

export interface Quote {
  sku: string;
  quantity: number;
  unitPriceCents: number;
  totalCents: number;
  /** Units in stock: database routes only. */
  available?: number;
}

/** Pipeline context: the raw query in, each operation's result merged in. */
export interface QuoteContext {
  sku: string;
  quantity: string;
  item?: QuoteItem;
  unitPriceCents?: number;
  available?: number;
  quote?: Quote;
}

/** The work itself, shared by both sides of every pair so only the plumbing differs. */
@Injectable()
export class BenchWork {
  constructor(private readonly prisma: PrismaService) {}

  /** Operation 1 (sync): checks and parses the query. */
  parse(sku: unknown, quantity: unknown): QuoteItem {
    if (typeof sku !== 'string' || !SKU_PATTERN.test(sku)) {
      throw new OperationError('VALIDATION', 'sku is not a valid SKU');
    }
    const parsed = Number(quantity);
    if (!Number.isInteger(parsed) || parsed < 1 || parsed > 99) {
      throw new OperationError('VALIDATION', 'quantity must be a whole number from 1 to 99');
    }
    return { sku, quantity: parsed };
  }

  /** Operation 2 without I/O (async): a price, as a service call that answers at once would. */
  async price(sku: string): Promise<number> {
    const cents = PRICES.get(sku);
    if (cents === undefined) throw new OperationError('NOT_FOUND', `no price for ${sku}`);
    return cents;
  }

  /** Operation 2 with the database (async): one read by primary key through Prisma. */
  async stock(sku: string): Promise<number> {
    const row = await this.prisma.stock.findUnique({
      where: { sku },
      select: { available: true },
    });
    if (row === null) throw new OperationError('NOT_FOUND', `no stock row for ${sku}`);
    return row.available;
  }

  /** Operation 3 (sync): the answer. */
  quote(item: QuoteItem, unitPriceCents: number, available?: number): Quote {
    const quote: Quote = {
      sku: item.sku,
      quantity: item.quantity,
      unitPriceCents,
      totalCents: item.quantity * unitPriceCents,
    };
    if (available !== undefined) quote.available = available;
    return quote;
  }
}

/**
 * The no-I/O pipeline, `operation` on each of its operations: `{}`, so the starter's 2 s module
 * default applies, or `timeoutMs: false` (the `budget` pair). `className` names it in
 * `Class@method` labels and logs, which would otherwise read `BenchQuote` for both.
 */
function quotePipeline(name: string, className: string, operation: OperationOptions) {
  @Pipeline({ name, description: 'Bench only: three operations, no I/O' })
  class BenchQuote {
    constructor(readonly work: BenchWork) {}

    @Operation(operation)
    parse(ctx: QuoteContext): Partial<QuoteContext> {
      return { item: this.work.parse(ctx.sku, ctx.quantity) };
    }

    @Operation(operation)
    async price(ctx: QuoteContext): Promise<Partial<QuoteContext>> {
      return { unitPriceCents: await this.work.price(ctx.item!.sku) };
    }

    @Operation(operation)
    quote(ctx: QuoteContext): Partial<QuoteContext> {
      return { quote: this.work.quote(ctx.item!, ctx.unitPriceCents!) };
    }
  }
  return Object.defineProperty(BenchQuote, 'name', { value: className });
}

export const BenchQuotePipeline = quotePipeline('bench-quote', 'BenchQuotePipeline', {});
export const BenchQuoteUnbudgetedPipeline = quotePipeline(
  'bench-quote-unbudgeted',
  'BenchQuoteUnbudgetedPipeline',
  { timeoutMs: false },
);

@Pipeline({
  name: 'bench-quote-db',
  description: 'Bench only: three operations, one a Prisma read',
})
export class BenchQuoteDbPipeline {
  constructor(private readonly work: BenchWork) {}

  @Operation()
  parse(ctx: QuoteContext): Partial<QuoteContext> {
    return { item: this.work.parse(ctx.sku, ctx.quantity) };
  }

  @Operation()
  async stock(ctx: QuoteContext): Promise<Partial<QuoteContext>> {
    return { available: await this.work.stock(ctx.item!.sku) };
  }

  @Operation()
  quote(ctx: QuoteContext): Partial<QuoteContext> {
    return { quote: this.work.quote(ctx.item!, LIST_PRICE_CENTS, ctx.available) };
  }
}

/** A failed run as an HTTP error (not on the measured path: bench requests always succeed). */
function quoteOf(result: PipelineResult<QuoteContext>): Quote {
  if (!result.success) {
    const { code, message } = result.error!;
    throw new HttpException({ code, message }, statusFor(code));
  }
  return result.data!.quote!;
}

/**
 * The routes. Hand-written routes let an `OperationError` reach the global filter (a 500): bench
 * requests never fail, and error handling is not what is compared.
 */
@Public()
@ApiExcludeController()
@Controller('bench')
export class BenchController {
  constructor(
    private readonly work: BenchWork,
    private readonly orchestrator: Orchestrator,
  ) {}

  @Get('cpu/hand-written')
  async cpuHandWritten(@Query('sku') sku: string, @Query('quantity') quantity: string) {
    const item = this.work.parse(sku, quantity);
    const unitPriceCents = await this.work.price(item.sku);
    return { success: true, data: this.work.quote(item, unitPriceCents) };
  }

  /**
   * The same handler under another path (a route of its own in Fastify and Nest): what the
   * method reads for two routes that do the same work (`--pairs=twin`).
   */
  @Get('cpu/hand-written-twin')
  cpuHandWrittenTwin(@Query('sku') sku: string, @Query('quantity') quantity: string) {
    return this.cpuHandWritten(sku, quantity);
  }

  @Get('cpu/pipeline')
  async cpuPipeline(@Query('sku') sku: string, @Query('quantity') quantity: string) {
    const result = await this.orchestrator.run(BenchQuotePipeline, { sku, quantity });
    return { success: true, data: quoteOf(result) };
  }

  /** The same pipeline with no operation budget: what the 2 s default costs (`--pairs=budget`). */
  @Get('cpu/pipeline-unbudgeted')
  async cpuPipelineUnbudgeted(@Query('sku') sku: string, @Query('quantity') quantity: string) {
    const result = await this.orchestrator.run(BenchQuoteUnbudgetedPipeline, { sku, quantity });
    return { success: true, data: quoteOf(result) };
  }

  @Get('db/hand-written')
  async dbHandWritten(@Query('sku') sku: string, @Query('quantity') quantity: string) {
    const item = this.work.parse(sku, quantity);
    const available = await this.work.stock(item.sku);
    return { success: true, data: this.work.quote(item, LIST_PRICE_CENTS, available) };
  }

  @Get('db/pipeline')
  async dbPipeline(@Query('sku') sku: string, @Query('quantity') quantity: string) {
    const result = await this.orchestrator.run(BenchQuoteDbPipeline, { sku, quantity });
    return { success: true, data: quoteOf(result) };
  }

  /**
   * As the starter's own routes answer (src/orders/orders.controller.ts): a signal that aborts
   * the run if the client leaves, and `sendPipelineResult` (status from the error code, a
   * `Server-Timing` header and per-operation durations in the body).
   */
  @Get('db/pipeline-reply')
  async dbPipelineReply(
    @Query('sku') sku: string,
    @Query('quantity') quantity: string,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const result = await this.orchestrator.run(
      BenchQuoteDbPipeline,
      { sku, quantity },
      { signal: requestSignal(reply) },
    );
    return sendPipelineResult(reply, result, (ctx) => ctx.quote!);
  }
}

@Module({
  controllers: [BenchController],
  providers: [BenchWork, BenchQuotePipeline, BenchQuoteUnbudgetedPipeline, BenchQuoteDbPipeline],
})
export class BenchRoutesModule {}
