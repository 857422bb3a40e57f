// Shared by the routes (server side) and the load runner (client side), which must not load
// the starter's modules itself.

/** The SKU every bench request asks about; server.ts seeds its stock row. */
export const BENCH_SKU = 'BENCH-0001';
export const BENCH_STOCK = 1_000;
/** The query string of every bench request. */
export const BENCH_QUERY = `sku=${BENCH_SKU}&quantity=3`;
