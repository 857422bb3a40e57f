import type { OrderView } from './order.types.js';

export interface CancelOrderContext {
  orderId: string;
  customerId: string;
  /** Loaded by `load`. */
  order?: OrderView;
}
