import type { OrderItemInput, OrderView } from './order.types.js';

export interface CreateOrderContext {
  /** The authenticated user; never taken from the request body. */
  customerId: string;
  items: OrderItemInput[];
  /** What the client believes the total is; refused when it disagrees with the items. */
  expectedTotalCents?: number;
  /** Computed by `validate`. */
  totalCents?: number;
  /** Written by `create`. */
  order?: OrderView;
}
