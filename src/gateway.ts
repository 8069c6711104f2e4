import type { Database } from './db/database';
import type { Logger } from './log';
import type { CacheStore } from './cache/cache-store';
import type { GatewayMetrics } from './observability/metrics';
import { createBalanceCache, type BalanceCache } from './modules/balances/balance-cache';
import { createServer, type GatewayServer, type ServerDeps } from './server';
import { createMemoryEventBus, type EventBus } from './events/event-bus';
import { createRedisEventBus } from './events/redis-event-bus';
import { cacheNamespaceFor } from './cache/create-versioned-cache';

export interface GatewayOptions {
  /** Served at /metrics, and fed with cache events and pool figures. */
  metrics?: GatewayMetrics;
  /** The demo user's key npm start issued in development (GraphiQL starts with it). */
  developmentKey?: string;
  /** Another gateway's cache to share (a second instance on one database, as with Redis). */
  shareCacheOf?: Pick<Gateway, 'balanceCache' | 'cacheStore'>;
  /** Interposes on the real cache store (tests hold a write back to force a race). */
  wrapCacheStore?: (store: CacheStore) => CacheStore;
}

/** A started gateway (Apollo and its HTTP app), not yet listening. */
export interface Gateway {
  readonly server: GatewayServer;
  readonly balanceCache: BalanceCache;
  readonly cacheStore: CacheStore;
  readonly events: EventBus;
  /** Stops the server (draining admitted requests), then closes the cache it opened. */
  close(): Promise<void>;
}

/**
 * The gateway's wiring in one place: its cache (Redis with REDIS_URL, memory otherwise), metrics
 * and server over an open database. main.ts, the tests and the benchmark all build it here.
 */
export async function buildGateway(config: ServerDeps['config'] & Parameters<typeof createBalanceCache>[0], db: Database, log: Logger, options: GatewayOptions = {}): Promise<Gateway> {
  const { metrics } = options;
  const owned = options.shareCacheOf
    ? undefined
    : createBalanceCache(config, db.prisma, log, { wrapStore: options.wrapCacheStore, onEvent: metrics && ((event) => metrics.cacheEvent(event)) });
  const balanceCache = options.shareCacheOf?.balanceCache ?? owned!.cache;
  const cacheStore = options.shareCacheOf?.cacheStore ?? owned!.store;
  metrics?.watchPool(() => db.poolStats());
  // Pushes cross instances through Redis pub/sub, namespaced like the cache (one deployment's events only).
  const events = config.redisUrl ? createRedisEventBus({ redisUrl: config.redisUrl, namespace: cacheNamespaceFor(config), log }) : createMemoryEventBus();
  const server = createServer({ config, db, balanceCache, cacheStore, log, metrics, events, developmentKey: options.developmentKey });
  try {
    await server.start();
    // Subscribed before serving (so a push for the first mutation is not missed), but a Redis
    // that does not answer does not hold the start-up: the bus keeps retrying.
    await Promise.race([events.ready, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
  } catch (error) {
    await events.close();
    if (owned) await owned.store.close();
    throw error;
  }
  return {
    server,
    balanceCache,
    cacheStore,
    events,
    async close() {
      try {
        await server.stop();
      } finally {
        await events.close();
        if (owned) await owned.store.close();
      }
    },
  };
}
