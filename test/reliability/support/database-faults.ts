import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/**
 * Runs before each statement the app sends: throw to fail it, return a promise to delay it.
 * Receives the SQL text (`BEGIN` for the start of a PGlite transaction).
 */
export type QueryInterceptor = (sql: string) => void | Promise<void>;

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

function patch(target: object, name: string, wrap: (original: AnyFunction) => AnyFunction) {
  const record = target as Record<string, AnyFunction>;
  const own = Object.prototype.hasOwnProperty.call(target, name);
  const original = record[name];
  record[name] = wrap(original);
  return () => {
    if (own) record[name] = original;
    else delete record[name];
  };
}

const sqlOf = (query: unknown): string =>
  typeof query === 'string' ? query : String((query as { text?: unknown } | null)?.text ?? '');

/**
 * Puts `intercept` in front of every statement, on embedded PGlite and on a PostgreSQL server
 * (through pg's Client) alike, so a test can make the database fail or crawl without changing
 * the app. The app and the test share one module registry, hence one PGlite and one pg.
 * Returns the function that takes it away again.
 */
export function interceptQueries(intercept: QueryInterceptor): () => void {
  const before = (original: AnyFunction, sqlArg: (args: unknown[]) => string): AnyFunction =>
    function (this: unknown, ...args: unknown[]) {
      return Promise.resolve()
        .then(() => intercept(sqlArg(args)))
        .then(() => original.apply(this, args));
    };
  const firstArg = (args: unknown[]) => sqlOf(args[0]);
  // Statements inside a PGlite transaction go through the transaction object it hands out.
  const interceptedTransaction = (tx: Record<string, AnyFunction>) =>
    new Proxy(tx, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver);
        return name === 'query' || name === 'exec' ? before(value.bind(target), firstArg) : value;
      },
    });
  const restores = [
    patch(PGlite.prototype, 'query', (original) => before(original, firstArg)),
    patch(PGlite.prototype, 'exec', (original) => before(original, firstArg)),
    patch(PGlite.prototype, 'transaction', (original) =>
      before(
        function (this: unknown, callback: unknown) {
          return original.call(this, (tx: Record<string, AnyFunction>) =>
            (callback as AnyFunction)(interceptedTransaction(tx)),
          );
        } as AnyFunction,
        () => 'BEGIN',
      ),
    ),
    patch(pg.Client.prototype, 'query', (original) => {
      const intercepted = before(original, firstArg);
      return function (this: unknown, ...args: unknown[]) {
        const callback = args[args.length - 1];
        if (typeof callback !== 'function') return intercepted.apply(this, args);
        // The callback form, which pg's Pool.query uses.
        Promise.resolve()
          .then(() => intercept(firstArg(args)))
          .then(
            () => original.apply(this, args),
            (error: unknown) => (callback as AnyFunction)(error),
          );
        return undefined;
      };
    }),
  ];
  return () => restores.reverse().forEach((restore) => restore());
}

/** The error each back end gives when it is gone, as the app's outage detection knows it. */
export function outageError(kind: 'pglite' | 'postgres'): Error {
  return kind === 'pglite'
    ? new Error('PGlite is closed')
    : Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' });
}

export const isWrite = (sql: string) => /^\s*(insert|update|delete)\b/i.test(sql);
