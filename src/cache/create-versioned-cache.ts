import { createHash } from 'node:crypto';
import type { Config } from '../config';
import type { Logger } from '../log';
import { BalanceSummaryCache, type BalanceCacheOptions, type BalanceVersions } from './balance-cache';
import { createCacheStore, type CacheStore } from './cache-store';

export interface CreateVersionedCacheOptions {
  /** Lets tests interpose on the real store (to hold a write back and force a race). */
  wrapStore?: (store: CacheStore) => CacheStore;
  onEvent?: BalanceCacheOptions['onEvent'];
}

/**
 * A per-user cache of `T` as configured: Redis-backed when REDIS_URL is set, bounded memory
 * otherwise; an entry is served only under its user's current version (`versions`).
 */
export function createVersionedCache<T>(
  config: Pick<Config, 'redisUrl' | 'balanceCacheTtlMs' | 'balanceCacheMaxEntries' | 'cacheTimeoutMs' | 'databaseUrl' | 'dataDir' | 'cacheNamespace'>,
  versions: BalanceVersions,
  log: Logger,
  options: CreateVersionedCacheOptions = {},
): { cache: BalanceSummaryCache<T>; store: CacheStore } {
  const created = createCacheStore({
    namespace: cacheNamespaceFor(config),
    redisUrl: config.redisUrl,
    maxEntries: config.balanceCacheMaxEntries,
    opTimeoutMs: config.cacheTimeoutMs,
  });
  const store = options.wrapStore ? options.wrapStore(created) : created;
  const cache = new BalanceSummaryCache<T>(store, versions, {
    ttlMs: config.balanceCacheTtlMs,
    log: (message, error) => (error ? log.warn({ err: error }, message) : log.info(message)),
    onEvent: options.onEvent,
  });
  return { cache, store };
}

/**
 * Cache keys name users by database id, so they are only meaningful within one database: the
 * namespace is derived from the database's address (server, port, database name; never the
 * password), so deployments on different databases sharing a Redis keep to their own keys.
 * Correctness never depends on it (an entry is served only under its user's current version, a
 * random UUID); a shared namespace across deployments would only make them evict each other.
 */
export function cacheNamespaceFor(config: Pick<Config, 'databaseUrl' | 'dataDir' | 'cacheNamespace'>): string {
  if (config.cacheNamespace) return `gateway:${config.cacheNamespace}`;
  let identity = `embedded:${config.dataDir}`;
  if (config.databaseUrl) {
    const url = new URL(config.databaseUrl);
    identity = `postgres:${url.hostname}:${url.port || '5432'}${url.pathname}`;
  }
  return `gateway:${createHash('sha256').update(identity).digest('hex').slice(0, 12)}`;
}
