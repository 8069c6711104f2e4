import { randomUUID } from 'node:crypto';
import type { CacheStore } from './cache-store';
import { cacheKeys } from './keys';

export interface BalanceCacheOptions {
  /** How long a summary may be served from the cache. */
  ttlMs: number;
  /** After a store failure, how long to wait before trying the store again. */
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
  /** `<epoch>/<user token>` current when the computation started. */
  token: string;
  expiresAt: number;
  value: T;
}

/**
 * Per-user summaries cached under a validity token (the "Scaling Memcache" remedy for stale
 * sets). A reader takes the user's current token before it computes and stores the result
 * stamped with that token; an invalidation replaces the token after the write commits. A slow
 * read that began before a mutation can still write its result, but under a token that is no
 * longer current, so nobody is served it. A reader that finds no token sets a fresh one before
 * computing, which keeps this true when tokens expire or the store restarts empty.
 *
 * Concurrent misses for one user on this instance share one computation. When the store fails,
 * reads go to the database and invalidations are remembered; the cache is used again only once
 * the remembered invalidations have reached the store and a new global epoch has been set, so
 * no summary cached before or during the outage is served after it.
 */
export class BalanceSummaryCache<T> {
  private hits = 0;
  private misses = 0;
  private invalidations = 0;
  private readonly inFlight = new Map<string, Promise<T>>();
  private readonly pendingInvalidations = new Set<number>();
  /** Per-user count of invalidations made here, for sharing computations while the store is down. */
  private readonly localGenerations = new Map<number, number>();
  private unavailableUntil = 0;
  private healthy = true;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly now: () => number;
  /** Tokens outlive entries by far, so an old token cannot come back while its entries live. */
  private readonly tokenTtlMs: number;

  constructor(
    private readonly store: CacheStore,
    private readonly options: BalanceCacheOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.tokenTtlMs = Math.max(options.ttlMs * 100, 600_000);
  }

  /** The user's summary from the cache, or computed by `compute` (shared by concurrent callers). */
  async get(userId: number, compute: () => Promise<T>): Promise<CachedRead<T>> {
    if (!(await this.storeUsable())) {
      this.misses += 1;
      this.options.onEvent?.('miss');
      return { value: await this.computeOnce(this.localFlightKey(userId), compute), fromCache: false };
    }
    try {
      const [epoch, userToken, entry] = await this.store.getMany<unknown>([
        cacheKeys.balanceEpoch,
        cacheKeys.balanceToken(userId),
        cacheKeys.balanceSummary(userId),
      ]);
      const cached = entry as Entry<T> | undefined;
      const token = typeof epoch === 'string' && typeof userToken === 'string' ? `${epoch}/${userToken}` : undefined;
      if (token && cached && cached.token === token && cached.expiresAt > this.now()) {
        this.hits += 1;
        this.options.onEvent?.('hit');
        return { value: cached.value, fromCache: true };
      }
      this.misses += 1;
      this.options.onEvent?.('miss');
      const currentToken = token ?? `${typeof epoch === 'string' ? epoch : await this.newEpoch()}/${typeof userToken === 'string' ? userToken : await this.newToken(userId)}`;
      const value = await this.computeOnce(`${userId}:${currentToken}`, async () => {
        const computed = await compute();
        const stamped: Entry<T> = { token: currentToken, expiresAt: this.now() + this.options.ttlMs, value: computed };
        await this.store.set(cacheKeys.balanceSummary(userId), stamped, this.options.ttlMs).catch((error) => this.storeFailed(error));
        return computed;
      });
      return { value, fromCache: false };
    } catch (error) {
      this.storeFailed(error);
      return { value: await this.computeOnce(this.localFlightKey(userId), compute), fromCache: false };
    }
  }

  /** Makes every cached summary of the user invalid, on every instance sharing the store. */
  async invalidate(userId: number): Promise<void> {
    this.invalidations += 1;
    this.localGenerations.set(userId, (this.localGenerations.get(userId) ?? 0) + 1);
    this.options.onEvent?.('invalidation');
    try {
      await this.newToken(userId);
    } catch (error) {
      this.pendingInvalidations.add(userId);
      this.storeFailed(error);
    }
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

  private async newToken(userId: number): Promise<string> {
    const token = randomUUID();
    await this.store.set(cacheKeys.balanceToken(userId), token, this.tokenTtlMs);
    return token;
  }

  private async newEpoch(): Promise<string> {
    const epoch = randomUUID();
    await this.store.set(cacheKeys.balanceEpoch, epoch, undefined);
    return epoch;
  }

  /**
   * Without the store, concurrent reads still share a computation, but never across an
   * invalidation: a read that starts after a mutation must not join one that began before it.
   */
  private localFlightKey(userId: number): string {
    return `local:${userId}:${this.localGenerations.get(userId) ?? 0}`;
  }

  private computeOnce(key: string, compute: () => Promise<T>): Promise<T> {
    const running = this.inFlight.get(key);
    if (running) return running;
    const promise = compute().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    return promise;
  }

  /** False while the store is failing; true once it answers and missed invalidations are replayed. */
  private async storeUsable(): Promise<boolean> {
    if (this.healthy) return true;
    if (this.now() < this.unavailableUntil) return false;
    try {
      for (const userId of [...this.pendingInvalidations]) {
        await this.newToken(userId);
        this.pendingInvalidations.delete(userId);
      }
      // Other instances may have missed invalidations too: start a new epoch for everyone.
      await this.newEpoch();
      this.healthy = true;
      this.options.log?.('balance cache store is reachable again; cache re-enabled');
      return true;
    } catch (error) {
      this.storeFailed(error);
      return false;
    }
  }

  private storeFailed(error: unknown): void {
    this.options.onEvent?.('store_error');
    if (this.healthy) this.options.log?.('balance cache store failed; computing balances from the database', error);
    this.healthy = false;
    const retryAfterMs = this.options.retryAfterMs ?? 1_000;
    this.unavailableUntil = this.now() + retryAfterMs;
    // Replay missed invalidations as soon as the store is back, not at this instance's next
    // request: other instances may read in the meantime.
    if (!this.retryTimer) {
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        void this.storeUsable();
      }, retryAfterMs);
      this.retryTimer.unref();
    }
  }
}
