import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import { OperationError } from 'nest-orchestrator';
import type { OrderItemInput } from './order.types.js';

/** Units taken from stock for one order; only SKUs whose stock is tracked appear. */
export interface StockReservation {
  sku: string;
  quantity: number;
}

/**
 * Inventory for tracked SKUs (rows of "Stock"); untracked SKUs are not limited. What a run has
 * taken is also written down under its run id ("StockReservation"), in the same transaction, so
 * giving it back never depends on what a process remembered: after a crash, a recovery sweep
 * releases exactly what the database says, once.
 */
@Injectable()
export class StockRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Takes every tracked item's quantity, or nothing: one short SKU refuses the whole order. A run
   * aborted meanwhile (client gone, timeout) rolls the reservation back: the runner has stopped
   * waiting for it and would never compensate it.
   */
  reserve(
    runId: string,
    items: OrderItemInput[],
    signal?: AbortSignal,
  ): Promise<StockReservation[]> {
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
      if (taken.length > 0) {
        await tx.stockReservation.createMany({
          data: taken.map(({ sku, quantity }) => ({ runId, sku, quantity })),
        });
      }
      signal?.throwIfAborted();
      return taken;
    });
  }

  /**
   * Gives back what `runId` still has reserved, and forgets the reservation, in one transaction;
   * returns what it gave back. Nothing when the run reserved nothing, was already released, or
   * turned its reservation into an order: the DELETE takes each row once, even when two releases
   * of one run race (the run's own compensation and a recovery sweep).
   */
  release(runId: string): Promise<StockReservation[]> {
    return this.prisma.$transaction(async (tx) => {
      const released = await tx.$queryRaw<StockReservation[]>`
        DELETE FROM "StockReservation" WHERE "runId" = ${runId}
        RETURNING "sku", "quantity"`;
      for (const { sku, quantity } of released) {
        await tx.stock.updateMany({ where: { sku }, data: { available: { increment: quantity } } });
      }
      return released;
    });
  }

  async available(sku: string): Promise<number | undefined> {
    return (await this.prisma.stock.findUnique({ where: { sku } }))?.available;
  }
}
