import { Prisma } from '../../generated/prisma/client';
import type { Resolvers } from '../../generated/graphql';
import { listMarkPrices, recordMarkPrices } from './mark-prices.service';
import { unrealizedPnlOf } from './valuation';

export const priceResolvers: Resolvers = {
  Query: {
    markPrices: (_, { symbols }, context) => listMarkPrices(context, symbols),
  },
  Mutation: {
    recordMarkPrices: async (_, { input }, context) => ({ markPrices: await recordMarkPrices(context, input) }),
  },
  // A position's valuation: its symbol's latest price, looked up for all positions of a request at once.
  Position: {
    markPrice: async (position, _, { loaders }) => (await loaders.markPriceBySymbol.load(position.symbol))?.price ?? null,
    markPriceAt: async (position, _, { loaders }) => (await loaders.markPriceBySymbol.load(position.symbol))?.at ?? null,
    unrealizedPnl: async (position, _, { loaders }) => {
      if (position.status !== 'OPEN') return null;
      const mark = await loaders.markPriceBySymbol.load(position.symbol);
      if (!mark) return null;
      const cost = new Prisma.Decimal(String(position.quantity)).times(String(position.entryPrice));
      return unrealizedPnlOf(position.side, String(position.quantity), cost, mark.price);
    },
  },
};
