// SQL statements per operation, counted in process as the test suite counts them: the real
// server (buildGateway + executeOperation) on the benchmark database, every statement Prisma
// sends (the API-key lookup included) tallied by countStatements. Batched and naive differ only
// in configureLoaders({ batch }), the switch BENCH_NAIVE_LOADERS flips in the gateway process.
import { openDatabase } from '../src/db/database';
import { countStatements } from '../src/db/statement-counter';
import { configureLoaders } from '../src/graphql/batch';
import { buildGateway } from '../src/gateway';
import { createLogger } from '../src/log';
import { loadConfig } from '../src/config';
import { INVALIDATE, NAIVE_STATEMENT_PAGE_SIZES, STATEMENT_PAGE_SIZES, type BenchOperation } from './operations';

export interface StatementCounts {
  batched: number;
  naive: number;
  /**
   * For operations with a page size: the counts at each of STATEMENT_PAGE_SIZES. A naive count is
   * null when the operation failed in naive mode (e.g. thousands of concurrent per-key queries
   * waiting longer than the pool's connection timeout), with the error in `naiveError`.
   */
  byPageSize?: Record<string, { batched: number; naive: number | null; naiveError?: string }>;
}

export async function countOperationStatements(
  databaseUrl: string,
  apiKey: string,
  operations: readonly BenchOperation[],
): Promise<Map<BenchOperation, StatementCounts>> {
  const db = await openDatabase({ url: databaseUrl, poolMax: 10 });
  const log = createLogger({ enabled: false });
  const defaults = loadConfig({});
  const config = {
    ...defaults,
    env: 'production' as const,
    balanceCacheTtlMs: 86_400_000,
    limits: { ...defaults.limits, maxCost: 100_000_000 },
  };
  const gateway = await buildGateway(config, db, log);
  const { server } = gateway;

  const execute = async (query: string, variables: Record<string, unknown>): Promise<number> => {
    const { result, statements } = await countStatements(async () => {
      const contextValue = await server.contextFor(`Bearer ${apiKey}`);
      return server.apollo.executeOperation({ query, variables }, { contextValue });
    });
    if (result.body.kind !== 'single' || result.body.singleResult.errors) {
      const errors = result.body.kind === 'single' ? (result.body.singleResult.errors ?? []) : [];
      const codes = [...new Set(errors.map((error) => String(error.extensions?.code ?? error.message)))];
      throw new Error(`${errors.length} errors (${codes.join(', ')}) in ${query.slice(0, 40).replace(/\s+/g, ' ')}…`);
    }
    return statements;
  };
  const tryCount = async (batch: boolean, operation: BenchOperation, variables: Record<string, unknown>) => {
    try {
      return { count: await countAs(batch, operation, variables) };
    } catch (error) {
      return { count: null, error: (error as Error).message };
    }
  };

  const countAs = async (batch: boolean, operation: BenchOperation, variables: Record<string, unknown>): Promise<number> => {
    configureLoaders({ batch });
    try {
      if (operation.name === 'balancesMiss') await execute(INVALIDATE, {});
      if (operation.name === 'balancesHit') await execute(operation.query, {}); // fill the cache
      return await execute(operation.query, variables);
    } finally {
      configureLoaders({ batch: true });
    }
  };

  const counts = new Map<BenchOperation, StatementCounts>();
  const byPageSizeOf = new Map<string, StatementCounts['byPageSize']>();
  try {
    for (const operation of operations) {
      const entry: StatementCounts = {
        batched: await countAs(true, operation, operation.variables),
        naive: await countAs(false, operation, operation.variables),
      };
      if (typeof operation.variables.n === 'number') {
        let byPageSize = byPageSizeOf.get(operation.operationName);
        if (!byPageSize) {
          byPageSize = {};
          const measured = new Set(operations.filter((other) => other.operationName === operation.operationName).map((other) => other.variables.n));
          for (const n of STATEMENT_PAGE_SIZES) {
            const variables = { ...operation.variables, n };
            const naive =
              (NAIVE_STATEMENT_PAGE_SIZES as readonly number[]).includes(n) || measured.has(n)
                ? await tryCount(false, operation, variables)
                : { count: null, error: 'not counted (fan-out too large for the pool in process)' };
            byPageSize[n] = {
              batched: await countAs(true, operation, variables),
              naive: naive.count,
              ...(naive.error ? { naiveError: naive.error } : {}),
            };
          }
          byPageSizeOf.set(operation.operationName, byPageSize);
        }
        entry.byPageSize = byPageSize;
      }
      counts.set(operation, entry);
    }
  } finally {
    await gateway.close();
    await db.close();
  }
  return counts;
}
