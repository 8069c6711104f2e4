import { AsyncLocalStorage } from 'node:async_hooks';
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQueryable, Transaction } from '@prisma/driver-adapter-utils';

/** What one unit of work (a GraphQL request, a test block) sent to the database. */
export interface StatementStats {
  statements: number;
}

const storage = new AsyncLocalStorage<StatementStats>();

/**
 * Runs `work` with a fresh statement tally and returns both. Every SQL statement Prisma sends
 * while `work` (and anything it awaits) runs is counted, whatever the request's concurrency.
 */
export async function countStatements<T>(work: () => Promise<T>): Promise<{ result: T; statements: number }> {
  const stats: StatementStats = { statements: 0 };
  const result = await storage.run(stats, work);
  return { result, statements: stats.statements };
}

/** Runs `work` inside `stats`' tally (used by the HTTP layer for per-request figures). */
export const runCounting = <T>(stats: StatementStats, work: () => T): T => storage.run(stats, work);

const tally = () => {
  const stats = storage.getStore();
  if (stats) stats.statements += 1;
};

function countQueries<Q extends SqlQueryable>(queryable: Q): Q {
  return new Proxy(queryable, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property === 'queryRaw' || property === 'executeRaw') {
        return (...args: unknown[]) => {
          tally();
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      if (property === 'startTransaction') {
        return async (...args: unknown[]) =>
          countQueries((await (value as (...a: unknown[]) => Promise<Transaction>).apply(target, args)) as Transaction);
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * Wraps a driver adapter factory so that each statement sent through it (queries, writes,
 * statements inside transactions) is tallied in the current `countStatements` scope.
 */
export function countingAdapter(factory: SqlDriverAdapterFactory): SqlDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async (): Promise<SqlDriverAdapter> => countQueries(await factory.connect()),
  };
}

/** The tally statements are counted in right now (none outside `countStatements` / `runCounting`). */
export const currentTally = (): StatementStats | undefined => storage.getStore();

/**
 * Runs `work` outside any tally, for a caller that counts its statements itself (one statement
 * sent on behalf of several requests counts once for each, see db/wire-rows.ts).
 */
export const runUncounted = <T>(work: () => T): T => storage.exit(work);
