import type { Logger } from '../../log';
import type { PrismaClient } from '../../generated/prisma/client';
import type { BalanceSummaryCache, BalanceVersions } from '../../cache/balance-cache';
import type { CacheStore } from '../../cache/cache-store';
import { createVersionedCache, type CreateVersionedCacheOptions } from '../../cache/create-versioned-cache';
import type { BalanceSummaryData } from './balance-summary';

/** The cache of every user's balance summary. */
export type BalanceCache = BalanceSummaryCache<BalanceSummaryData>;

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

/** The balance cache as configured (Redis with REDIS_URL, bounded memory otherwise), versioned in the User row. */
export function createBalanceCache(
  config: Parameters<typeof createVersionedCache>[0],
  prisma: PrismaClient,
  log: Logger,
  options: CreateVersionedCacheOptions = {},
): { cache: BalanceCache; store: CacheStore } {
  return createVersionedCache<BalanceSummaryData>(config, balanceVersionsIn(prisma), log, options);
}
