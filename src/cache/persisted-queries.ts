import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { CacheStore } from './cache-store';

/** How long a registered query stays known; a client re-sends the full text after that. */
const PERSISTED_QUERY_TTL_SECONDS = 24 * 60 * 60;

/**
 * Automatic persisted queries kept in the gateway's cache store (Redis when configured, so a
 * hash registered through one instance is known to all). A store failure reads as "not found":
 * the client then sends the full query, and nothing fails.
 */
export function persistedQueryCache(store: CacheStore): KeyValueCache<string> {
  return {
    get: (key) => store.getMany<string>([key]).then(([value]) => value, () => undefined),
    set: (key, value, options) =>
      store.set(key, value, (options?.ttl ?? PERSISTED_QUERY_TTL_SECONDS) * 1000).catch(() => undefined),
    delete: (key) => store.delete(key).then(() => true, () => false),
  };
}
