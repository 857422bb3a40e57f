import type { PrismaService } from '../../../src/database/prisma.service.js';

// A stack frame, a source location, a package path, or the database's name for itself.
const STACK_TRACE =
  /\n\s+at\s|\bat\s+[\w$.<>]+\s+\(|\.(ts|js|mjs|cjs):\d+|node_modules|prisma|pglite/i;
// SQL statements, our table names as PostgreSQL quotes them, or bind parameters.
const SQL =
  /\bselect\b[\s\S]*\bfrom\b|\binsert\s+into\b|\bdelete\s+from\b|\bupdate\s+"?\w+"?\s+set\b|"(User|Order|OrderItem|Stock)"|\$\d\b|\bsqlstate\b|\bsyntax error at\b/i;

/** What a response must never show a client: how the server is built. */
export function internalsIn(text: string): string[] {
  const found: string[] = [];
  if (STACK_TRACE.test(text)) found.push(`stack trace: ${STACK_TRACE.exec(text)![0]}`);
  if (SQL.test(text)) found.push(`SQL: ${SQL.exec(text)![0]}`);
  return found;
}

/** Everything a refused write could have touched, to compare before and after. */
export async function databaseState(prisma: PrismaService) {
  const [users, orders, items, cancelled, stock] = await Promise.all([
    prisma.user.count(),
    prisma.order.count(),
    prisma.orderItem.count(),
    prisma.order.count({ where: { status: 'CANCELLED' } }),
    prisma.stock.findMany({ orderBy: { sku: 'asc' }, select: { sku: true, available: true } }),
  ]);
  return { users, orders, items, cancelled, stock };
}

/** Orders whose items do not add up to their total, or that have no items: half-written. */
export async function halfWrittenOrders(prisma: PrismaService): Promise<string[]> {
  const orders = await prisma.order.findMany({ include: { items: true } });
  return orders
    .filter(
      (order) =>
        order.items.length === 0 ||
        order.items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0) !==
          order.totalCents,
    )
    .map((order) => order.id);
}
