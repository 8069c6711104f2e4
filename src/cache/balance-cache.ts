import type { CacheStore } from './cache-store';
import { cacheKeys } from './keys';

/**
 * Where a user's balance version lives: the database (see modules/balances/balance-cache.ts).
 * Every transaction that changes the user's balances replaces it inside its own commit.
 */
export interface BalanceVersions {
  /** The user's version as committed now. */
  current(userId: number): Promise<string>;
  /** Replaces it outside any change (an explicit invalidation); resolves once committed. */
  replace(userId: number): Promise<void>;
}

export interface BalanceCacheOptions {
  /** How long a summary may be served from the cache. */
  ttlMs: number;
  /** After a store failure, how long reads skip the store before trying it again. */
  retryAfterMs?: number;
  log?: (message: string, error?: unknown) => void;
  now?: () => number;
  /** Observes every hit, miss, invalidated entry found and store failure (metrics). */
  onEvent?: (event: 'hit' | 'miss' | 'invalidation' | 'store_error') => void;
}

export interface CachedRead<T> {
  value: T;
  fromCache: boolean;
}

export interface BalanceCacheMetrics {
  hits: number;
  misses: number;
  hitRate: number;
  size: number;
  invalidations: number;
  store: 'memory' | 'redis';
}

interface Entry<T> {
  /** The user's balance version read before the computation started. */
  version: string;
  expiresAt: number;
  value: T;
}

/**
 * Per-user summaries cached under a validity token (the "Scaling Memcache" remedy for stale
 * sets), with the token kept in the database next to the data it guards. A reader reads the
 * user's version, then computes, and stores the result stamped with that version; a mutation's
 * transaction replaces the version in the same commit as the change. So a read that starts after
 * a mutation's response sees the new version and cannot be served an entry computed before it:
 * not a slow read's late write-back, not an entry from before a Redis restart or partition,
 * and not one written by an instance that could not reach Redis. The store only holds data;
 * losing it, or reaching it from one instance and not another, costs hits, never correctness.
 *
 * Concurrent misses for one user and version on this instance share one computation.
 */
/** One user's reads and invalidations on this instance. */
interface UserCounts {
  hits: number;
  misses: number;
  invalidations: number;
}

/** Users whose counts are kept per instance; the least recently active go first. */
const COUNTED_USERS = 10_000;

export class BalanceSummaryCache<T> {
  /** Per user, never gateway-wide: a user's figures tell nothing of anyone else's activity. */
  private readonly counts = new Map<number, UserCounts>();
  private readonly inFlight = new Map<string, Promise<T>>();
  private storeDownUntil = 0;
  private storeFailing = false;
  private readonly now: () => number;

  constructor(
    private readonly store: CacheStore,
    private readonly versions: BalanceVersions,
    private readonly options: BalanceCacheOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** The user's summary from the cache, or computed by `compute` (shared by concurrent callers). */
  async get(userId: number, compute: () => Promise<T>): Promise<CachedRead<T>> {
    // Both at once: a hit costs the slower of one primary-key lookup and one store read.
    const [version, cached] = await Promise.all([this.versions.current(userId), this.cachedEntry(userId)]);
    const counts = this.countFor(userId);
    if (cached && cached.version === version && cached.expiresAt > this.now()) {
      counts.hits += 1;
      this.options.onEvent?.('hit');
      return { value: cached.value, fromCache: true };
    }
    // Versions are replaced in the database's commits, so this is where an invalidation shows.
    if (cached && cached.version !== version) {
      counts.invalidations += 1;
      this.options.onEvent?.('invalidation');
    }
    counts.misses += 1;
    this.options.onEvent?.('miss');
    // Keyed by version: a read that began after a mutation never joins a computation from before it.
    const value = await this.computeOnce(`${userId}:${version}`, async () => {
      const computed = await compute();
      if (this.storeUsable()) {
        const entry: Entry<T> = { version, expiresAt: this.now() + this.options.ttlMs, value: computed };
        await this.store.set(cacheKeys.balanceSummary(userId), entry, this.options.ttlMs).then(
          () => this.storeAnswered(),
          (error: unknown) => this.storeFailed(error),
        );
      }
      return computed;
    });
    return { value, fromCache: false };
  }

  /** Makes every cached summary of the user invalid, on every instance sharing the database. */
  async invalidate(userId: number): Promise<void> {
    await this.versions.replace(userId);
  }

  /**
   * The user's own figures on this instance: their hits, misses and invalidations, and whether
   * their summary is in the store (`size` 0 or 1). The gateway-wide figures are for operators
   * (the `gateway_balance_cache_events_total` counter on /metrics).
   */
  async metrics(userId: number): Promise<BalanceCacheMetrics> {
    const { hits, misses, invalidations } = this.counts.get(userId) ?? { hits: 0, misses: 0, invalidations: 0 };
    const reads = hits + misses;
    const cached = await this.cachedEntry(userId).catch(() => undefined);
    return { hits, misses, hitRate: reads === 0 ? 0 : hits / reads, size: cached ? 1 : 0, invalidations, store: this.store.kind };
  }

  private countFor(userId: number): UserCounts {
    const counts = this.counts.get(userId) ?? { hits: 0, misses: 0, invalidations: 0 };
    this.counts.delete(userId);
    this.counts.set(userId, counts);
    if (this.counts.size > COUNTED_USERS) this.counts.delete(this.counts.keys().next().value!);
    return counts;
  }

  private async cachedEntry(userId: number): Promise<Entry<T> | undefined> {
    if (!this.storeUsable()) return undefined;
    try {
      const [entry] = await this.store.getMany<Entry<T>>([cacheKeys.balanceSummary(userId)]);
      this.storeAnswered();
      return entry && typeof entry === 'object' && typeof entry.version === 'string' ? entry : undefined;
    } catch (error) {
      this.storeFailed(error);
      return undefined;
    }
  }

  private computeOnce(key: string, compute: () => Promise<T>): Promise<T> {
    const running = this.inFlight.get(key);
    if (running) return running;
    const promise = compute().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    return promise;
  }

  /** After a failure, reads skip the store for a while instead of each waiting for its timeout. */
  private storeUsable(): boolean {
    return this.now() >= this.storeDownUntil;
  }

  private storeAnswered(): void {
    if (!this.storeFailing) return;
    this.storeFailing = false;
    this.options.log?.('balance cache store is reachable again; cache re-enabled');
  }

  private storeFailed(error: unknown): void {
    this.options.onEvent?.('store_error');
    if (!this.storeFailing) this.options.log?.('balance cache store failed; computing balances from the database', error);
    this.storeFailing = true;
    this.storeDownUntil = this.now() + (this.options.retryAfterMs ?? 1_000);
  }
}
