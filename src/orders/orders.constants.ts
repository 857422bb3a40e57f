/** Bounds that keep a total inside PostgreSQL's int4 and a request inside sane sizes. */
export const ORDER_LIMITS = {
  maxItems: 100,
  maxQuantity: 1_000,
  maxUnitPriceCents: 10_000_000,
  maxTotalCents: 2_147_483_647,
  skuPattern: /^[A-Z0-9][A-Z0-9-]{0,31}$/,
} as const;

export const NOTIFY_TIMEOUT_MS = 200;

/** Injection token of the test-only delay before `create` writes (env ORDERS_CREATE_DELAY_MS). */
export const ORDERS_CREATE_DELAY_MS = Symbol('ORDERS_CREATE_DELAY_MS');
