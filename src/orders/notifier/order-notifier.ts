import type { OrderView } from '../order.types.js';

/** Tells the customer about their order. Swap the provider for a real mail or push service. */
export interface OrderNotifier {
  orderCreated(customerId: string, order: OrderView, signal: AbortSignal): Promise<void>;
  orderCancelled(customerId: string, order: OrderView, signal: AbortSignal): Promise<void>;
}

export const ORDER_NOTIFIER = Symbol('ORDER_NOTIFIER');
