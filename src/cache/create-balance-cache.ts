import { createHash } from 'node:crypto';
import type { Config } from '../config';
import type { Logger } from '../log';
import type { BalanceSummaryData } from '../modules/balances/balance-summary';
import { BalanceSummaryCache, type BalanceCacheOptions } from './balance-cache';
import { createCacheStore, type CacheStore } from './cache-store';

/** The balance cache as configured: Redis-backed when REDIS_URL is set, bounded memory otherwise. */
export function createBalanceCache(
  config: Pick<Config, 'redisUrl' | 'balanceCacheTtlMs' | 'balanceCacheMaxEntries' | 'cacheTimeoutMs' | 'databaseUrl' | 'dataDir' | 'cacheNamespace'>,
  log: Logger,
  /** Lets tests interpose on the real store (to hold a write back and force a race). */
  wrap: (store: CacheStore) => CacheStore = (store) => store,
  onEvent?: BalanceCacheOptions['onEvent'],
): { cache: BalanceSummaryCache<BalanceSummaryData>; store: CacheStore } {
  const store = wrap(createCacheStore({
    namespace: cacheNamespaceFor(config),
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

/**
 * Cache keys name users by database id, so they are only meaningful within one database: the
 * namespace is derived from the database's identity (server, port, database name; never the
 * password), and deployments on different databases sharing a Redis never see each other's keys.
 */
export function cacheNamespaceFor(config: Pick<Config, 'databaseUrl' | 'dataDir' | 'cacheNamespace'>): string {
  // Instances that reach one database under different addresses (an IP and a name, a proxy)
  // must set the same CACHE_NAMESPACE, or one's invalidations would not reach the other.
  if (config.cacheNamespace) return `gateway:${config.cacheNamespace}`;
  let identity = `embedded:${config.dataDir}`;
  if (config.databaseUrl) {
    const url = new URL(config.databaseUrl);
    identity = `postgres:${url.hostname}:${url.port || '5432'}${url.pathname}`;
  }
  return `gateway:${createHash('sha256').update(identity).digest('hex').slice(0, 12)}`;
}
