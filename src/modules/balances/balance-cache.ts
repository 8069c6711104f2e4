import type { Logger } from '../../log';
import { Prisma, type PrismaClient } from '../../generated/prisma/client';
import { wireRows, type ReadScope } from '../../db/wire-rows';
import type { BalanceSummaryCache, BalanceVersions } from '../../cache/balance-cache';
import type { CacheStore } from '../../cache/cache-store';
import { createVersionedCache, type CreateVersionedCacheOptions } from '../../cache/create-versioned-cache';
import type { BalanceSummaryData } from './balance-summary';

/** The cache of every user's balance summary. */
export type BalanceCache = BalanceSummaryCache<BalanceSummaryData>;

/** Balance versions in the User row: as available and as current as the balances themselves. */
export function balanceVersionsIn(prisma: PrismaClient): BalanceVersions {
  // One scope for every request: the versions read in one turn (concurrent misses, say) share a
  // statement. A wire read, never cached: each sees every commit made before it was asked for.
  const versions: ReadScope = { prisma };
  return {
    async current(userId) {
      const [user] = await wireRows<{ version: string }>(versions, Prisma.sql`SELECT "balanceVersion" AS version FROM "User" WHERE id = ${userId}`);
      return user?.version ?? 'no-such-user';
    },
    async replace(userId) {
      await prisma.$executeRaw`UPDATE "User" SET "balanceVersion" = gen_random_uuid() WHERE "id" = ${userId}`;
    },
  };
}

/** The balance cache as configured (Redis with REDIS_URL, bounded memory otherwise), versioned in the User row. */
export function createBalanceCache(
  config: Parameters<typeof createVersionedCache>[0],
  prisma: PrismaClient,
  log: Logger,
  options: CreateVersionedCacheOptions = {},
): { cache: BalanceCache; store: CacheStore } {
  return createVersionedCache<BalanceSummaryData>(config, balanceVersionsIn(prisma), log, options);
}
