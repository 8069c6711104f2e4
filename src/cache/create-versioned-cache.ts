import { createHash } from 'node:crypto';
import type { Config } from '../config';
import type { Logger } from '../log';
import type { PrismaClient } from '../generated/prisma/client';
import type { BalanceSummaryData } from '../modules/balances/balance-summary';
import { BalanceSummaryCache, type BalanceCacheOptions, type BalanceVersions } from './balance-cache';
import { createCacheStore, type CacheStore } from './cache-store';

export interface CreateBalanceCacheOptions {
  /** Lets tests interpose on the real store (to hold a write back and force a race). */
  wrapStore?: (store: CacheStore) => CacheStore;
  onEvent?: BalanceCacheOptions['onEvent'];
}

/** The balance cache as configured: Redis-backed when REDIS_URL is set, bounded memory otherwise. */
export function createBalanceCache(
  config: Pick<Config, 'redisUrl' | 'balanceCacheTtlMs' | 'balanceCacheMaxEntries' | 'cacheTimeoutMs' | 'databaseUrl' | 'dataDir' | 'cacheNamespace'>,
  prisma: PrismaClient,
  log: Logger,
  options: CreateBalanceCacheOptions = {},
): { cache: BalanceSummaryCache<BalanceSummaryData>; store: CacheStore } {
  const created = createCacheStore({
    namespace: cacheNamespaceFor(config),
    redisUrl: config.redisUrl,
    maxEntries: config.balanceCacheMaxEntries,
    opTimeoutMs: config.cacheTimeoutMs,
  });
  const store = options.wrapStore ? options.wrapStore(created) : created;
  const cache = new BalanceSummaryCache<BalanceSummaryData>(store, balanceVersionsIn(prisma), {
    ttlMs: config.balanceCacheTtlMs,
    log: (message, error) => (error ? log.warn({ err: error }, message) : log.info(message)),
    onEvent: options.onEvent,
  });
  return { cache, store };
}

/** Balance versions in the User row: as available and as current as the balances themselves. */
export function balanceVersionsIn(prisma: PrismaClient): BalanceVersions {
  return {
    async current(userId) {
      const user = await prisma.user.findUnique({ where: { id: userId }, select: { balanceVersion: true } });
      return user?.balanceVersion ?? 'no-such-user';
    },
    async replace(userId) {
      await prisma.$executeRaw`UPDATE "User" SET "balanceVersion" = gen_random_uuid() WHERE "id" = ${userId}`;
    },
  };
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
