// Measures `balances` for one user with a large ledger: a cache miss (computed from the
// database) against a cache hit, side by side in one run, through the real server
// (executeOperation, so no HTTP noise). PostgreSQL: BENCH_DATABASE_URL, default a `gateway_bench`
// database on the local server (created when missing). Ledger size: BENCH_LEDGER_ENTRIES (100000).
// The cache is in memory, or in Redis with BENCH_REDIS_URL.
import pg from 'pg';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../src/db/database';
import { createLogger } from '../src/log';
import { loadConfig } from '../src/config';
import { createBalanceCache } from '../src/cache/create-balance-cache';
import { createServer } from '../src/server';
import { createApiKey } from '../src/auth/api-keys';

const url = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/gateway_bench';
const entries = Number(process.env.BENCH_LEDGER_ENTRIES ?? 100_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 200);

async function ensureDatabase(): Promise<void> {
  const target = new URL(url);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  const name = target.pathname.slice(1);
  const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
  await client.end();
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function main() {
  await ensureDatabase();
  const db = await openDatabase({ url, poolMax: 10 });
  await db.migrate();
  const username = `bench-ledger-${entries}`;
  const user = await db.prisma.user.upsert({ where: { username }, create: { username }, update: {} });
  let account = await db.prisma.exchangeAccount.findFirst({ where: { userId: user.id } });
  if (!account) account = await db.prisma.exchangeAccount.create({ data: { userId: user.id, exchange: 'paper', label: 'heavy' } });
  const have = await db.prisma.ledgerEntry.count({ where: { accountId: account.id } });
  if (have < entries) {
    // Deposits, fills, commissions and PnL in two assets, generated in the database.
    await db.prisma.$executeRaw`
      INSERT INTO "LedgerEntry" ("accountId", asset, amount, kind, "createdAt")
      SELECT ${account.id}, CASE WHEN g % 7 = 0 THEN 'USD' ELSE 'USDT' END,
             CASE g % 4 WHEN 0 THEN 1000 WHEN 1 THEN -(g % 997) WHEN 2 THEN -(g % 13) * 0.001 ELSE (g % 211) - 100 END,
             (CASE g % 4 WHEN 0 THEN 'DEPOSIT' WHEN 1 THEN 'FILL' WHEN 2 THEN 'COMMISSION' ELSE 'REALIZED_PNL' END)::"LedgerKind",
             (now() AT TIME ZONE 'UTC') - make_interval(secs => g)
      FROM generate_series(1, ${entries - have}) g`;
    await db.prisma.$executeRawUnsafe('ANALYZE "LedgerEntry"');
  }
  const { key } = await createApiKey(db.prisma, user.id, 'bench');
  const log = createLogger({ enabled: false });
  const config = { ...loadConfig({}), balanceCacheTtlMs: 60_000, redisUrl: process.env.BENCH_REDIS_URL || undefined };
  const { cache, store } = createBalanceCache(config, log);
  const server = createServer({ config, db, balanceCache: cache, log });
  await server.start();
  const context = await server.contextFor(`Bearer ${key}`);
  const query = '{ balances { fromCache realizedPnl openPositions assets { asset free locked total } } }';
  const run = async () => {
    const started = performance.now();
    const response = await server.apollo.executeOperation({ query }, { contextValue: context });
    const elapsed = performance.now() - started;
    if (response.body.kind !== 'single' || response.body.singleResult.errors) throw new Error(JSON.stringify(response.body));
    return { elapsed, fromCache: (response.body.singleResult.data as any).balances.fromCache as boolean };
  };

  for (let i = 0; i < 10; i++) await run(); // warm up plans and connections
  const misses: number[] = [];
  const hits: number[] = [];
  for (let i = 0; i < rounds; i++) {
    // Interleaved: a miss (after an invalidation), then a hit, so both see the same machine state.
    await cache.invalidate(user.id);
    const miss = await run();
    const hit = await run();
    if (miss.fromCache || !hit.fromCache) throw new Error('unexpected cache state');
    misses.push(miss.elapsed);
    hits.push(hit.elapsed);
  }
  misses.sort((a, b) => a - b);
  hits.sort((a, b) => a - b);
  const fmt = (n: number) => n.toFixed(2);
  const summary = {
    ledgerEntries: await db.prisma.ledgerEntry.count({ where: { accountId: account.id } }),
    rounds,
    store: store.kind,
    missP50Ms: Number(fmt(percentile(misses, 50))),
    missP95Ms: Number(fmt(percentile(misses, 95))),
    hitP50Ms: Number(fmt(percentile(hits, 50))),
    hitP95Ms: Number(fmt(percentile(hits, 95))),
  };
  console.log(JSON.stringify({ ...summary, hitOverMiss: Number((summary.hitP50Ms / summary.missP50Ms).toFixed(4)) }, null, 2));
  await server.stop();
  await store.close();
  await db.close();
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
