/**
 * One database session, as the migration runner needs it: parameterised queries plus scripts of
 * several statements (which Prisma's `$executeRaw` cannot run), with transactions and advisory
 * locks staying on the same session.
 */
export interface SqlConnection {
  query<Row extends object>(sql: string, params?: unknown[]): Promise<Row[]>;
  exec(script: string): Promise<void>;
}
