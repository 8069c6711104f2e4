// `balances` for the heavy user (the 1M-entry ledger), cache miss against cache hit, in sequence
// over HTTP (what used to be bench/balances-latency.ts, now against the running servers): each
// pair is `invalidateBalanceCache`, then a read (a miss, timed), then a read (a hit, timed), so
// both see the same machine state. Misses cannot be load-tested at concurrency: concurrent misses
// of one user share one computation by design, so a "miss" at 8 connections is mostly waiting.
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { dataOf } from './http';
import { runningBalanceRowsOf } from '../src/modules/balances/balance-summary';
import { INVALIDATE, type BenchOperation } from './operations';
import { percentile, round } from './load';

export interface BalanceStats {
  missP50Ms: number;
  missP95Ms: number;
  hitP50Ms: number;
  hitP95Ms: number;
  /** Sequential reads per second of misses (one connection, one at a time). */
  missSequentialRps: number;
  pairs: number;
}

export interface Target {
  mode: string;
  url: string;
}

const invalidate = { name: 'invalidateBalanceCache', operationName: 'InvalidateBalances', query: INVALIDATE, variables: {} };

function fromCache(data: unknown): boolean {
  return (data as { balances: { fromCache: boolean } }).balances.fromCache;
}

export async function measureBalances(
  targets: readonly Target[],
  apiKey: string,
  operation: BenchOperation,
  pairs: number,
  progress: (line: string) => void,
): Promise<Map<string, BalanceStats>> {
  const misses = new Map<string, number[]>(targets.map((target) => [target.mode, []]));
  const hits = new Map<string, number[]>(targets.map((target) => [target.mode, []]));
  const warmup = 3;
  for (let i = -warmup; i < pairs; i++) {
    // Rotate the order of the modes from pair to pair.
    for (let k = 0; k < targets.length; k++) {
      const target = targets[(((i + warmup) % targets.length) + k) % targets.length]!;
      await dataOf(target.url, apiKey, invalidate);
      const miss = await dataOf(target.url, apiKey, operation);
      const hit = await dataOf(target.url, apiKey, operation);
      if (fromCache(miss.data) || !fromCache(hit.data)) {
        throw new Error(`${target.mode}: expected a miss then a hit, got fromCache ${fromCache(miss.data)} then ${fromCache(hit.data)}`);
      }
      if (i >= 0) {
        misses.get(target.mode)!.push(miss.ms);
        hits.get(target.mode)!.push(hit.ms);
      }
    }
    if (i >= 0 && (i + 1) % Math.max(1, Math.floor(pairs / 4)) === 0) progress(`  balances: ${i + 1}/${pairs} miss/hit pairs per mode`);
  }
  const stats = new Map<string, BalanceStats>();
  for (const { mode } of targets) {
    const missTimes = misses.get(mode)!.sort((a, b) => a - b);
    const hitTimes = hits.get(mode)!.sort((a, b) => a - b);
    const mean = missTimes.reduce((sum, ms) => sum + ms, 0) / missTimes.length;
    stats.set(mode, {
      missP50Ms: round(percentile(missTimes, 50)),
      missP95Ms: round(percentile(missTimes, 95)),
      hitP50Ms: round(percentile(hitTimes, 50)),
      hitP95Ms: round(percentile(hitTimes, 95)),
      missSequentialRps: round(1000 / mean, 1),
      pairs,
    });
  }
  return stats;
}

/** A user whose balances are read: their ledger's length and their key. */
export interface LedgerTarget {
  username: string;
  userId: number;
  ledgerEntries: number;
  apiKey: string;
}

export interface MissByLedger {
  username: string;
  ledgerEntries: number;
  /** `balances` over HTTP right after invalidateBalanceCache (a miss), through the gateway. */
  gatewayMissP50Ms: number;
  gatewayMissP95Ms: number;
  /** The statement a miss runs now (running rows), alone, over one pg connection. */
  runningReadSqlP50Ms: number;
  /** The aggregate over the whole ledger a miss ran before the running rows (the baseline). */
  ledgerAggregateSqlP50Ms: number;
  pairs: number;
}

/** The summary's statement before it (the aggregate over the ledger), kept here as the baseline. */
const LEDGER_AGGREGATE_SQL = `
  WITH accounts AS (SELECT id FROM "ExchangeAccount" WHERE "userId" = $1),
  ledger AS (
    SELECT "accountId", asset, sum(amount) AS total, coalesce(sum(amount) FILTER (WHERE kind = 'REALIZED_PNL'), 0) AS pnl
    FROM "LedgerEntry" WHERE "accountId" IN (SELECT id FROM accounts) GROUP BY "accountId", asset
  ), locks AS (
    SELECT "accountId", split_part(symbol, '-', 2) AS asset, sum(quantity * price) AS locked
    FROM "Order" WHERE "accountId" IN (SELECT id FROM accounts) AND status = 'NEW' AND type = 'LIMIT'
    GROUP BY "accountId", split_part(symbol, '-', 2)
  ), balances AS (
    SELECT coalesce(l."accountId", k."accountId") AS "accountId", coalesce(l.asset, k.asset) AS asset,
           coalesce(l.total, 0) AS total, coalesce(k.locked, 0) AS locked, coalesce(l.pnl, 0) AS pnl
    FROM ledger l FULL JOIN locks k ON k."accountId" = l."accountId" AND k.asset = l.asset
  )
  SELECT a.id AS "accountId", b.asset, coalesce(b.total, 0)::text AS total, coalesce(b.locked, 0)::text AS locked,
         coalesce(b.pnl, 0)::text AS "realizedPnl",
         (SELECT count(*)::int FROM "Position" p WHERE p."accountId" IN (SELECT id FROM accounts) AND p.status = 'OPEN') AS "openPositions"
  FROM accounts a LEFT JOIN balances b ON b."accountId" = a.id
  ORDER BY a.id, b.asset`;

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/**
 * Cache misses per ledger length, side by side in one run: for each user in turn (rotated), an
 * invalidated read through the gateway, then the running read and the old aggregate as bare SQL.
 * Both statements must return the same rows, or the comparison means nothing.
 */
export async function measureMissByLedger(
  gatewayUrl: string,
  databaseUrl: string,
  users: readonly LedgerTarget[],
  operation: BenchOperation,
  pairs: number,
  progress: (line: string) => void,
): Promise<MissByLedger[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // The product's own statement, sent over pg as Prisma would send it.
    const runningRead = (userId: number) => {
      const statement = runningBalanceRowsOf(userId);
      return client.query(statement.text, statement.values);
    };
    for (const user of users) {
      const running = (await runningRead(user.userId)).rows;
      const aggregate = (await client.query(LEDGER_AGGREGATE_SQL, [user.userId])).rows;
      const same = (rows: Array<Record<string, string>>) =>
        // The ledger's columns (the running read also carries the open exposures, which the aggregate has no part in).
        JSON.stringify(rows.map((row) => ({ accountId: row.accountId, asset: row.asset, total: String(Number(row.total)), locked: String(Number(row.locked)), realizedPnl: String(Number(row.realizedPnl)) })));
      if (same(running) !== same(aggregate)) throw new Error(`${user.username}: the running rows differ from the ledger's aggregate`);
    }
    const times = users.map(() => ({ gateway: [] as number[], running: [] as number[], aggregate: [] as number[] }));
    const warmup = 2;
    for (let i = -warmup; i < pairs; i++) {
      for (let k = 0; k < users.length; k++) {
        const u = (((i + warmup) % users.length) + k) % users.length;
        const user = users[u]!;
        await dataOf(gatewayUrl, user.apiKey, invalidate);
        const miss = await dataOf(gatewayUrl, user.apiKey, operation);
        if (fromCache(miss.data)) throw new Error(`${user.username}: expected a miss after invalidateBalanceCache`);
        const runningMs = await timed(() => runningRead(user.userId));
        const aggregateMs = await timed(() => client.query(LEDGER_AGGREGATE_SQL, [user.userId]));
        if (i < 0) continue;
        times[u]!.gateway.push(miss.ms);
        times[u]!.running.push(runningMs);
        times[u]!.aggregate.push(aggregateMs);
      }
      if (i >= 0 && (i + 1) % Math.max(1, Math.floor(pairs / 4)) === 0) progress(`  balance misses by ledger length: ${i + 1}/${pairs} rounds`);
    }
    const p = (values: number[], q: number) => round(percentile([...values].sort((a, b) => a - b), q));
    return users.map((user, u) => ({
      username: user.username,
      ledgerEntries: user.ledgerEntries,
      gatewayMissP50Ms: p(times[u]!.gateway, 50),
      gatewayMissP95Ms: p(times[u]!.gateway, 95),
      runningReadSqlP50Ms: p(times[u]!.running, 50),
      ledgerAggregateSqlP50Ms: p(times[u]!.aggregate, 50),
      pairs,
    }));
  } finally {
    await client.end();
  }
}
