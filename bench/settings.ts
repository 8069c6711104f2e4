// Everything the benchmark can be told through the environment, read once.
import path from 'node:path';

function number(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(`${name}: expected a number from ${min} to ${max}, got '${raw}'`);
  }
  return value;
}

const databaseUrl = process.env.BENCH_DATABASE_URL?.trim() || 'postgresql://postgres@127.0.0.1:5432/gateway_bench';

/** Same server, another database: `<name>_empty` holds the empty database of the startup measurement. */
export function withDatabaseName(url: string, name: string): string {
  const copy = new URL(url);
  copy.pathname = `/${name}`;
  return copy.toString();
}

export const databaseName = (url: string): string => decodeURIComponent(new URL(url).pathname.slice(1));

export const settings = {
  databaseUrl,
  emptyDatabaseUrl: withDatabaseName(databaseUrl, `${databaseName(databaseUrl)}_empty`),
  /** 1 = 100k items, 1M ledger entries, 200k trades; 0.1 for a quick run. */
  scale: number('BENCH_SCALE', 1, 0.001, 10),
  /** Drop and rebuild the benchmark database even when it holds this scale already. */
  rebuild: ['1', 'true', 'yes'].includes((process.env.BENCH_REBUILD ?? '').toLowerCase()),
  /** autocannon connections per measurement. */
  connections: number('BENCH_CONNECTIONS', 8, 1, 256),
  /** Target seconds per measurement (one operation, one mode, one round): its request count is sized from the warm-up. */
  durationS: number('BENCH_DURATION_S', 4, 1, 600),
  /** Rounds: each round measures every operation in every mode once, modes interleaved. */
  rounds: number('BENCH_ROUNDS', 2, 1, 100),
  /** Seconds (at least) of unmeasured warm-up per operation and mode, before the first round. */
  warmupS: number('BENCH_WARMUP_S', 1, 0, 60),
  /** Sequential miss/hit pairs of the balance measurement, per mode. */
  balancePairs: number('BENCH_BALANCE_PAIRS', 60, 3, 10_000),
  /** Spawns per database for the startup measurement (median reported). */
  startupRuns: number('BENCH_STARTUP_RUNS', 3, 1, 20),
  /** Share the gateways' balance cache (and rate limiter) through this Redis; memory when unset. */
  redisUrl: process.env.BENCH_REDIS_URL?.trim() || undefined,
  /** Base port: batched gateway, naive gateway, raw server, startup gateway, PostGraphile, bare Apollo. */
  basePort: number('BENCH_PORT', 4100, 1024, 65000),
  resultsDir: path.resolve(__dirname, 'results'),
  repoDir: path.resolve(__dirname, '..'),
};

export type Settings = typeof settings;
