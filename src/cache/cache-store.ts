import type KeyvRedis from '@keyv/redis';
import { createKeyv as createRedisKeyv, type RedisClientOptions } from '@keyv/redis';
import { createKeyv as createMemoryKeyv, type KeyvCacheableMemory } from '@cacheable/memory';

/**
 * The narrow interface the gateway caches through (get many / set with TTL / size). Every call
 * may reject: the caller decides what an unreachable store means (here: read the database).
 */
export interface CacheStore {
  readonly kind: 'memory' | 'redis';
  getMany<T>(keys: readonly string[]): Promise<Array<T | undefined>>;
  set(key: string, value: unknown, ttlMs: number | undefined): Promise<void>;
  delete(key: string): Promise<void>;
  /** How many keys starting with `prefix` the store holds (a bounded scan on Redis). */
  count(prefix: string): Promise<number>;
  close(): Promise<void>;
}

export interface CacheStoreOptions {
  /** Redis server shared by every gateway instance; in-process memory when absent. */
  redisUrl?: string | undefined;
  /** Bound of the in-memory store; least recently used entries go first. */
  maxEntries?: number;
  /** A store call slower than this counts as a failure (a hung connection must not hang requests). */
  opTimeoutMs?: number;
  onError?: (error: unknown) => void;
  /**
   * Prefix of every key. Deployments sharing one Redis with different databases must differ
   * here, or user 7 of one would read user 7 of the other's summary.
   */
  namespace?: string;
}

const DEFAULT_NAMESPACE = 'gateway';

/** Builds the cache store: Keyv over Redis when configured, else Keyv over a bounded in-process LRU. */
export function createCacheStore(options: CacheStoreOptions = {}): CacheStore {
  const timeoutMs = options.opTimeoutMs ?? 250;
  const NAMESPACE = options.namespace ?? DEFAULT_NAMESPACE;
  if (options.redisUrl) {
    const keyv = createRedisKeyv(
      // Commands fail at once while disconnected instead of queueing until Redis returns.
      { url: options.redisUrl, disableOfflineQueue: true } as RedisClientOptions,
      { namespace: NAMESPACE, throwOnConnectError: false, throwOnErrors: true, connectionTimeout: timeoutMs * 4 },
    );
    keyv.throwOnErrors = true;
    keyv.on('error', (error: unknown) => options.onError?.(error));
    const redis = keyv.store as KeyvRedis<unknown>;
    return {
      kind: 'redis',
      getMany: (keys) => withTimeout(keyv.getMany([...keys]), timeoutMs) as Promise<never[]>,
      set: (key, value, ttlMs) => withTimeout(keyv.set(key, value, ttlMs).then(() => undefined), timeoutMs),
      delete: (key) => withTimeout(keyv.delete(key).then(() => undefined), timeoutMs),
      count: (prefix) => withTimeout(countRedisKeys(redis, `${NAMESPACE}::${prefix}`), timeoutMs * 4),
      close: () => redis.disconnect().catch(() => undefined),
    };
  }

  // Bounded (least recently used entries go first) and swept for expired entries every 10 s.
  const keyv = createMemoryKeyv({ namespace: NAMESPACE, lruSize: options.maxEntries ?? 10_000, checkInterval: 10_000 });
  const memory = (keyv.store as KeyvCacheableMemory).getStore(NAMESPACE);
  return {
    kind: 'memory',
    getMany: (keys) => keyv.getMany([...keys]) as Promise<never[]>,
    set: (key, value, ttlMs) => keyv.set(key, value, ttlMs).then(() => undefined),
    delete: (key) => keyv.delete(key).then(() => undefined),
    count: async (prefix) => [...memory.keys].filter((key) => key.includes(prefix)).length,
    close: async () => memory.stopIntervalCheck(),
  };
}

async function countRedisKeys(redis: KeyvRedis<unknown>, pattern: string): Promise<number> {
  const client = (await redis.getClient()) as unknown as {
    scanIterator(options: { MATCH: string; COUNT: number }): AsyncIterable<string | string[]>;
  };
  let count = 0;
  for await (const batch of client.scanIterator({ MATCH: `${pattern}*`, COUNT: 1000 })) {
    count += Array.isArray(batch) ? batch.length : 1;
    if (count >= 100_000) break; // a metric, not an inventory: stop scanning past this
  }
  return count;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`cache store did not answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Whether the store answers a read now (for start-up warnings and /ready; never throws). */
export const storeAnswers = (store: CacheStore): Promise<boolean> => store.getMany(['reachability-probe']).then(() => true, () => false);
