import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import { OperationError } from 'nest-orchestrator';
import type { OrderItemInput } from './order.types.js';

/** Units taken from stock for one order; only SKUs whose stock is tracked appear. */
export interface StockReservation {
  sku: string;
  quantity: number;
}

/** Inventory for tracked SKUs (rows of "Stock"); untracked SKUs are not limited. */
@Injectable()
export class StockRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Takes every tracked item's quantity, or nothing: one short SKU refuses the whole order. A run
   * aborted meanwhile (client gone, timeout) rolls the reservation back: the runner has stopped
   * waiting for it and would never compensate it.
   */
  reserve(items: OrderItemInput[], signal?: AbortSignal): Promise<StockReservation[]> {
    return this.prisma.$transaction(async (tx) => {
      const tracked = await tx.stock.findMany({
        where: { sku: { in: items.map((item) => item.sku) } },
        select: { sku: true },
      });
      const trackedSkus = new Set(tracked.map((row) => row.sku));
      const taken: StockReservation[] = [];
      for (const { sku, quantity } of items) {
        if (!trackedSkus.has(sku)) continue;
        // Conditional on enough units, so concurrent orders can never take stock below zero.
        const { count } = await tx.stock.updateMany({
          where: { sku, available: { gte: quantity } },
          data: { available: { decrement: quantity } },
        });
        if (count === 0)
          throw new OperationError('CONFLICT', `not enough stock for ${sku}`, { sku });
        taken.push({ sku, quantity });
      }
      signal?.throwIfAborted();
      return taken;
    });
  }

  /** Puts reserved units back. */
  async release(reservation: readonly StockReservation[]): Promise<void> {
    if (reservation.length === 0) return;
    await this.prisma.$transaction(
      reservation.map(({ sku, quantity }) =>
        this.prisma.stock.updateMany({
          where: { sku },
          data: { available: { increment: quantity } },
        }),
      ),
    );
  }

  async available(sku: string): Promise<number | undefined> {
    return (await this.prisma.stock.findUnique({ where: { sku } }))?.available;
  }
}
