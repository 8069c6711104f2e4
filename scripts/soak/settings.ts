/**
 * Everything the soak can be told through the environment, read once:
 *
 *   SOAK_DURATION_MS      600000                         how long the workload runs
 *   SOAK_DATABASE_URL     postgresql://postgres@127.0.0.1:5432/gateway_soak
 *                                                        the default database is dropped and created
 *                                                        afresh; a given one is created if missing,
 *                                                        never dropped; either is migrated and seeded
 *   SOAK_REDIS_URL        redis://127.0.0.1:6379         shared by both servers (balance cache, rate limits)
 *   SOAK_USERS            4                              users, each with an account and a trading session
 *   SOAK_WORKERS_PER_USER 2                              concurrent clients per user (concurrency = users × workers)
 *   SOAK_THINK_MS         5                              pause between a worker's operations
 *   SOAK_BALANCE_CACHE_TTL_MS 60000                      long, so a missed invalidation shows as a stale read
 *   SOAK_WARMUP_FRACTION  0.2
 *   SOAK_RSS_LIMIT        0.10
 *   SOAK_RSS_SAMPLE_MS    2000
 *   SOAK_OUTPUT           bench/results/soak-latest.json
 */
import path from 'node:path';

export const REPO_DIR = path.resolve(__dirname, '..', '..');
const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/gateway_soak';

/** Each worker of a user trades its own symbol (so it alone moves that position): at most this many workers per user. */
export const SYMBOLS = ['BTC-USDT', 'ETH-USDT', 'SOL-USDT', 'XRP-USDT', 'ADA-USDT', 'DOT-USDT', 'BNB-USDT', 'LTC-USDT'];

function integer(name: string, fallback: number, min: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name}: expected an integer ≥ ${min}, got '${raw}'`);
  return value;
}

function fraction(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!(value > 0 && value < 1)) throw new Error(`${name}: expected a number between 0 and 1, got '${raw}'`);
  return value;
}

/** The settings of one run; the report repeats them (database by name only), so keep the key order. */
export function readSoakSettings() {
  const settings = {
    durationMs: integer('SOAK_DURATION_MS', 600_000, 10_000),
    databaseUrl: process.env.SOAK_DATABASE_URL?.trim() || DEFAULT_DATABASE_URL,
    // Only the default database is the soak's own to drop.
    recreateDatabase: !process.env.SOAK_DATABASE_URL?.trim(),
    redisUrl: process.env.SOAK_REDIS_URL?.trim() || 'redis://127.0.0.1:6379',
    users: integer('SOAK_USERS', 4, 1),
    workersPerUser: integer('SOAK_WORKERS_PER_USER', 2, 1),
    thinkMs: integer('SOAK_THINK_MS', 5, 0),
    balanceCacheTtlMs: integer('SOAK_BALANCE_CACHE_TTL_MS', 60_000, 1),
    warmupFraction: fraction('SOAK_WARMUP_FRACTION', 0.2),
    rssLimit: fraction('SOAK_RSS_LIMIT', 0.1),
    rssSampleMs: integer('SOAK_RSS_SAMPLE_MS', 2_000, 100),
    output: path.resolve(REPO_DIR, process.env.SOAK_OUTPUT?.trim() || 'bench/results/soak-latest.json'),
    feeRate: '0.001',
    shutdownGraceMs: 10_000,
  };
  if (settings.workersPerUser > SYMBOLS.length) throw new Error(`SOAK_WORKERS_PER_USER: at most ${SYMBOLS.length}`);
  return settings;
}

export type SoakSettings = ReturnType<typeof readSoakSettings>;

/** The database's name, as the log and the report show it. */
export const databaseName = (settings: SoakSettings) => new URL(settings.databaseUrl).pathname.slice(1);
