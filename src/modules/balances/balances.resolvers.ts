import type { Resolvers } from '../../generated/graphql';
import { balanceSummaryFor } from './balance-summary';

export const balanceResolvers: Resolvers = {
  Query: {
    balances: async (_, __, { viewer, prisma, balanceCache }) => {
      const { value, fromCache } = await balanceCache.get(viewer.id, () => balanceSummaryFor(prisma, viewer.id));
      return { ...value, fromCache };
    },
    balanceCacheMetrics: (_, __, { viewer, balanceCache }) => balanceCache.metrics(viewer.id),
  },
  Mutation: {
    invalidateBalanceCache: async (_, __, { viewer, balanceCache }) => {
      await balanceCache.invalidate(viewer.id);
      return true;
    },
  },
  AccountBalance: {
    account: (balance, _, { loaders }) => loaders.accountById.load(balance.accountId).then((account) => account!),
  },
};
