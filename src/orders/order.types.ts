export type OrderStatus = 'PENDING' | 'CANCELLED';

export interface OrderItemInput {
  sku: string;
  quantity: number;
  unitPriceCents: number;
}

/** An order as the API shows it. */
export interface OrderView {
  id: string;
  status: OrderStatus;
  totalCents: number;
  createdAt: string;
  updatedAt: string;
  items: OrderItemInput[];
}
