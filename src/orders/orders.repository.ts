import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import type { OrderItemInput, OrderStatus, OrderView } from './order.types.js';
import type { StockReservation } from './stock.repository.js';

const withItems = {
  items: { select: { sku: true, quantity: true, unitPriceCents: true }, orderBy: { sku: 'asc' } },
} as const;

interface OrderRow {
  id: string;
  status: OrderStatus;
  totalCents: number;
  createdAt: Date;
  updatedAt: Date;
  items: OrderItemInput[];
}

function toView(row: OrderRow): OrderView {
  return {
    id: row.id,
    status: row.status,
    totalCents: row.totalCents,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    items: row.items,
  };
}

/** The run's reserved stock was given back before its order could be written. */
export class StockReservationLostError extends Error {
  constructor(readonly runId: string) {
    super(`the stock reserved by run ${runId} was released before its order was written`);
    this.name = 'StockReservationLostError';
  }
}

/** Orders in the database, always scoped to their customer. */
@Injectable()
export class OrdersRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Order and items in one transaction, so a failure leaves neither. A run aborted meanwhile
   * (client gone, timeout) rolls it back: the runner has already given the stock back.
   *
   * The same transaction consumes the run's stock reservation: once the order exists, releasing
   * the run (a recovery after a crash) gives nothing back. If the reservation is no longer all
   * there, it was released meanwhile (the run's lease ran out and a sweep compensated it), so
   * the order is refused rather than written without its stock.
   */
  async create(
    customerId: string,
    totalCents: number,
    items: OrderItemInput[],
    reserved: { runId: string; reservation: readonly StockReservation[] },
    signal?: AbortSignal,
  ): Promise<OrderView> {
    const row = await this.prisma.$transaction(async (tx) => {
      const { count } = await tx.stockReservation.deleteMany({ where: { runId: reserved.runId } });
      if (count !== reserved.reservation.length)
        throw new StockReservationLostError(reserved.runId);
      const created = await tx.order.create({
        data: { customerId, totalCents, items: { create: items } },
        include: withItems,
      });
      signal?.throwIfAborted();
      return created;
    });
    return toView(row);
  }

  async findOwned(id: string, customerId: string): Promise<OrderView | undefined> {
    const row = await this.prisma.order.findFirst({
      where: { id, customerId },
      include: withItems,
    });
    return row === null ? undefined : toView(row);
  }

  async listOwned(
    customerId: string,
    page: number,
    pageSize: number,
  ): Promise<{ items: OrderView[]; total: number }> {
    const where = { customerId };
    const [rows, total] = await this.prisma.$transaction([
      this.prisma.order.findMany({
        where,
        include: withItems,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        skip: (page - 1) * pageSize,
        take: pageSize,
      }),
      this.prisma.order.count({ where }),
    ]);
    return { items: rows.map(toView), total };
  }

  /**
   * Cancels only a still-pending order and puts its tracked stock back, in one transaction;
   * returns undefined when another request got there first.
   */
  async cancelPending(id: string, customerId: string): Promise<OrderView | undefined> {
    const row = await this.prisma.$transaction(async (tx) => {
      const { count } = await tx.order.updateMany({
        where: { id, customerId, status: 'PENDING' },
        data: { status: 'CANCELLED' },
      });
      if (count === 0) return null;
      const order = await tx.order.findUniqueOrThrow({ where: { id }, include: withItems });
      for (const { sku, quantity } of order.items) {
        await tx.stock.updateMany({ where: { sku }, data: { available: { increment: quantity } } });
      }
      return order;
    });
    return row === null ? undefined : toView(row);
  }
}
