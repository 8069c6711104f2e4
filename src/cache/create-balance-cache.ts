import type { Config } from '../config';
import type { Logger } from '../log';
import type { BalanceSummaryData } from '../modules/balances/balance-summary';
import { BalanceSummaryCache, type BalanceCacheOptions } from './balance-cache';
import { createCacheStore, type CacheStore } from './cache-store';

/** The balance cache as configured: Redis-backed when REDIS_URL is set, bounded memory otherwise. */
export function createBalanceCache(
  config: Pick<Config, 'redisUrl' | 'balanceCacheTtlMs' | 'balanceCacheMaxEntries' | 'cacheTimeoutMs'>,
  log: Logger,
  /** Lets tests interpose on the real store (to hold a write back and force a race). */
  wrap: (store: CacheStore) => CacheStore = (store) => store,
  onEvent?: BalanceCacheOptions['onEvent'],
): { cache: BalanceSummaryCache<BalanceSummaryData>; store: CacheStore } {
  const store = wrap(createCacheStore({
    redisUrl: config.redisUrl,
    maxEntries: config.balanceCacheMaxEntries,
    opTimeoutMs: config.cacheTimeoutMs,
  }));
  const cache = new BalanceSummaryCache<BalanceSummaryData>(store, {
    ttlMs: config.balanceCacheTtlMs,
    log: (message, error) => (error ? log.warn({ err: error }, message) : log.info(message)),
    onEvent,
  });
  return { cache, store };
}
