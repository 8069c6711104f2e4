import type { CacheStore } from './cache-store';
import { cacheKeys } from './keys';

/**
 * Where a user's balance version lives: the database (see create-balance-cache.ts). Every
 * mutation that changes the user's balances replaces it after committing and before answering.
 */
export interface BalanceVersions {
  /** The user's version as committed now. */
  current(userId: number): Promise<string>;
  /** Replaces it; resolves once the new version is committed. */
  replace(userId: number): Promise<void>;
}

export interface BalanceCacheOptions {
  /** How long a summary may be served from the cache. */
  ttlMs: number;
  /** After a store failure, how long reads skip the store before trying it again. */
  retryAfterMs?: number;
  log?: (message: string, error?: unknown) => void;
  now?: () => number;
  /** Observes every hit, miss, invalidation and store failure (metrics). */
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
 * user's version, then computes, and stores the result stamped with that version; a mutation
 * replaces the version after it commits and before it answers. So a read that starts after a
 * mutation's response sees the new version and cannot be served an entry computed before it:
 * not a slow read's late write-back, not an entry from before a Redis restart or partition,
 * and not one written by an instance that could not reach Redis. The store only holds data;
 * losing it, or reaching it from one instance and not another, costs hits, never correctness.
 *
 * Concurrent misses for one user and version on this instance share one computation.
 */
export class BalanceSummaryCache<T> {
  private hits = 0;
  private misses = 0;
  private invalidations = 0;
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
    if (cached && cached.version === version && cached.expiresAt > this.now()) {
      this.hits += 1;
      this.options.onEvent?.('hit');
      return { value: cached.value, fromCache: true };
    }
    this.misses += 1;
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
    this.invalidations += 1;
    this.options.onEvent?.('invalidation');
  }

  async metrics(): Promise<BalanceCacheMetrics> {
    const reads = this.hits + this.misses;
    const size = await this.store.count(cacheKeys.balanceSummaryPrefix).catch(() => 0);
    return {
      hits: this.hits,
      misses: this.misses,
      hitRate: reads === 0 ? 0 : this.hits / reads,
      size,
      invalidations: this.invalidations,
      store: this.store.kind,
    };
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
