import type { OrderItemInput, OrderView } from './order.types.js';
import type { StockReservation } from './stock.repository.js';

export interface CreateOrderContext {
  /** The authenticated user; never taken from the request body. */
  customerId: string;
  items: OrderItemInput[];
  /** What the client believes the total is; refused when it disagrees with the items. */
  expectedTotalCents?: number;
  /** Computed by `validate`. */
  totalCents?: number;
  /** Units taken by `reserve`; given back by its compensation if the order is not created. */
  reservation?: StockReservation[];
  /** Written by `create`. */
  order?: OrderView;
}
